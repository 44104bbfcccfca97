"""Site-wide settings: how to reach the organisation, and the sender of outgoing mail."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Site

from cms.cache import remember

from ..blocks import ChatHoursBlock, SocialLinkBlock


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

    @classmethod
    def for_request(cls, request):
        """The settings of the request's site, read once per process until content changes (cms.cache.remember)
        instead of once per request. Shared between requests: never change the instance you get."""
        attr_name = cls.get_cache_attr_name()
        if hasattr(request, attr_name):
            return getattr(request, attr_name)
        site = Site.find_for_request(request)
        if site is None:
            return super().for_request(request)  # Wagtail's own error
        instance = remember(request, ("site-settings", site.pk), lambda: cls.for_site(site))
        setattr(request, attr_name, instance)
        return instance

    @property
    def whatsapp_url(self):
        digits = "".join(ch for ch in self.whatsapp if ch.isdigit())
        return f"https://wa.me/{digits}" if digits else ""

    @property
    def phone_href(self):
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
