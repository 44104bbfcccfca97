"""Public URLs of the evaluation form (included from cms/urls.py inside i18n_patterns)."""

from django.urls import path

from . import evaluation_views

app_name = "evaluation"
urlpatterns = [
    path("evaluatie/sessie/<str:token>/", evaluation_views.room, name="room"),
    path("evaluatie/antwoord/<str:token>/", evaluation_views.edit, name="edit"),
    path("evaluatie/<str:token>/", evaluation_views.answer, name="answer"),
]
