"""The pages visitors read: lessons, trainings, campaigns, help links and contact, plus the snippets and settings
they share. Every text is translated through modeltranslation (see translation.py); Dutch is required."""

from django import forms
from django.db import models
from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
    TabbedInterface,
)
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from .blocks import BodyBlock, ChatHoursBlock, GoalsBlock, SocialLinkBlock

ONLINE_RULE_FEATURES = ["bold", "italic", "link", "ul", "ol"]


# --- Snippets ----------------------------------------------------------------------------------------------


class Theme(index.Indexed, models.Model):
    """A subject such as grooming or sexting. Lessons are tagged with themes; help links use them as topics."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("Used in filter links (?theme=…); the same in every language. Change it with care."),
    )
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100, help_text=_("Lower numbers come first."))

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"), FieldPanel("sort_order")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name or self.slug


class HelpLink(index.Indexed, ClusterableModel):
    """An organisation young people, parents or professionals can turn to, with how to reach it."""

    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("website"))
    description = models.TextField(
        _("description"), help_text=_("One or two sentences: who it is for and what they do.")
    )
    topics = ParentalManyToManyField(Theme, verbose_name=_("topics"), related_name="help_links", blank=True)
    chat_url = models.URLField(_("chat link"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    hours = models.CharField(
        _("opening hours"), max_length=200, blank=True, help_text=_("When they can be reached, in plain words.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100, help_text=_("Lower numbers come first."))

    panels = [
        FieldPanel("name"),
        FieldPanel("url"),
        FieldPanel("description"),
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [FieldPanel("chat_url"), FieldPanel("phone"), FieldPanel("hours")], heading=_("How to reach them")
        ),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("description"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("help link")
        verbose_name_plural = _("help links")

    def __str__(self):
        return self.name

    @property
    def display_url(self):
        return self.url.split("://", 1)[-1].removeprefix("www.").rstrip("/")


# --- Site settings -----------------------------------------------------------------------------------------


@register_setting(icon="mail")
class SiteSettings(BaseSiteSetting):
    """How to reach the organisation, and the neutral sender name that outgoing mail uses."""

    organisation_name = models.CharField(_("organisation name"), max_length=100, default="Qpido")
    address = models.TextField(_("address"), blank=True, help_text=_("Street and number, postcode and city."))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    whatsapp = models.CharField(
        _("WhatsApp number"), max_length=40, blank=True, help_text=_("International format, e.g. +31 6 2933 8064.")
    )
    chat_url = models.URLField(_("anonymous chat link"), blank=True)
    chat_intro = models.TextField(_("about the chat"), blank=True)
    chat_hours = StreamField([("hours", ChatHoursBlock())], verbose_name=_("chat opening hours"), blank=True)
    consult_url = models.URLField(_("consult link"), blank=True)
    consult_intro = models.TextField(_("about a consult"), blank=True)
    social_links = StreamField([("link", SocialLinkBlock())], verbose_name=_("social links"), blank=True)
    mail_sender_name = models.CharField(
        _("mail sender name"),
        max_length=60,
        default="Qpido",
        help_text=_("Shown as the sender of every mail. Keep it neutral: a shared inbox may be read by others."),
    )
    mail_from_address = models.EmailField(
        _("mail from address"), blank=True, help_text=_("Leave empty to use the server's default address.")
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("organisation_name"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
                FieldRowPanel([FieldPanel("website"), FieldPanel("whatsapp")]),
            ],
            heading=_("Organisation"),
        ),
        MultiFieldPanel(
            [FieldPanel("chat_url"), FieldPanel("chat_intro"), FieldPanel("chat_hours")], heading=_("Anonymous chat")
        ),
        MultiFieldPanel([FieldPanel("consult_url"), FieldPanel("consult_intro")], heading=_("Consult")),
        FieldPanel("social_links"),
        MultiFieldPanel([FieldPanel("mail_sender_name"), FieldPanel("mail_from_address")], heading=_("Mail")),
    ]

    class Meta:
        verbose_name = _("site settings")

    @property
    def whatsapp_url(self):
        digits = "".join(ch for ch in self.whatsapp if ch.isdigit())
        return f"https://wa.me/{digits}" if digits else ""

    @property
    def phone_href(self):
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")


# --- Page plumbing -----------------------------------------------------------------------------------------


class BilingualPreviewMixin:
    """Editors preview a page in Dutch and in English."""

    @property
    def preview_modes(self):
        return [("nl", _("Dutch")), ("en", _("English"))]

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


# --- Home --------------------------------------------------------------------------------------------------


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
        """Find a live descendant by its translated URL path in one query, instead of one query (plus one for
        .specific) per level of the tree as Page.route does; anything else falls back to the usual routing.
        Installed as HomePage.route in HomeConfig.ready(), after wagtail-modeltranslation patched `route`."""
        if path_components:
            url_path = self.url_path + "/".join(path_components) + "/"
            page = Page.objects.live().filter(url_path=url_path, path__startswith=self.path).first()
            if page is not None:
                return RouteResult(page.specific)
        return Page.route(self, request, path_components)

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
            help_page=HelpLinksPage.objects.live().first(),
            help_links=list(HelpLink.objects.all()[:4]),
            contact_page=ContactPage.objects.live().first(),
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


# --- General content, programmes and contact ---------------------------------------------------------------


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


# --- Lessons -----------------------------------------------------------------------------------------------


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
        theme = request.GET.get("theme", "")
        audience = request.GET.get("audience", "")
        lessons = LessonPage.objects.live().public().descendant_of(self)
        if theme in {t.slug for t in themes}:
            lessons = lessons.filter(themes__slug=theme)
        else:
            theme = ""
        if audience in SchoolType.values:
            lessons = lessons.filter(audiences__school_type=audience)
        else:
            audience = ""
        lessons = lessons.distinct().prefetch_related("themes", "audiences").order_by("path")
        context.update(
            lessons=lessons,
            themes=themes,
            audiences=SchoolType.choices,
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
            help_links=list(
                HelpLink.objects.filter(topics__in=themes).distinct().prefetch_related("topics").order_by("sort_order")
            )
            if themes
            else [],
            help_page=HelpLinksPage.objects.live().first(),
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
        label = str(self.get_school_type_display())
        if self.year_from and self.year_to and self.year_to != self.year_from:
            return f"{label}, {YEAR_WORD[self.school_type]} {self.year_from}–{self.year_to}"
        if self.year_from:
            return f"{label}, {YEAR_WORD[self.school_type]} {self.year_from}"
        return label


# --- Trainings ---------------------------------------------------------------------------------------------


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
        audience = request.GET.get("audience", "")
        if audience in TrainingAudience.values:
            trainings = trainings.filter(audience=audience)
        else:
            audience = ""
        context.update(trainings=trainings, audiences=TrainingAudience.choices, selected_audience=audience)
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


# --- Campaigns ---------------------------------------------------------------------------------------------


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


# --- Help --------------------------------------------------------------------------------------------------


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

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        links = HelpLink.objects.order_by("sort_order", "name")
        topics = list(
            Theme.objects.filter(help_links__isnull=False)
            .distinct()
            .prefetch_related(Prefetch("help_links", queryset=links))
        )
        selected = request.GET.get("topic", "")
        if selected not in {t.slug for t in topics}:
            selected = ""
        groups = [(t, list(t.help_links.all())) for t in topics if not selected or t.slug == selected]
        context.update(
            topics=topics,
            selected_topic=selected,
            groups=groups,
            other_links=[] if selected else list(links.filter(topics__isnull=True)),
        )
        return context
