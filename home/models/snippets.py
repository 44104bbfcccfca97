"""Snippets the pages share: themes (lessons are tagged with them, help links use them as topics) and help links."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index


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
