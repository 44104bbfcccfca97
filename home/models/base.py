"""What every page family shares: editors preview in both languages, and the edit form's tabs."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import ObjectList, TabbedInterface
from wagtail.models import Page, PageViewRestriction

from cms.cache import remember

ONLINE_RULE_FEATURES = ["bold", "italic", "link", "ul", "ol"]


class BilingualPreviewMixin:
    """Editors preview a page in Dutch and in English."""

    @property
    def preview_modes(self):
        return [("nl", _("Dutch")), ("en", _("English"))]

    def get_view_restrictions(self):
        """Wagtail checks a page's view restrictions on every view (two queries); while no page has one (kept in
        the process until content changes), the answer needs no query."""
        if not remember(None, "any-view-restrictions", PageViewRestriction.objects.exists):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def serve_preview(self, request, mode_name):
        with translation.override(mode_name or "nl"):
            request.LANGUAGE_CODE = mode_name or "nl"
            response = super().serve_preview(request, mode_name)
            if hasattr(response, "render"):
                response.render()
        return response


def tabs(content, details=None, details_heading=None):
    """Content, an optional details tab, then Wagtail's own promote and settings tabs."""
    children = [ObjectList(content, heading=_("Content"))]
    if details:
        children.append(ObjectList(details, heading=details_heading))
    children += [
        ObjectList(Page.promote_panels, heading=_("Promote")),
        ObjectList(Page.settings_panels, heading=_("Settings"), classname="settings"),
    ]
    return TabbedInterface(children)
