"""Trainings for professionals, parents and teams; their sessions live in the workshops app."""

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .. import filter_keys
from ..blocks import BodyBlock, GoalsBlock
from .base import ONLINE_RULE_FEATURES, BilingualPreviewMixin, tabs


class TrainingAudience(models.TextChoices):
    PROFESSIONALS = "professionals", _("Professionals")
    PARENTS = "parents", _("Parents and carers")
    TEAMS = "teams", _("Teams (custom)")


class TrainingIndexPage(BilingualPreviewMixin, Page):
    """Lists the trainings, grouped by who they are for."""

    page_description = _("The list of trainings.")

    intro = RichTextField(_("introduction"), blank=True, features=ONLINE_RULE_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    edit_handler = tabs(content_panels)
    search_fields = Page.search_fields + [index.SearchField("intro")]

    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.TrainingPage"]

    class Meta:
        verbose_name = _("training index")
        verbose_name_plural = _("training indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        trainings = TrainingPage.objects.live().public().descendant_of(self).order_by("path")
        audiences = filter_keys.options(TrainingAudience.choices)  # ?audience= in the visitor's language
        audience = filter_keys.selected_value(audiences, request.GET.get("audience", ""))
        if audience:
            trainings = trainings.filter(audience=audience)
        context.update(trainings=trainings, audiences=audiences, selected_audience=audience)
        return context


class TrainingPage(BilingualPreviewMixin, Page):
    """A training for professionals or parents; its sessions live in workshops.Session."""

    page_description = _("One training with its agenda, preparation and upcoming sessions.")

    intro = models.TextField(_("introduction"), blank=True, help_text=_("What participants get out of it."))
    audience = models.CharField(
        _("audience"), max_length=20, choices=TrainingAudience.choices, default=TrainingAudience.PROFESSIONALS
    )
    goals = StreamField(GoalsBlock(), verbose_name=_("goals of the day"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("more about the training"), blank=True)
    podcast_title = models.CharField(_("podcast episode"), max_length=200, blank=True)
    podcast_url = models.URLField(_("podcast link"), blank=True)
    podcast_minutes = models.PositiveSmallIntegerField(_("podcast length (minutes)"), null=True, blank=True)
    background_reading = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("background reading"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cheat_sheet = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("cheat sheet"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A one-page summary participants can print."),
    )
    online_rules = RichTextField(
        _("rules for online sessions"),
        blank=True,
        features=ONLINE_RULE_FEATURES,
        help_text=_("E.g. full name as user name, microphone muted and camera on, questions in the chat."),
    )
    calendar_shows_title = models.BooleanField(
        _("title in calendar entries"),
        default=False,
        help_text=_(
            'Off: participants\' calendars show a neutral title ("Qpido session"), because colleagues or family '
            "may see them. On: they show the title of this training."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("audience"),
        FieldPanel("goals"),
        FieldPanel("body"),
    ]
    programme_panels = [
        InlinePanel("agenda_steps", label=_("Agenda")),
        MultiFieldPanel(
            [
                FieldPanel("podcast_title"),
                FieldRowPanel([FieldPanel("podcast_url"), FieldPanel("podcast_minutes")]),
                FieldPanel("background_reading"),
                FieldPanel("cheat_sheet"),
            ],
            heading=_("Preparation"),
        ),
        FieldPanel("online_rules"),
        FieldPanel("calendar_shows_title"),
    ]
    edit_handler = tabs(content_panels, programme_panels, _("Programme"))
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("goals"),
        index.SearchField("body"),
    ]

    parent_page_types = ["home.TrainingIndexPage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")

    @cached_property
    def agenda(self):
        return list(self.agenda_steps.all())

    @property
    def total_minutes(self):
        return sum(step.minutes for step in self.agenda)

    @property
    def has_preparation(self):
        return bool(self.podcast_url or self.background_reading_id or self.cheat_sheet_id)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["agenda"] = self.agenda
        return context


class TrainingAgendaStep(Orderable):
    """One step of a training's programme, with its length in minutes."""

    training = ParentalKey(TrainingPage, on_delete=models.CASCADE, related_name="agenda_steps")
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    panels = [FieldRowPanel([FieldPanel("title"), FieldPanel("minutes")]), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("agenda step")
        verbose_name_plural = _("agenda steps")
