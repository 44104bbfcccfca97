"""Public URLs of the events app (included from cms/urls.py inside i18n_patterns)."""

app_name = "events"
urlpatterns: list = []
