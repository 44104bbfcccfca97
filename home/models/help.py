"""The directory of help organisations."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.cache import remember

from .. import filter_keys
from .base import ONLINE_RULE_FEATURES, BilingualPreviewMixin, tabs
from .snippets import HelpLink, Theme


class HelpLinksPage(BilingualPreviewMixin, Page):
    """The directory of help organisations, grouped by topic, with a topic filter and a quick exit."""

    page_description = _("The help organisations by topic, with a quick exit.")

    intro = RichTextField(_("introduction"), blank=True, features=ONLINE_RULE_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    edit_handler = tabs(content_panels)
    search_fields = Page.search_fields + [index.SearchField("intro")]

    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("help links page")
        verbose_name_plural = _("help links pages")

    @classmethod
    def for_request(cls, request):
        """The live help directory that other pages link to, remembered per process until content changes."""
        return remember(request, "help-page", lambda: cls.objects.live().first())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        links = HelpLink.objects.order_by("sort_order", "name")
        topics = list(
            Theme.objects.filter(help_links__isnull=False)
            .distinct()
            .prefetch_related(Prefetch("help_links", queryset=links))
        )
        choices = filter_keys.options((t.slug, t.name) for t in topics)  # ?topic= in the visitor's language
        selected = filter_keys.selected_value(choices, request.GET.get("topic", ""))
        groups = [(t, list(t.help_links.all())) for t in topics if not selected or t.slug == selected]
        context.update(
            topics=topics,
            topic_choices=choices,
            selected_topic=selected,
            groups=groups,
            other_links=[] if selected else list(links.filter(topics__isnull=True)),
        )
        return context
