from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "home"
    verbose_name = _("Site content")

    def ready(self):
        from .models import HomePage

        # wagtail-modeltranslation replaces `route` on every translated page class when it starts; the home page's
        # one-query routing goes back on top of that (see HomePage.route_by_url_path).
        HomePage.route = HomePage.route_by_url_path
