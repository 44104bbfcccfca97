"""Sessions and registrations. The workshops issue extends these (school requests, homework, evaluations).

The fields below are a contract other parts rely on (the event engine's providers read them): extend, don't rename.
"""

import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [("nl", _("Dutch")), ("en", _("English"))]
SHOWN_TZ = zoneinfo.ZoneInfo("Europe/Amsterdam")  # stored in UTC, shown in the organisation's time zone


class SessionQuerySet(models.QuerySet):
    def visible(self):
        """What visitors may see (lists, feeds, the register page): public sessions whose training page is
        published. A session under a draft or unpublished training stays private until the training goes live."""
        return self.filter(is_public=True, training__live=True)


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
    # raised on every change participants are told about (rescheduled, cancelled): calendar apps replace an entry
    # with the same UID and a higher SEQUENCE
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)
    # raised when the start moves to another day: the mail planned before the start goes out again for the new date
    reminder_round = models.PositiveSmallIntegerField(_("reminder round"), default=0, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]

    def __str__(self):
        page = self.training or self.lesson
        start = timezone.localtime(self.starts_at, SHOWN_TZ) if self.starts_at else None
        return f"{page.title if page else _('Session')} ({start:%Y-%m-%d %H:%M})" if start else str(_("Session"))

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if not self.training_id and not self.lesson_id:
            errors["training"] = _("Choose the training or the lesson this session belongs to.")
        if self.training_id and self.lesson_id:
            errors["lesson"] = _("A session belongs to a training or to a lesson, not both.")
        if self.mode == self.Mode.ONLINE and not self.meeting_url:
            errors["meeting_url"] = _("An online session needs a meeting link.")
        if self.mode == self.Mode.LOCATION and not self.address.strip():
            errors["address"] = _("A session on location needs an address.")
        if errors:
            raise ValidationError(errors)

    @property
    def title(self) -> str:
        page = self.training or self.lesson
        return page.title if page else str(_("Session"))

    @property
    def starts_local(self):
        return timezone.localtime(self.starts_at, SHOWN_TZ)

    @property
    def ends_local(self):
        return timezone.localtime(self.ends_at, SHOWN_TZ)

    @property
    def bookable_page(self) -> bool:
        """Whether the page this session belongs to is published: a session under a draft or unpublished
        training is not shown and cannot be booked."""
        from wagtail.models import Page

        if hasattr(self, "page_live"):  # read with the row (workshops.services.booking locks it that way)
            return bool(self.page_live)
        page_id = self.training_id or self.lesson_id
        return page_id is not None and Page.objects.filter(pk=page_id, live=True).exists()

    @property
    def is_past(self) -> bool:
        return self.starts_at <= timezone.now()

    def seats_taken(self) -> int:
        return self.registrations.filter(status__in=Registration.HOLDS_SEAT).count()

    def seats_left(self) -> int | None:
        """Free seats, or None when the capacity is unlimited."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken(), 0)

    @property
    def scope(self) -> str:
        """How the event engine names this session in dedupe keys (no personal data)."""
        return f"session:{self.pk}"

    @property
    def training_key(self) -> str | None:
        return f"training:{self.training_id}" if self.training_id else None


class SessionChange(models.Model):
    """What a coordinator changed in a session that its participants are told about (start, end, place, meeting
    link, language): the values before and after, per calendar revision. The change mail is queued with ids only;
    the worker reads this row to write "old → new" in each person's language. No personal data."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="changes")
    sequence = models.PositiveIntegerField(_("calendar revision"))
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)

    class Meta:
        verbose_name = _("session change")
        verbose_name_plural = _("session changes")
        ordering = ["session", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["session", "sequence"], name="workshops_session_change_per_revision")
        ]

    def __str__(self):
        return f"{self.session_id} · {self.sequence}"


