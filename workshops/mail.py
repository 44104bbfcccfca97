"""Mail for sessions: the event engine's time provider, the recipient context and the preparation summary.

`events` never imports this app; this module registers `SessionMailProvider` (timed mail) and
`context_at_send_time` (the context and calendar file of mail the booking rules queue with ids only) with the engine
when Django starts (WorkshopsConfig.ready imports it).
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from events.api import Attachment, Audience, Due, Recipient, Trigger, register_context_provider, register_provider
from workshops import roles
from workshops.ics import CANCEL, REQUEST, Training, participant_ics
from workshops.models import Registration, Session
from workshops.tokens import make_token

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
HOMEWORK_KINDS = ("podcast", "background")


def scope_of(session) -> str:
    return f"session:{session.pk}"


def _absolute(path: str) -> str:
    return settings.SITE_BASE_URL.rstrip("/") + path


def _format_start(moment: datetime, language: str) -> str:
    """E.g. 'dinsdag 3 maart 2026, 19:30' / 'Tuesday 3 March 2026, 19:30', always Amsterdam time."""
    local = moment.astimezone(AMSTERDAM)
    with translation.override(language):
        day = formats.date_format(local, "l j F Y")
        clock = formats.time_format(local, "H:i")
    return f"{day}, {clock}"


def _rich_text_to_lines(value: str) -> str:
    """Rich text (a list of rules) → plain lines, list items as '- item' so the mail renders them as a list."""
    if not value:
        return ""
    text = re.sub(r"(?is)<li[^>]*>", "\n- ", str(value))
    text = re.sub(r"(?is)<br\s*/?>|</p>|</li>|</h\d>", "\n", text)
    text = html.unescape(re.sub(r"(?s)<[^>]+>", "", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def _default_online_rules() -> str:
    return "\n".join(
        [
            "- " + _("Use your full name as your user name."),
            "- " + _("Keep your microphone muted and your camera on."),
            "- " + _("Ask questions and raise your hand in the chat."),
            "- " + _("Keep your contributions short so everyone gets a turn."),
            "- " + _("Leave a breakout room only when the trainer asks you to."),
        ]
    )


def _document_url(document) -> str:
    if not document:
        return ""
    try:
        return _absolute(document.url)
    except Exception:
        return ""


def homework_target(registration, kind: str) -> str:
    """Where a tracked homework link leads: the podcast episode or the background reading document."""
    training = getattr(registration.session, "training", None)
    if training is None:
        return ""
    if kind == "podcast":
        return getattr(training, "podcast_url", "") or ""
    if kind == "background":
        return _document_url(getattr(training, "background_reading", None))
    return ""


_ORGANISATION_NAME: tuple[float, str] | None = None


def _forget_organisation_name(**kwargs) -> None:
    global _ORGANISATION_NAME
    _ORGANISATION_NAME = None


def _organisation_name() -> str:
    global _ORGANISATION_NAME
    import time

    # kept a minute (MAIL_SETTINGS_CACHE_SECONDS) per process: no two queries per mail; a save here forgets it
    seconds = settings.MAIL_SETTINGS_CACHE_SECONDS
    if _ORGANISATION_NAME and time.monotonic() - _ORGANISATION_NAME[0] < seconds:
        return _ORGANISATION_NAME[1]
    from django.apps import apps

    try:
        model = apps.get_model("home", "SiteSettings")
        from wagtail.models import Site

        site = Site.objects.filter(is_default_site=True).first()
        name = (model.for_site(site).organisation_name or "").strip() if site else ""
    except Exception:
        return ""
    _ORGANISATION_NAME = (time.monotonic(), name)
    return name


MATERIAL_CACHE_KEY = "workshops:training-material:v3:{}:{}"


def forget_training_material(sender=None, instance=None, **kwargs) -> None:
    """A training was published, unpublished or saved: mails read its title and homework afresh."""
    from django.core.cache import cache

    pk = getattr(instance, "pk", None)
    if pk is None:
        return
    try:
        cache.delete_many([MATERIAL_CACHE_KEY.format(pk, language) for language in ("nl", "en")])
    except Exception:  # the cache is down: entries expire by MAIL_SETTINGS_CACHE_SECONDS
        pass


def _load_material(training, language: str) -> dict:
    with translation.override(language):
        return {
            "training": training.title if training else str(_("the session")),
            "training_url": _absolute(training.url) if training and training.url else "",
            "podcast_title": (getattr(training, "podcast_title", "") or "") if training else "",
            "cheat_sheet_url": _document_url(getattr(training, "cheat_sheet", None)) if training else "",
            "online_rules": _rich_text_to_lines(getattr(training, "online_rules", "") if training else "")
            or _default_online_rules(),
            "calendar_shows_title": bool(getattr(training, "calendar_shows_title", False)) if training else False,
        }


def training_material(session, language: str, cache: dict | None = None) -> dict:
    """Title, address, podcast, cheat sheet and online rules of a session's training in one language: per batch
    in `cache`, and across requests in the default cache for MAIL_SETTINGS_CACHE_SECONDS (a publish empties it),
    so a registration does not load the whole training page for its confirmation mail and calendar file."""
    from django.core.cache import cache as shared

    training_id = session.training_id
    key = (training_id, language)
    if cache is not None and key in cache:
        return cache[key]
    seconds = settings.MAIL_SETTINGS_CACHE_SECONDS
    shared_key = MATERIAL_CACHE_KEY.format(training_id, language)
    material = None
    if training_id and seconds > 0:
        try:
            material = shared.get(shared_key)
        except Exception:
            material = None
    if material is None:
        material = _load_material(session.training if training_id else None, language)
        if training_id and seconds > 0:
            try:
                shared.set(shared_key, material, timeout=seconds)
            except Exception:
                pass
    if cache is not None:
        cache[key] = material
    return material


def context_for(
    registration, language: str | None = None, organisation: str | None = None, cache: dict | None = None
) -> dict:
    """The placeholder values for one registration, formatted in the participant's language."""
    language = language or registration.language or "nl"
    session = registration.session
    material = training_material(session, language, cache)
    with translation.override(language):
        online = session.mode == Session.Mode.ONLINE
        if online:
            where = session.meeting_url or _("The join link follows on your personal page.")
        else:
            where = " ".join((session.address or "").split())
        homework_token = make_token(registration, "homework")
        return {
            "first_name": registration.first_name,
            "training": material["training"],
            "session_start": _format_start(session.starts_at, language),
            "session_end": formats.time_format(session.ends_at.astimezone(AMSTERDAM), "H:i"),
            "join_url": session.meeting_url if online else "",
            "location": "" if online else session.address,
            "where": where,
            "podcast_title": material["podcast_title"],
            "podcast_url": _absolute(reverse("workshops:homework", args=[homework_token, "podcast"])),
            "background_url": _absolute(reverse("workshops:homework", args=[homework_token, "background"])),
            "cheat_sheet_url": material["cheat_sheet_url"],
            "online_rules": material["online_rules"] if online else "",
            "manage_url": _absolute(reverse("workshops:manage", args=[make_token(registration, "manage")])),
            "evaluation_url": _absolute(reverse("evaluation:answer", args=[make_token(registration, "evaluation")])),
            "organisation": organisation if organisation is not None else (_organisation_name() or "Qpido"),
            "preparation": preparation_note(session, language),
        }


