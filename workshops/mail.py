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
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from events.api import Attachment, Audience, Due, Recipient, Trigger, register_context_provider, register_provider
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


MATERIAL_CACHE_KEY = "workshops:training-material:v2:{}:{}"


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


def calendar_attachment(registration, language: str) -> Attachment:
    """The participant's .ics: the training's title and page in their language, the meeting link once confirmed."""
    from workshops.ics import session_ics

    session = registration.session
    page = None
    if session.training_id:
        material = training_material(session, language)
        page = {"title": material["training"], "url": material["training_url"]}
    return Attachment(
        filename="session.ics",
        content=session_ics(session, registration, language=language, page=page),
        mimetype="text/calendar",
    )


def context_at_send_time(recipient_key: str, language: str, scope: str):
    """The event engine's context provider for "registration:<id>" rows (WorkshopsConfig.ready registers it): the
    placeholder values and, for a person who holds a seat in a session that goes ahead, the calendar file, built
    now in the row's language. None when the registration no longer exists."""
    _kind, _sep, pk = recipient_key.partition(":")
    if not pk.isdigit():
        return None
    registration = Registration.objects.select_related("session", "session__training").filter(pk=int(pk)).first()
    if registration is None:
        return None
    language = language if language in ("nl", "en") else (registration.language or "nl")
    attachments = []
    if registration.status in (R.CONFIRMED, R.ATTENDED) and registration.session.status == Session.Status.SCHEDULED:
        attachments.append(calendar_attachment(registration, language))
    return context_for(registration, language), attachments


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


class SessionMailProvider:
    """Answers the minute tick: which registrations a timed rule should mail now. One indexed query per rule:
    sessions are found by their (indexed) start or end within the tick's window, registrations through the
    session foreign key, so the cost follows the mail that is due, not the size of the tables."""

    triggers = Trigger.TIMED

    def _base(self, audience: str, training_key, exclude_training_keys):
        qs = Registration.objects.filter(_audience_filter(audience)).exclude(session__status=Session.Status.CANCELLED)
        if training_key:
            qs = qs.filter(session__training_id=_training_id(training_key))
        elif exclude_training_keys:
            qs = qs.exclude(session__training_id__in=[_training_id(k) for k in exclude_training_keys])
        return qs

    def anything_due(self, specs, now) -> bool:
        """One indexed look: does any session start or end inside one of these windows, or did anyone register
        since the earliest window (for "send late" rules)? Lets a tick with nothing due cost one or two queries."""
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
    ):
        since = since or now - timedelta(minutes=5)
        base = self._base(audience, training_key, exclude_training_keys)
        if trigger == Trigger.BEFORE_START:
            # moment = start - offset in (since, now], and the session has not started
            querysets = [
                base.filter(session__starts_at__gt=max(since + offset, now), session__starts_at__lte=now + offset)
            ]
            if send_late:
                # registered in (since, now] after the moment had passed, session still ahead (created_at is
                # indexed). Promotions from the waiting list are caught when PROMOTED is fired (see `joined`).
                querysets.append(
                    base.filter(
                        created_at__gt=since,
                        created_at__lte=now,
                        session__starts_at__gt=now,
                        session__starts_at__lte=now + offset,
                    )
                )
        elif trigger == Trigger.AFTER_END:
            querysets = [base.filter(session__ends_at__gt=since - offset, session__ends_at__lte=now - offset)]
        else:
            return []
        return self._dues(querysets)

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
        return self._dues([qs], ids_only=True)  # called under the session lock: the worker builds the context

    def audience_for(self, scope: str, audience: str):
        kind, _sep, pk = scope.partition(":")
        if kind != "session" or not pk.isdigit():
            return []
        return self._dues([self._base(audience, None, ()).filter(session_id=int(pk))])

    def _registrations(self, querysets):
        seen = set()
        for qs in querysets:
            for registration in (
                qs.select_related("session", "session__training").order_by("session_id", "id").iterator(chunk_size=1000)
            ):
                if registration.pk not in seen:
                    seen.add(registration.pk)
                    yield registration

    def _dues(self, querysets, ids_only: bool = False):
        organisation = None
        cache: dict = {}
        for registration in self._registrations(querysets):
            if ids_only:
                session = registration.session
                yield Due(
                    scope=scope_of(session),
                    recipient=recipient_by_id(registration),
                    training_key=f"training:{session.training_id}" if session.training_id else None,
                )
                continue
            if organisation is None:
                organisation = _organisation_name() or "Qpido"
            session = registration.session
            language = registration.language if registration.language in ("nl", "en") else "nl"
            yield Due(
                scope=scope_of(session),
                recipient=Recipient(
                    key=f"registration:{registration.pk}",
                    email=registration.email,
                    language=language,
                    context=context_for(registration, language, organisation, cache),
                ),
                training_key=f"training:{session.training_id}" if session.training_id else None,
            )

    def summary(self, scope: str, user=None) -> dict | None:
        """The preparation summary of a session, for coordinators and the session's own trainers only."""
        kind, _sep, pk = scope.partition(":")
        if kind != "session" or not pk.isdigit():
            return None
        session = Session.objects.filter(pk=int(pk)).select_related("training").first()
        if session is None:
            return None
        if user is not None and not (
            user.has_perm("workshops.view_registration") or session.trainers.filter(pk=user.pk).exists()
        ):
            return None
        return preparation_summary(session)


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