class Registration(models.Model):
    """A person's place (or waiting-list place) in a session. Arrival order is (created_at, id): the order in which
    registrations obtained the session lock (workshops.services.booking.register), so it is also commit order."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")
        ATTENDED = "attended", _("attended")
        NO_SHOW = "no_show", _("no-show")

    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="registrations",
        db_index=False,  # the unique (session, e-mail) index starts with the session: a second index costs writes
    )
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    language = models.CharField(_("preferred language"), max_length=2, choices=LANGUAGE_CHOICES, default="nl")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    consent_at = models.DateTimeField(_("consent given at"))
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    promoted_at = models.DateTimeField(_("promoted from the waiting list at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    homework_opened_at = models.DateTimeField(_("homework opened at"), null=True, blank=True)
    homework_done_at = models.DateTimeField(_("homework done at"), null=True, blank=True)
    evaluation_responded_at = models.DateTimeField(_("evaluation answered at"), null=True, blank=True)

    HOLDS_SEAT = (Status.CONFIRMED, Status.ATTENDED, Status.NO_SHOW)
    # Still coming: has a seat or waits for one.
    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            # one registration per address per session, whatever the case of the address (Anna@ is anna@); the
            # index also serves every query by session
            models.UniqueConstraint(
                models.F("session"),
                Upper("email"),
                name="unique_registration_per_email",
                violation_error_message=_("This e-mail address is already registered for this session."),
            )
        ]

    def __str__(self):
        return f"{_('Registration')} {self.pk}"

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else ""

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def waitlist_position(self) -> int | None:
        """1 for the longest-waiting person, in arrival order; None when not on the waiting list."""
        if self.status != self.Status.WAITLISTED:
            return None
        earlier = Registration.objects.filter(session_id=self.session_id, status=self.Status.WAITLISTED).filter(
            models.Q(created_at__lt=self.created_at) | models.Q(created_at=self.created_at, id__lt=self.id)
        )
        return earlier.count() + 1


class SchoolBookingRequest(models.Model):
    """A school asks for an in-school lesson; the coordinator proposes a date and trainer; the school answers."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        PROPOSED = "proposed", _("proposed")
        CONFIRMED = "confirmed", _("confirmed")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class SchoolType(models.TextChoices):
        PRIMARY = "primary", _("primary school")
        SECONDARY = "secondary", _("secondary school")
        SPECIAL = "special", _("special education")
        VOCATIONAL = "vocational", _("vocational education (MBO)")
        OTHER = "other", _("other")

    class PartOfDay(models.TextChoices):
        MORNING = "morning", _("morning")
        AFTERNOON = "afternoon", _("afternoon")
        ANY = "any", _("any time")

    lesson = models.ForeignKey(
        "home.LessonPage", verbose_name=_("lesson"), on_delete=models.PROTECT, related_name="school_requests"
    )
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    school_name = models.CharField(_("school name"), max_length=200)
    contact_name = models.CharField(_("contact name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone number"), max_length=30)
    town = models.CharField(_("town"), max_length=100)
    school_type = models.CharField(_("school type"), max_length=12, choices=SchoolType.choices)
    year_group = models.CharField(_("year group"), max_length=100)
    groups = models.PositiveSmallIntegerField(_("number of groups"))
    pupils = models.PositiveSmallIntegerField(_("number of pupils"))
    date_1 = models.DateField(_("first preferred date"))
    part_of_day_1 = models.CharField(_("part of day"), max_length=10, choices=PartOfDay.choices, default="any")
    date_2 = models.DateField(_("second preferred date"), null=True, blank=True)
    part_of_day_2 = models.CharField(_("part of day"), max_length=10, choices=PartOfDay.choices, blank=True)
    date_3 = models.DateField(_("third preferred date"), null=True, blank=True)
    part_of_day_3 = models.CharField(_("part of day"), max_length=10, choices=PartOfDay.choices, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="nl")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    proposed_starts_at = models.DateTimeField(_("proposed start"), null=True, blank=True)
    proposed_ends_at = models.DateTimeField(_("proposed end"), null=True, blank=True)
    proposed_trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed trainer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_address = models.TextField(_("address of the lesson"), blank=True)
    session = models.OneToOneField(
        Session,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="school_request",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("school booking request")
        verbose_name_plural = _("school booking requests")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.school_name} ({self.town})"

    @property
    def preferred_dates(self) -> list[tuple]:
        """The school's preferred (date, part-of-day label) pairs in the order given."""
        pairs = []
        for n in (1, 2, 3):
            day = getattr(self, f"date_{n}")
            if day:
                pairs.append((day, getattr(self, f"get_part_of_day_{n}_display")()))
        return pairs
