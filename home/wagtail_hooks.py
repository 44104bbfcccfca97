"""Admin wiring for the home app: the Theme and HelpLink snippets, grouped under one menu item."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import HelpLink, Theme


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Themes")
    list_display = ["name", "slug", "sort_order"]
    ordering = ["sort_order", "slug"]


class HelpLinkViewSet(SnippetViewSet):
    model = HelpLink
    icon = "link"
    menu_label = _("Help links")
    list_display = ["name", "url", "sort_order"]
    list_filter = ["topics"]
    ordering = ["sort_order", "name"]


class ContentSnippets(SnippetViewSetGroup):
    items = (ThemeViewSet, HelpLinkViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Themes & help")
    menu_name = "themes-and-help"


register_snippet(ContentSnippets)
