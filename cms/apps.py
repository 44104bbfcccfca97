from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    """The project app: page-cache invalidation and other project-wide wiring."""

    name = "cms"
    verbose_name = _("Project")

    def ready(self):
        from . import cache, security

        cache.connect_signals()
        security.connect_signals()
