"""Public URLs of the evaluation form (included from cms/urls.py inside i18n_patterns)."""

from django.urls import path

from . import evaluation_views

app_name = "evaluation"
urlpatterns = [
    path("evaluatie/<str:token>/", evaluation_views.answer, name="answer"),
]
