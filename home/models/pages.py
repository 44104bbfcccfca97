"""The standard pages: the home page, general content pages (programmes, statements) and the contact page."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from cms.cache import remember

from ..blocks import BodyBlock
from .base import ONLINE_RULE_FEATURES, BilingualPreviewMixin, tabs
from .campaigns import CampaignPage
from .help import HelpLinksPage
from .snippets import HelpLink


class HomePage(BilingualPreviewMixin, Page):
    """The root of the site: introduction, today's campaign, featured lessons and trainings, help and contact."""

    page_description = _("The start page: introduction, campaign, featured lessons and trainings, help and contact.")

    intro = RichTextField(_("introduction"), blank=True)
    help_teaser = models.TextField(
        _("help teaser"),
        blank=True,
        help_text=_("A short line above the help links on the home page, e.g. 'Worried? These people can help.'"),
    )

    def route_by_url_path(self, request, path_components):
        """Find a live descendant by its translated URL path, instead of one query (plus one for .specific) per
        level of the tree as Page.route does; anything else falls back to the usual routing. Which page (id and
        type) a path names is remembered per process until content changes (cms.cache.remember: publishing,
        unpublishing, moving or renaming a page forgets it), so a request reads only the specific page itself.
        Installed as HomePage.route in HomeConfig.ready(), after wagtail-modeltranslation patched `route`."""
        if path_components:
            url_path = self.url_path + "/".join(path_components) + "/"
            key = ("route", translation.get_language(), self.path, url_path)
            found = remember(request, key, lambda: self._live_descendant_at(url_path), keep_none=False)
            if found is not None:
                pk, content_type_id = found
                model = ContentType.objects.get_for_id(content_type_id).model_class()
                page = model.objects.live().filter(pk=pk).first() if model is not None else None
                if page is not None:
                    return RouteResult(page)
        return Page.route(self, request, path_components)

    def _live_descendant_at(self, url_path):
        """(id, content type id) of the live page below this one at `url_path` in the active language, or None."""
        return (
            Page.objects.live()
            .filter(url_path=url_path, path__startswith=self.path)
            .order_by("path")
            .values_list("pk", "content_type_id")
            .first()
        )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("featured_pages", label=_("Featured lessons and trainings"), max_num=6),
        FieldPanel("help_teaser"),
    ]
    edit_handler = tabs(content_panels)
    search_fields = Page.search_fields + [index.SearchField("intro")]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.LessonIndexPage",
        "home.TrainingIndexPage",
        "home.CampaignIndexPage",
        "home.HelpLinksPage",
        "home.ContentPage",
        "home.ContactPage",
    ]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def live_campaign(self):
        today = timezone.localdate()
        return (
            CampaignPage.objects.live()
            .filter(start_date__lte=today, end_date__gte=today)
            .order_by("start_date")
            .first()
        )

    def next_campaign(self):
        return CampaignPage.objects.live().filter(start_date__gt=timezone.localdate()).order_by("start_date").first()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        campaign = self.live_campaign()
        order = list(self.featured_pages.values_list("page_id", flat=True))
        pages = {page.pk: page for page in Page.objects.live().public().filter(pk__in=order).specific()}
        featured = [pages[pk] for pk in order if pk in pages]
        context.update(
            campaign=campaign,
            next_campaign=None if campaign else self.next_campaign(),
            featured=featured,
            help_page=HelpLinksPage.for_request(request),
            help_links=list(HelpLink.objects.all()[:4]),
            contact_page=ContactPage.for_request(request),
        )
        return context


class HomeFeaturedPage(Orderable):
    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_pages")
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("lesson or training")
    )

    panels = [PageChooserPanel("page", page_type=["home.LessonPage", "home.TrainingPage"])]

    class Meta(Orderable.Meta):
        verbose_name = _("featured page")


class ContentPage(BilingualPreviewMixin, Page):
    """A general page for what the organisation also offers (programmes, custom trainings, about us)."""

    page_description = _(
        "A general page, e.g. a programme such as Romeo & Julia, custom trainings or the online platform."
    )

    intro = models.TextField(_("introduction"), blank=True, help_text=_("One or two sentences shown in bold."))
    body = RichTextField(_("body"), blank=True, help_text=_("Plain text. Use 'Sections' for images, videos or FAQ."))
    sections = StreamField(BodyBlock(), verbose_name=_("sections"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body"), FieldPanel("sections")]
    edit_handler = tabs(content_panels)
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("sections"),
    ]

    parent_page_types = ["home.HomePage", "home.ContentPage"]
    subpage_types = ["home.ContentPage"]

    class Meta:
        verbose_name = _("content page")
        verbose_name_plural = _("content pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = self.get_children().live().public().specific()
        return context


class ContactPage(BilingualPreviewMixin, Page):
    """Every way to reach the organisation, taken from the site settings so it is entered once."""

    page_description = _("Every way to reach the organisation; the details come from the site settings.")

    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), blank=True, features=ONLINE_RULE_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    edit_handler = tabs(content_panels)
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("contact page")
        verbose_name_plural = _("contact pages")

    @classmethod
    def for_request(cls, request):
        """The live contact page that the home page links to, remembered per process until content changes."""
        return remember(request, "contact-page", lambda: cls.objects.live().first())