def recipient_for(registration, attachments: tuple[Attachment, ...] = (), context: dict | None = None) -> Recipient:
    """The event engine's addressee for a registration (key without personal data, context in their language)."""
    language = registration.language if registration.language in ("nl", "en") else "nl"
    return Recipient(
        key=f"registration:{registration.pk}",
        email=registration.email,
        language=language,
        context=context if context is not None else context_for(registration, language),
        attachments=tuple(attachments),
    )


def recipient_by_id(registration) -> Recipient:
    """The addressee as the booking rules queue it while the session is locked: ids only (the key), the address
    and the language. The worker builds the context and the calendar file when it sends (`context_at_send_time`)."""
    language = registration.language if registration.language in ("nl", "en") else "nl"
    return Recipient(key=f"registration:{registration.pk}", email=registration.email, language=language)


def organisation_name() -> str:
    """The organisation's name from the site settings (kept a minute per process), "Qpido" when unset."""
    return _organisation_name() or "Qpido"


def organiser_email() -> str:
    """The address calendar invitations come from: the mail sender of the site settings."""
    from email.utils import parseaddr

    from events.services.outbox import sender

    return parseaddr(sender())[1]


def calendar_training(session, language: str):
    """What a calendar entry may show of the session's training, in `language` (see workshops.ics)."""
    if not session.training_id:
        return Training()
    material = training_material(session, language)
    return Training(
        title=material["training"],
        url=material["training_url"],
        shows_title=bool(material.get("calendar_shows_title")),
    )


