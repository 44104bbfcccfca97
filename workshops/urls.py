"""Public URLs of the workshops app (included from cms/urls.py inside i18n_patterns)."""

from django.urls import path

from . import homework_views, views

app_name = "workshops"
urlpatterns = [
    path("mijn-aanmelding/<str:token>/", views.manage, name="manage"),
    path("huiswerk/<str:token>/<slug:kind>/", homework_views.open_homework, name="homework"),
]
