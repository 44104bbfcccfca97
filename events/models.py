"""The event engine's models: mail templates, rules, the outbox and the event log.

The engine is generic: it knows triggers, audiences and "scopes" (e.g. "session:7"), never the models of the apps
that fire events. Those apps register providers (see events.contract) and pass `Recipient`s with a placeholder context.
"""

from __future__ import annotations

import string

from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import PreviewableMixin

from events.contract import PLACEHOLDERS, Audience, Trigger


def placeholders_in(text: str) -> list[str]:
    """The placeholder names used in `text`; raises ValueError for broken braces."""
    names = []
    for _literal, field_name, format_spec, conversion in string.Formatter().parse(text or ""):
        if field_name is None:
            continue
        if format_spec or conversion:
            names.append(f"{field_name}!{conversion or ''}:{format_spec or ''}")
        else:
            names.append(field_name)
    return names


def validate_placeholders(text: str) -> None:
    try:
        names = placeholders_in(text)
    except ValueError as exc:
        raise ValidationError(
            _("A brace { or } is not closed. Write placeholders as {first_name}; write {{ or }} for a brace.")
        ) from exc
    unknown = sorted({name for name in names if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholder(s): %(names)s. Allowed: %(allowed)s."),
            params={
                "names": ", ".join("{" + n + "}" for n in unknown),
                "allowed": ", ".join("{" + n + "}" for n in PLACEHOLDERS),
            },
            code="unknown_placeholder",
        )


class MailTemplate(PreviewableMixin, models.Model):
    """The words of one kind of mail, in Dutch and English, with {placeholders}.

    One source gives both the plain-text and the HTML part (see events.render). Subjects stay neutral by
    default: an inbox shared with colleagues or family should not show the theme of the training.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    subject_nl = models.CharField(_("subject (Dutch)"), max_length=200)
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    body_nl = models.TextField(
        _("text (Dutch)"),
        help_text=_(
            "Plain text. An empty line starts a new paragraph, a line starting with '- ' is a list item, "
            "links become clickable. Placeholders such as {first_name} are filled in per participant."
        ),
    )
    body_en = models.TextField(_("text (English)"), blank=True, help_text=_("Empty means the Dutch text is used."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("name"),
        MultiFieldPanel([FieldPanel("subject_nl"), FieldPanel("body_nl")], heading=_("Dutch")),
        MultiFieldPanel([FieldPanel("subject_en"), FieldPanel("body_en")], heading=_("English")),
    ]

    class Meta:
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        for field in ("subject_nl", "subject_en", "body_nl", "body_en"):
            try:
                validate_placeholders(getattr(self, field))
            except ValidationError as exc:
                errors[field] = exc.messages
        if errors:
            raise ValidationError(errors)

    def subject_for(self, language: str) -> str:
        return (self.subject_en if language == "en" else "") or self.subject_nl

    def body_for(self, language: str) -> str:
        return (self.body_en if language == "en" else "") or self.body_nl

    # --- preview in both languages in the admin ----------------------------------------------------------
    @property
    def preview_modes(self):
        return [("nl", _("Dutch")), ("en", _("English"))]

    def get_preview_template(self, request, mode_name):
        return "events/mail_preview.html"

    def get_preview_context(self, request, mode_name):
        from events.render import render, sample_context

        context = super().get_preview_context(request, mode_name)
        context["mail"] = render(self, mode_name, sample_context(mode_name))
        context["language"] = mode_name
        return context


class MailRule(models.Model):
    """When a template is mailed to whom. A rule with a training set replaces the general rule with the same key."""

    TRIGGER_CHOICES = [
        (Trigger.REGISTRATION_CONFIRMED, _("registration confirmed")),
        (Trigger.WAITLISTED, _("placed on the waiting list")),
        (Trigger.PROMOTED, _("promoted from the waiting list")),
        (Trigger.SESSION_CANCELLED, _("session cancelled")),
        (Trigger.REGISTRATION_CANCELLED, _("registration cancelled by the participant")),
        (Trigger.DEMOTED, _("moved back to the waiting list (capacity lowered)")),
        (Trigger.SESSION_CHANGED, _("session changed (time, place, link or language)")),
        (Trigger.SCHOOL_REQUEST_RECEIVED, _("school request received (to the school)")),
        (Trigger.SCHOOL_REQUEST_NEW, _("school request received (to the coordinators)")),
        (Trigger.SCHOOL_PROPOSAL, _("school proposal made")),
        (Trigger.BEFORE_START, _("N hours before the start")),
        (Trigger.AFTER_END, _("N hours after the end")),
        (Trigger.ACTIONS_FOLLOW_UP, _("follow-up of the agreed actions (weeks after the session, per training)")),
        (Trigger.ACTIONS_FOLLOW_UP_REMINDER, _("reminder of the follow-up (N hours after it, when nobody answered)")),
    ]
    AUDIENCE_CHOICES = [
        (Audience.CONFIRMED, _("confirmed participants")),
        (Audience.WAITLISTED, _("people on the waiting list")),
        (Audience.NOT_PREPARED, _("participants who have not opened their homework")),
        (Audience.NOT_EVALUATED, _("participants who have not answered the evaluation")),
        (Audience.ALL, _("everyone the event concerns")),
    ]

    key = models.SlugField(
        _("key"),
        max_length=60,
        help_text=_("Short code, e.g. 'homework'. A per-training rule with the same key replaces the general rule."),
    )
    name = models.CharField(_("name"), max_length=120)
    trigger = models.CharField(_("trigger"), max_length=40, choices=TRIGGER_CHOICES)
    offset_hours = models.PositiveIntegerField(
        _("hours"), default=0, help_text=_("For 'before the start' and 'after the end': how many hours.")
    )
    audience = models.CharField(_("audience"), max_length=20, choices=AUDIENCE_CHOICES, default=Audience.CONFIRMED)
    template = models.ForeignKey(
        MailTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="rules"
    )
    training_key = models.CharField(
        _("only for training"),
        max_length=40,
        blank=True,
        help_text=_("Empty: every training. Otherwise the page id of the training this override applies to."),
    )
    send_late = models.BooleanField(
        _("send late"),
        default=False,
        help_text=_(
            "For 'before the start': people who register after the moment still get this mail at once, "
            "as long as the session has not started."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    checked_until = models.DateTimeField(_("checked until"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(
        _("created at"),
        null=True,
        blank=True,
        default=timezone.now,
        editable=False,
        help_text=_("A timed rule mails moments from here on: a new rule does not mail sessions of the past."),
    )

    panels = [
        FieldRowPanel([FieldPanel("key"), FieldPanel("name")]),
        FieldRowPanel([FieldPanel("trigger"), FieldPanel("offset_hours"), FieldPanel("audience")]),
        FieldPanel("template"),
        FieldRowPanel([FieldPanel("training_key"), FieldPanel("send_late"), FieldPanel("is_active")]),
    ]

    class Meta:
        verbose_name = _("mail rule")
        verbose_name_plural = _("mail rules")
        ordering = ["trigger", "-offset_hours", "key"]
        constraints = [
            models.UniqueConstraint(fields=["key", "training_key"], name="events_unique_rule_key_per_training")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.training_key = str(self.training_key or "").rsplit(":", 1)[-1].strip()
        if self.training_key and not self.training_key.isdigit():
            raise ValidationError({"training_key": _("Give the page id of the training (a number), or leave empty.")})
        if self.trigger == Trigger.BEFORE_START and not self.offset_hours:
            raise ValidationError({"offset_hours": _("Give the number of hours before the start.")})

    @property
    def offset(self):
        return timezone.timedelta(hours=self.offset_hours)


class OutboxMail(models.Model):
    """One mail to one person, first a row, then a task. The dedupe key makes a second insert a no-op."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    rule = models.ForeignKey(
        MailRule, verbose_name=_("rule"), null=True, blank=True, on_delete=models.SET_NULL, related_name="mails"
    )
    rule_key = models.CharField(_("rule key"), max_length=60)
    scope = models.CharField(_("scope"), max_length=60, help_text=_("What the mail is about, e.g. session:7."))
    recipient_key = models.CharField(_("recipient key"), max_length=80)
    occurrence = models.CharField(_("occurrence"), max_length=40, blank=True, default="")
    to_email = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=2, default="nl")
    context = models.JSONField(_("placeholder values"), default=dict, blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    enqueued_at = models.DateTimeField(_("handed to the worker at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=250, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_key", "scope", "recipient_key", "occurrence"], name="events_outbox_dedupe"
            )
        ]
        indexes = [
            # the tick and the sweep only ever look at unfinished rows
            models.Index(
                fields=["status", "due_at"],
                name="events_outbox_pending",
                condition=models.Q(status__in=["queued", "sending"]),
            ),
            models.Index(fields=["scope", "rule_key"], name="events_outbox_scope"),
        ]

    def __str__(self):
        return f"{self.rule_key} · {self.scope} · {self.get_status_display()}"


