"""Sessions and registrations. The workshops issue extends these (school requests, homework, evaluations).

The fields below are a contract other parts rely on (the event engine's providers read them): extend, don't rename.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [("nl", _("Dutch")), ("en", _("English"))]


class Session(models.Model):
    """One scheduled meeting of a training (public) or of a lesson at a school (private)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        CANCELLED = "cancelled", _("cancelled")
        COMPLETED = "completed", _("completed")

    class Mode(models.TextChoices):
        ONLINE = "online", _("online")
        LOCATION = "location", _("on location")

    training = models.ForeignKey(
        "home.TrainingPage",
        verbose_name=_("training"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    lesson = models.ForeignKey(
        "home.LessonPage",
        verbose_name=_("lesson"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"), db_index=True)
    mode = models.CharField(_("online or on location"), max_length=10, choices=Mode.choices, default=Mode.ONLINE)
    meeting_url = models.URLField(_("meeting link"), blank=True, help_text=_("Shown only to confirmed participants."))
    address = models.TextField(_("address"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="nl")
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Empty means unlimited."))
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("trainers"), blank=True, related_name="training_sessions"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    is_public = models.BooleanField(_("public"), default=True, help_text=_("School sessions are private."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]

    def __str__(self):
        page = self.training or self.lesson
        return f"{page.title if page else _('Session')} ({self.starts_at:%Y-%m-%d %H:%M})"


class Registration(models.Model):
    """A person's place (or waiting-list place) in a session. Arrival order is (created_at, id)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")
        ATTENDED = "attended", _("attended")
        NO_SHOW = "no_show", _("no-show")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="registrations"
    )
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    language = models.CharField(_("preferred language"), max_length=2, choices=LANGUAGE_CHOICES, default="nl")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, db_index=True)
    consent_at = models.DateTimeField(_("consent given at"))
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    promoted_at = models.DateTimeField(_("promoted from the waiting list at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    homework_opened_at = models.DateTimeField(_("homework opened at"), null=True, blank=True)
    homework_done_at = models.DateTimeField(_("homework done at"), null=True, blank=True)
    evaluation_responded_at = models.DateTimeField(_("evaluation answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "email"], name="unique_registration_per_email")]

    def __str__(self):
        return f"{_('Registration')} {self.pk}"

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else ""


from .evaluation_models import *  # noqa: E402,F401,F403  (the evaluation issue's models live there)
