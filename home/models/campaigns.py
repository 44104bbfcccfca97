"""Campaign weeks (e.g. Week van de Liefde) and their index."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import BodyBlock
from .base import ONLINE_RULE_FEATURES, BilingualPreviewMixin, tabs
from .lessons import LessonPage
from .trainings import TrainingPage


class CampaignIndexPage(BilingualPreviewMixin, Page):
    """Lists the campaign weeks: running and coming first, then past ones."""

    page_description = _("The list of campaign weeks.")

    intro = RichTextField(_("introduction"), blank=True, features=ONLINE_RULE_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    edit_handler = tabs(content_panels)

    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.CampaignPage"]

    class Meta:
        verbose_name = _("campaign index")
        verbose_name_plural = _("campaign indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        today = timezone.localdate()
        campaigns = CampaignPage.objects.live().public().descendant_of(self)
        context.update(
            current=campaigns.filter(end_date__gte=today).order_by("start_date"),
            past=campaigns.filter(end_date__lt=today).order_by("-start_date"),
        )
        return context


class CampaignPage(BilingualPreviewMixin, Page):
    """A campaign week (e.g. Week van de Liefde); shown on the home page while it runs."""

    page_description = _("A campaign week; shown on the home page while it runs.")

    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    related_lessons = ParentalManyToManyField(
        LessonPage, verbose_name=_("related lessons"), related_name="campaigns", blank=True
    )
    related_trainings = ParentalManyToManyField(
        TrainingPage, verbose_name=_("related trainings"), related_name="campaigns", blank=True
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")], heading=_("Dates")),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    related_panels = [FieldPanel("related_lessons"), FieldPanel("related_trainings")]
    edit_handler = tabs(content_panels, related_panels, _("Related"))
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.CampaignIndexPage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    @property
    def is_live_today(self):
        return self.start_date <= timezone.localdate() <= self.end_date

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            lessons=list(self.related_lessons.live()),
            trainings=list(self.related_trainings.live()),
        )
        return context