class EventLog(models.Model):
    """Append-only: what happened to which object and when. Ids only, never names or addresses."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=60)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("event log entry")
        verbose_name_plural = _("event log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="events_log_object")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The event log is append-only.")
        _check_payload(self.payload)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The event log is append-only.")

    @classmethod
    def record(cls, action: str, object_type: str, object_id, **ids) -> EventLog:
        """Append one entry. One plain INSERT (no model save machinery): every booking and mail writes several."""
        entry = cls(action=action, object_type=object_type, object_id=str(object_id), payload=ids)
        _check_payload(entry.payload)
        fields = [cls._meta.get_field(name) for name in ("at", "action", "object_type", "object_id", "payload")]
        connection = connections[router.db_for_write(cls)]
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {connection.ops.quote_name(cls._meta.db_table)} ({columns}) "
                f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {connection.ops.quote_name('id')}",
                [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields],
            )
            entry.pk = cursor.fetchone()[0]
        entry._state.adding = False
        entry._state.db = connection.alias
        return entry


def _check_payload(payload):
    """Only ids, counts, codes: numbers and short strings without '@' or spaces."""
    for key, value in (payload or {}).items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item is None or isinstance(item, bool | int | float):
                continue
            if isinstance(item, str) and len(item) <= 80 and "@" not in item and " " not in item:
                continue
            raise ValueError(f"EventLog payload field {key!r} must hold ids or codes only.")