def calendar_attachment(registration, language: str, method: str | None = None) -> Attachment:
    """The participant's .ics in their language: an invitation (REQUEST) or its cancellation (CANCEL). The MIME
    type carries the method too, as calendar clients expect of an iTIP message."""
    method = method or REQUEST
    return Attachment(
        filename="session.ics",
        content=participant_ics(
            registration,
            method=method,
            training=calendar_training(registration.session, language),
            organisation=organisation_name(),
            organiser_email=organiser_email(),
            language=language,
        ),
        mimetype=f"text/calendar; method={method}",
    )


# Which calendar file a mail carries, by its trigger: an invitation (or its update) while the person holds a seat
# in a session that goes ahead, a cancellation when their place or the session is gone. Reminders, homework and
# the evaluation carry none.
INVITING = (Trigger.REGISTRATION_CONFIRMED, Trigger.PROMOTED, Trigger.SESSION_CHANGED)
CANCELLING = (Trigger.SESSION_CANCELLED, Trigger.REGISTRATION_CANCELLED)


def calendar_method(registration, trigger: str | None) -> str | None:
    session = registration.session
    holds_seat = registration.status in (R.CONFIRMED, R.ATTENDED) and session.status == Session.Status.SCHEDULED
    if trigger in CANCELLING:
        return CANCEL
    if trigger is None or trigger in INVITING:
        return REQUEST if holds_seat else None
    return None


def calendar_note(method: str | None, language: str) -> str:
    with translation.override(language):
        if method == REQUEST:
            return str(_("The attached calendar file adds the session to your calendar or updates it there."))
        if method == CANCEL:
            return str(_("The attached calendar file removes the session from your calendar."))
    return ""


PREPARATION_RULE = "homework"  # the rule that mails the preparation (podcast and background reading)


def preparation_note(session, language: str, now=None) -> str:
    """When the preparation comes, as the confirmation says it: on the day the homework rule mails it, or at
    once for someone who registers after that moment. Empty when no such rule is active."""
    from events.services.outbox import rules_for

    rule = next((r for r in rules_for(Trigger.BEFORE_START, session.training_key) if r.key == PREPARATION_RULE), None)
    if rule is None or session.starts_at is None:
        return ""
    moment = session.starts_at - rule.offset
    now = now or timezone.now()
    with translation.override(language):
        if moment <= now:
            if not rule.send_late:
                return ""
            return str(
                _(
                    "Because the session is soon, you get the preparation (a podcast episode and background "
                    "reading) right away, in a separate mail."
                )
            )
        day = formats.date_format(moment.astimezone(AMSTERDAM), "l j F")
        return str(
            _("On %(day)s we will send you the preparation: a podcast episode and background reading.") % {"day": day}
        )


def describe_change(before: dict, after: dict, changed, language: str, *, with_link: bool = True) -> list[str]:
    """A session change as people read it, old → new, one line each, in `language`. `before` and `after` hold
    every told field (workshops.services.sessions.TOLD_FIELDS, as stored in SessionChange); `changed` names the
    fields that changed. The meeting link only `with_link` (for people who hold a seat)."""
    changed = set(changed)

    def when(values):
        start = datetime.fromisoformat(values["starts_at"])
        end = datetime.fromisoformat(values["ends_at"])
        return f"{_format_start(start, language)}–{formats.time_format(end.astimezone(AMSTERDAM), 'H:i')}"

    def where(values):
        if values["mode"] == Session.Mode.ONLINE:
            return str(_("Online"))
        return ", ".join(line.strip() for line in values["address"].splitlines() if line.strip())

    languages = dict(Session._meta.get_field("language").choices)
    lines = []
    with translation.override(language):
        if changed & {"starts_at", "ends_at"}:
            lines.append(_("When: %(old)s → %(new)s") % {"old": when(before), "new": when(after)})
        if changed & {"mode", "address"}:
            lines.append(_("Where: %(old)s → %(new)s") % {"old": where(before), "new": where(after)})
        if "meeting_url" in changed and with_link and after["mode"] == Session.Mode.ONLINE:
            lines.append(
                _("Meeting link: %(old)s → %(new)s")
                % {"old": before["meeting_url"] or "–", "new": after["meeting_url"]}
            )
        if "language" in changed:
            lines.append(
                _("Language of the session: %(old)s → %(new)s")
                % {
                    "old": str(languages.get(before["language"], before["language"])),
                    "new": str(languages.get(after["language"], after["language"])),
                }
            )
    return [str(line) for line in lines]


