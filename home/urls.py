"""Public URLs of the home app (included from cms/urls.py inside i18n_patterns)."""

app_name = "home"
urlpatterns: list = []
