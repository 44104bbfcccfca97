"""Public URLs of the evaluation form (included from cms/urls.py inside i18n_patterns)."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from cms.i18n_urls import old_path

from . import views
from .board import views as board_views

app_name = "evaluation"
urlpatterns = [
    path(pgettext_lazy("URL path", "evaluation/session/<str:token>/"), views.room, name="room"),
    path(pgettext_lazy("URL path", "evaluation/answer/<str:token>/"), views.edit, name="edit"),
    path(pgettext_lazy("URL path", "evaluation/<str:token>/"), views.answer, name="answer"),
    # the live team board (evaluations/board): a participant's phone, the projector, the poll; the follow-up page
    path(pgettext_lazy("URL path", "team-board/<str:token>/"), board_views.participant, name="board"),
    path(pgettext_lazy("URL path", "team-board/<str:token>/screen/"), board_views.projector, name="board_projector"),
    path(pgettext_lazy("URL path", "team-board/<str:token>/live/"), board_views.live, name="board_live"),
    path(pgettext_lazy("URL path", "actions/<str:token>/"), board_views.follow_up, name="follow_up"),
    # the Dutch paths /en/ used before its paths were translated (see cms/i18n_urls.py)
    old_path("evaluatie/sessie/<str:token>/", "evaluation:room"),
    old_path("evaluatie/antwoord/<str:token>/", "evaluation:edit"),
    old_path("evaluatie/<str:token>/", "evaluation:answer"),
]
