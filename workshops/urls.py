"""Public URLs of the workshops app (included from cms/urls.py inside i18n_patterns)."""

app_name = "workshops"
urlpatterns: list = []
