"""Public URLs of the home app (included from cms/urls.py inside i18n_patterns)."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "home"
urlpatterns: list = [
    path(pgettext_lazy("URL path", "search/"), views.search, name="search"),
]