def _change_lines(registration, occurrence: str, language: str) -> str:
    """ "What changed" of the session change this mail is about (occurrence "v<revision>"), as a list for the
    mail. The meeting link only for people who hold a seat."""
    from workshops.models import SessionChange

    revision = occurrence[1:] if occurrence.startswith("v") else ""
    change = None
    if revision.isdigit():
        change = SessionChange.objects.filter(session_id=registration.session_id, sequence=int(revision)).first()
    if change is None:
        return ""
    session = registration.session
    told = ("starts_at", "ends_at", "mode", "address", "meeting_url", "language")
    current = {name: _stored_now(session, name) for name in told}
    lines = describe_change(
        {**current, **change.before},
        {**current, **change.after},
        change.after.keys(),
        language,
        with_link=registration.status in (R.CONFIRMED, R.ATTENDED),
    )
    return "\n".join(f"- {line}" for line in lines)


def _stored_now(session, name: str) -> str:
    value = getattr(session, name)
    return value.isoformat() if isinstance(value, datetime) else str(value or "")


def context_at_send_time(recipient_key: str, language: str, scope: str, trigger: str | None = None, occurrence=""):
    """The event engine's context provider for "registration:<id>" rows (WorkshopsConfig.ready registers it): the
    placeholder values and the calendar file the mail's trigger calls for (see `calendar_method`), built now in
    the row's language. None when the registration no longer exists."""
    _kind, _sep, pk = recipient_key.partition(":")
    if not pk.isdigit():
        return None
    registration = Registration.objects.select_related("session", "session__training").filter(pk=int(pk)).first()
    if registration is None:
        return None
    language = language if language in ("nl", "en") else (registration.language or "nl")
    method = calendar_method(registration, trigger)
    attachments = [calendar_attachment(registration, language, method)] if method else []
    context = context_for(registration, language)
    context["calendar_note"] = calendar_note(method, language)
    if trigger == Trigger.SESSION_CHANGED:
        context["changes"] = _change_lines(registration, occurrence or "", language)
    return context, attachments


# --- the time provider ------------------------------------------------------------------------------------------
R = Registration.Status


def _audience_filter(audience: str) -> Q:
    if audience == Audience.WAITLISTED:
        return Q(status=R.WAITLISTED)
    if audience == Audience.NOT_PREPARED:
        return Q(status=R.CONFIRMED, homework_opened_at__isnull=True, homework_done_at__isnull=True)
    if audience == Audience.NOT_EVALUATED:
        return Q(status__in=[R.CONFIRMED, R.ATTENDED], evaluation_responded_at__isnull=True)
    if audience == Audience.ALL:
        return Q(status__in=[R.CONFIRMED, R.WAITLISTED, R.ATTENDED])
    return Q(status__in=[R.CONFIRMED, R.ATTENDED])


def _training_id(training_key) -> int | None:
    """The engine's training key ("5" or "training:5") as a page id; None for anything else."""
    value = str(training_key).rsplit(":", 1)[-1].strip()
    return int(value) if value.isdigit() else None


def _occurrence(trigger: str) -> Value | Case:
    """The outbox occurrence of a timed rule's mail, per session: mail before the start goes out again when the
    start moved to another day (`Session.reminder_round`); mail after the end goes out once."""
    if trigger != Trigger.BEFORE_START:
        return Value("")
    return Case(
        When(session__reminder_round=0, then=Value("")),
        default=Concat(Value("r"), Cast("session__reminder_round", CharField())),
        output_field=CharField(),
    )


def _not_queued(rule_key: str):
    """No outbox row exists yet for (rule, session, registration, occurrence): one probe of the outbox's unique
    index per candidate."""
    from events.models import OutboxMail

    return ~Exists(
        OutboxMail.objects.filter(
            rule_key=rule_key,
            scope=Concat(Value("session:"), Cast(OuterRef("session_id"), CharField())),
            recipient_key=Concat(Value("registration:"), Cast(OuterRef("pk"), CharField())),
            occurrence=OuterRef("mail_occurrence"),
        )
    )


