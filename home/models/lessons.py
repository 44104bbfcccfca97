"""In-school lessons and their index, filtered by theme and school type."""

from django import forms
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .. import filter_keys
from ..blocks import BodyBlock, GoalsBlock
from .base import ONLINE_RULE_FEATURES, BilingualPreviewMixin, tabs
from .help import HelpLinksPage
from .snippets import HelpLink, Theme


class SchoolType(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    SECONDARY = "secondary", _("Secondary school")
    VOCATIONAL = "vocational", _("Vocational school (mbo)")
    SPECIAL = "special", _("Special needs education")


YEAR_WORD = {
    SchoolType.PRIMARY: _("group"),
    SchoolType.SECONDARY: _("year"),
    SchoolType.VOCATIONAL: _("year"),
    SchoolType.SPECIAL: _("year"),
}


class LessonIndexPage(BilingualPreviewMixin, Page):
    """Lists the lessons; visitors filter by theme and school type with plain links (?theme=…&audience=…)."""

    page_description = _("The list of lessons, with a filter by theme and school type.")

    intro = RichTextField(_("introduction"), blank=True, features=ONLINE_RULE_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    edit_handler = tabs(content_panels)
    search_fields = Page.search_fields + [index.SearchField("intro")]

    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.LessonPage"]

    class Meta:
        verbose_name = _("lesson index")
        verbose_name_plural = _("lesson indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        themes = list(Theme.objects.filter(lessons__live=True).distinct())
        # ?theme= and ?audience= in the visitor's language
        theme_choices = filter_keys.options((t.slug, t.name) for t in themes)
        audiences = filter_keys.options(SchoolType.choices)
        theme = filter_keys.selected_value(theme_choices, request.GET.get("theme", ""))
        audience = filter_keys.selected_value(audiences, request.GET.get("audience", ""))
        lessons = LessonPage.objects.live().public().descendant_of(self)
        if theme:
            lessons = lessons.filter(themes__slug=theme)
        if audience:
            lessons = lessons.filter(audiences__school_type=audience)
        lessons = lessons.distinct().prefetch_related("themes", "audiences").order_by("path")
        context.update(
            lessons=lessons,
            themes=themes,
            theme_choices=theme_choices,
            audiences=audiences,
            selected_theme=theme,
            selected_audience=audience,
        )
        return context


class LessonPage(BilingualPreviewMixin, Page):
    """An in-school lesson (e.g. "Liefde is…", "Sexting & Grooming") that a school can request."""

    page_description = _("One in-school lesson a school can request.")

    intro = models.TextField(_("introduction"), blank=True, help_text=_("What the lesson is about, in two lines."))
    themes = ParentalManyToManyField(Theme, verbose_name=_("themes"), related_name="lessons", blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True, help_text=_("How long one lesson takes, e.g. 90.")
    )
    learning_goals = StreamField(GoalsBlock(), verbose_name=_("learning goals"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("lesson content"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    lesson_panels = [
        InlinePanel("audiences", label=_("For whom (school type and year groups)"), min_num=1),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("duration_minutes"),
        FieldPanel("learning_goals"),
    ]
    edit_handler = tabs(content_panels, lesson_panels, _("Lesson details"))
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("learning_goals"),
        index.SearchField("body"),
    ]

    parent_page_types = ["home.LessonIndexPage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def school_request_url(self):
        """The workshops app's form to request this lesson for a school, or None while it does not exist."""
        try:
            return reverse("workshops:school_request", kwargs={"lesson_id": self.pk})
        except NoReverseMatch:
            return None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        themes = list(self.themes.all())
        context.update(
            themes=themes,
            audiences=list(self.audiences.all()),
            # the card shows name, address, description and how to reach them: no topics (prefetching them cost a
            # queryset per link, a fifth of the page's time with 20 links)
            help_links=list(HelpLink.objects.filter(topics__in=themes).distinct().order_by("sort_order", "name"))
            if themes
            else [],
            help_page=HelpLinksPage.for_request(request),
            school_request_url=self.school_request_url(),
        )
        return context


class LessonAudience(Orderable):
    """One school type with the year groups this lesson suits."""

    lesson = ParentalKey(LessonPage, on_delete=models.CASCADE, related_name="audiences")
    school_type = models.CharField(_("school type"), max_length=20, choices=SchoolType.choices)
    year_from = models.PositiveSmallIntegerField(_("from year/group"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("to year/group"), null=True, blank=True)

    panels = [FieldRowPanel([FieldPanel("school_type"), FieldPanel("year_from"), FieldPanel("year_to")])]

    class Meta(Orderable.Meta):
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")

    def __str__(self):
        try:
            label = str(SchoolType(self.school_type).label)  # get_school_type_display() rebuilds its choices per call
        except ValueError:
            label = self.school_type
        if self.year_from and self.year_to and self.year_to != self.year_from:
            return f"{label}, {YEAR_WORD[self.school_type]} {self.year_from}–{self.year_to}"
        if self.year_from:
            return f"{label}, {YEAR_WORD[self.school_type]} {self.year_from}"
        return label