class SessionMailProvider:
    """Answers the minute tick: which registrations a timed rule should mail now, found by state. A rule's moment
    (start - offset, or end + offset) has passed, the person is in the rule's audience, and no outbox row exists
    for (rule, session, person, occurrence): so a session whose end was edited into the past, or a tick that did
    not run for hours, still gets its mail, once. One query per rule, bounded by time: a session that has not
    started (before the start), or whose moment lies within the catch-up horizon (after the end). Mail is queued
    with ids only; the worker builds its text in the person's language when it sends."""

    triggers = Trigger.TIMED

    def _base(self, audience: str, training_key, exclude_training_keys):
        qs = Registration.objects.filter(_audience_filter(audience)).exclude(session__status=Session.Status.CANCELLED)
        if training_key:
            qs = qs.filter(session__training_id=_training_id(training_key))
        elif exclude_training_keys:
            qs = qs.exclude(session__training_id__in=[_training_id(k) for k in exclude_training_keys])
        return qs

    def anything_due(self, specs, now) -> bool:
        """One indexed look: did a moment pass since each rule's last tick (a session starts or ends inside one of
        the windows), or did anyone register since the earliest window (for "send late" rules)? When not, the tick
        skips the rules' queries, except for the periodic look at the whole horizon (events.services.schedule)."""
        windows = Q()
        late_since = None
        for trigger, offset, since, send_late in specs:
            if trigger == Trigger.BEFORE_START:
                windows |= Q(starts_at__gt=max(since + offset, now), starts_at__lte=now + offset)
                if send_late:
                    late_since = since if late_since is None else min(late_since, since)
            elif trigger == Trigger.AFTER_END:
                windows |= Q(ends_at__gt=since - offset, ends_at__lte=now - offset)
        if windows and Session.objects.filter(windows).exclude(status=Session.Status.CANCELLED).exists():
            return True
        if late_since is not None:
            return Registration.objects.filter(created_at__gt=late_since, created_at__lte=now).exists()
        return False

    def due(
        self,
        *,
        trigger,
        offset: timedelta,
        audience,
        training_key,
        now,
        since=None,
        send_late=False,
        exclude_training_keys=(),
        rule_key: str = "",
        horizon: timedelta | None = None,
        not_before=None,
    ):
        qs = self.pending(
            trigger=trigger,
            offset=offset,
            audience=audience,
            training_key=training_key,
            now=now,
            send_late=send_late,
            exclude_training_keys=exclude_training_keys,
            rule_key=rule_key,
            horizon=horizon,
            not_before=not_before,
        )
        return [] if qs is None else self._dues(qs, trigger)

    def pending(
        self,
        *,
        trigger,
        offset: timedelta,
        audience,
        training_key,
        now,
        send_late=False,
        exclude_training_keys=(),
        rule_key: str = "",
        horizon: timedelta | None = None,
        not_before=None,
    ):
        """The registrations a timed rule should mail now (see the class doc), as one query; None for a trigger
        this provider does not serve."""
        horizon = horizon if horizon is not None else timedelta(days=settings.MAIL_CATCH_UP_DAYS)
        base = self._base(audience, training_key, exclude_training_keys)
        if trigger == Trigger.BEFORE_START:
            # the moment start - offset has passed and the session has not started
            qs = base.filter(session__starts_at__gt=now, session__starts_at__lte=now + offset)
            if not send_late:
                # only people who were there at the moment; "send late" rules also reach those who came later
                qs = qs.filter(created_at__lte=F("session__starts_at") - offset)
            if not_before is not None:
                qs = qs.filter(session__starts_at__gte=not_before + offset)
        elif trigger == Trigger.AFTER_END:
            # the moment end + offset has passed, within the catch-up horizon
            earliest = now - horizon
            if not_before is not None:
                earliest = max(earliest, not_before)
            qs = base.filter(session__ends_at__gt=earliest - offset, session__ends_at__lte=now - offset)
        else:
            return None
        if rule_key:
            qs = qs.annotate(mail_occurrence=_occurrence(trigger)).filter(_not_queued(rule_key))
        return qs

    def joined(self, *, scope: str, recipient_keys, offset: timedelta, audience: str, now):
        """Of these recipients (who just registered or were promoted), those whose moment start - offset has
        already passed while the session has not started: they get a "send late" mail at once."""
        kind, _sep, pk = scope.partition(":")
        ids = [int(key.split(":", 1)[1]) for key in recipient_keys if key.startswith("registration:")]
        if kind != "session" or not pk.isdigit() or not ids:
            return []
        window = Session.objects.filter(pk=int(pk), starts_at__gt=now, starts_at__lte=now + offset)
        if not window.exclude(status=Session.Status.CANCELLED).exists():
            return []  # the usual case (the moment lies ahead): one small query instead of reading registrations
        qs = self._base(audience, None, ()).filter(
            session_id=int(pk), pk__in=ids, session__starts_at__gt=now, session__starts_at__lte=now + offset
        )
        return self._dues(qs, Trigger.BEFORE_START)  # under the session lock: ids only

    def audience_for(self, scope: str, audience: str):
        kind, _sep, pk = scope.partition(":")
        if kind != "session" or not pk.isdigit():
            return []
        return self._dues(self._base(audience, None, ()).filter(session_id=int(pk)), None)

    def _dues(self, qs, trigger: str | None):
        """Ids only: the key, the address and the language; the worker builds the context when it sends."""
        rows = qs.order_by("session_id", "id").values_list(
            "pk", "email", "language", "session_id", "session__training_id", "session__reminder_round"
        )  # one plain fetch: what is due at one moment is small (a server-side cursor costs three round trips)
        for pk, email, language, session_id, training_id, reminder_round in rows:
            occurrence = f"r{reminder_round}" if trigger == Trigger.BEFORE_START and reminder_round else ""
            yield Due(
                scope=f"session:{session_id}",
                recipient=Recipient(
                    key=f"registration:{pk}", email=email, language=language if language in ("nl", "en") else "nl"
                ),
                training_key=f"training:{training_id}" if training_id else None,
                occurrence=occurrence,
            )

    # --- for the admin's "send now" and the scope page ---------------------------------------------------------
    scope_prefix = "session"

    def scope_field(self, user):
        """ "Send now" chooses the session with the session chooser, among the sessions the user may see."""
        from django import forms

        from workshops import roles
        from workshops.choosers import session_chooser_viewset

        return forms.ModelChoiceField(
            label=_("Session"),
            queryset=roles.sessions_for(user),
            widget=session_chooser_viewset.widget_class(),
        )

    def scope_title(self, scope: str) -> str | None:
        kind, _sep, pk = scope.partition(":")
        if kind != "session" or not pk.isdigit():
            return None
        session = Session.objects.filter(pk=int(pk)).select_related("training", "lesson").first()
        return str(session) if session else None

    def may_view(self, scope: str, user) -> bool | None:
        """May this user see the page of this scope (the per-session mail page)? The one roles rule: coordinators
        every session, trainers the sessions they train. None for scopes that are not a session."""
        kind, _sep, pk = scope.partition(":")
        if kind != "session" or not pk.isdigit():
            return None
        return roles.own_sessions(user, Session.objects.filter(pk=int(pk))).exists()

    def summary(self, scope: str, user=None) -> dict | None:
        """The preparation summary of a session, for coordinators and the session's own trainers only."""
        kind, _sep, pk = scope.partition(":")
        if kind != "session" or not pk.isdigit():
            return None
        if user is not None and not self.may_view(scope, user):
            return None
        session = Session.objects.filter(pk=int(pk)).select_related("training").first()
        if session is None:
            return None
        summary = preparation_summary(session)
        summary["links"] = [
            (_("Participants"), reverse("workshops_session:participants", args=[session.pk])),
            (_("Session"), reverse("workshops_session:inspect", args=[session.pk])),
        ]
        return summary


def preparation_summary(session) -> dict:
    """Who of the confirmed participants is prepared: counts and names, for the trainer."""
    rows = list(
        session.registrations.filter(status__in=[R.CONFIRMED, R.ATTENDED])
        .order_by("name", "id")
        .values("name", "homework_opened_at", "homework_done_at")
    )
    people = []
    for row in rows:
        if row["homework_done_at"]:
            state = "done"
        elif row["homework_opened_at"]:
            state = "opened"
        else:
            state = "not_started"
        people.append({"name": row["name"], "state": state})
    return {
        "session": session,
        "title": str(session),
        "total": len(people),
        "done": sum(1 for p in people if p["state"] == "done"),
        "opened": sum(1 for p in people if p["state"] == "opened"),
        "not_started": sum(1 for p in people if p["state"] == "not_started"),
        "people": people,
    }


provider = SessionMailProvider()
register_provider(provider)
register_context_provider("registration", context_at_send_time)
