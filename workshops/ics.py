"""iCalendar files: a participant's invitation (in mail and on their page), one public session, and the feeds.

Every file says what it is for (METHOD): REQUEST for an invitation or its update in mail, CANCEL when the session
or the person's registration is cancelled, PUBLISH for a file or feed to subscribe to or import. An entry keeps
its UID for its whole life, and its SEQUENCE (`Session.sequence`) rises with every change the participants are
told about, so calendar apps replace the entry instead of adding a second one. Times carry the Europe/Amsterdam
time zone (with its VTIMEZONE).

Calendars are often visible to colleagues or family: the title is neutral ("Qpido session") unless the training
says otherwise (`TrainingPage.calendar_shows_title`), and a neutral entry names no training and links to no
training page. The meeting link is in the description of a confirmed participant's own file only.

This module builds files from the values it is given; `workshops.mail` and the views pass the training's title,
the organisation and the organiser's address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from workshops.models import SHOWN_TZ, Registration, Session

PRODID = "-//Qpido//workshops//NL"
REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"


@dataclass(frozen=True)
class Training:
    """What a calendar entry may show of its training: its title and page (in one language) and whether the
    training wants its title in calendars."""

    title: str = ""
    url: str = ""
    shows_title: bool = False


def training_of(session: Session) -> Training:
    """The training of a session as the current language shows it (feeds and public files)."""
    page = session.training if session.training_id else None
    if page is None:
        return Training()
    url = page.url if page.live else ""
    return Training(
        title=page.title,
        url=_absolute(url) if url else "",
        shows_title=bool(getattr(page, "calendar_shows_title", False)),
    )


def title(training: Training, organisation: str) -> str:
    """The entry's title: neutral unless the training shows its own."""
    if training.shows_title and training.title:
        return training.title
    return _("%(organisation)s session") % {"organisation": organisation or "Qpido"}


def session_uid(session: Session) -> str:
    """The public entry of a session (feeds, the session's own file)."""
    return f"session-{session.pk}@{_host()}"


def registration_uid(registration: Registration) -> str:
    """A participant's own entry: the same for every mail about this registration. Registering again after
    cancelling starts a new entry (the old one was cancelled in the participant's calendar)."""
    stamp = int(registration.created_at.timestamp()) if registration.created_at else 0
    return f"session-{registration.session_id}-registration-{registration.pk}-{stamp}@{_host()}"


def _calendar(method: str, name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", str(SHOWN_TZ))
    return cal


def _finish(cal: Calendar, moments: list[datetime | date]) -> bytes:
    """Add the VTIMEZONE for the times used, covering only the years the calendar needs."""
    days = [m.date() if isinstance(m, datetime) else m for m in moments] or [timezone.now().date()]
    cal.add_missing_timezones(first_date=min(days) - timedelta(days=366), last_date=max(days) + timedelta(days=366))
    return cal.to_ical()


def _session_event(session: Session, *, uid: str, summary: str, sequence: int, cancelled: bool) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("sequence", sequence)
    event.add("dtstart", session.starts_at.astimezone(SHOWN_TZ))
    event.add("dtend", session.ends_at.astimezone(SHOWN_TZ))
    event.add("summary", summary)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if session.mode == Session.Mode.LOCATION:
        event.add("location", ", ".join(line.strip() for line in session.address.splitlines() if line.strip()))
    else:
        event.add("location", _("Online"))
    return event


def participant_ics(
    registration: Registration,
    *,
    method: str,
    training: Training,
    organisation: str,
    organiser_email: str,
    language: str,
) -> bytes:
    """The participant's own entry. REQUEST: an invitation or its update (the meeting link in the description
    while they hold a seat); CANCEL: their registration or the session was cancelled; PUBLISH: the same entry as a
    file to import from their page."""
    session = registration.session
    with translation.override(language):
        cancelled = (
            method == CANCEL
            or session.status == Session.Status.CANCELLED
            or registration.status == Registration.Status.CANCELLED
        )
        # a participant's cancellation is a change of their entry: one revision above the session's
        sequence = session.sequence + (1 if cancelled and session.status != Session.Status.CANCELLED else 0)
        event = _session_event(
            session,
            uid=registration_uid(registration),
            summary=title(training, organisation),
            sequence=sequence,
            cancelled=cancelled,
        )
        lines = []
        if cancelled:
            if session.status == Session.Status.CANCELLED:
                lines.append(_("This session has been cancelled."))
            else:
                lines.append(_("Your registration has been cancelled."))
        else:
            holds_seat = registration.status in (Registration.Status.CONFIRMED, Registration.Status.ATTENDED)
            if session.mode == Session.Mode.ONLINE and session.meeting_url and holds_seat:
                lines.append(_("Meeting link: %(url)s") % {"url": session.meeting_url})
            lines.append(_("To see or cancel your registration, use the personal link in your confirmation mail."))
        if training.shows_title and training.url:
            event.add("url", training.url)
        event.add("description", "\n".join(lines))
        if method != PUBLISH and organiser_email:
            organiser = vCalAddress(f"mailto:{organiser_email}")
            organiser.params["cn"] = organisation or "Qpido"
            event.add("organizer", organiser)
            attendee = vCalAddress(f"mailto:{registration.email}")
            attendee.params["role"] = "REQ-PARTICIPANT"
            attendee.params["partstat"] = "DECLINED" if cancelled else "ACCEPTED"
            attendee.params["rsvp"] = "FALSE"
            event.add("attendee", attendee)
        cal = _calendar(method)
        cal.add_component(event)
        return _finish(cal, [session.starts_at.astimezone(SHOWN_TZ)])


def _public_event(session: Session, organisation: str) -> Event:
    training = training_of(session)
    event = _session_event(
        session,
        uid=session_uid(session),
        summary=title(training, organisation),
        sequence=session.sequence,
        cancelled=session.status == Session.Status.CANCELLED,
    )
    register_url = _absolute(reverse("workshops:register", args=[session.pk]))
    event.add("url", training.url if training.shows_title and training.url else register_url)
    if session.status == Session.Status.CANCELLED:
        event.add("description", _("This session has been cancelled."))
    else:
        event.add("description", _("Register: %(url)s") % {"url": register_url})
    return event


def public_session_ics(session: Session, *, organisation: str) -> bytes:
    """One public session to import (no meeting link)."""
    cal = _calendar(PUBLISH)
    cal.add_component(_public_event(session, organisation))
    return _finish(cal, [session.starts_at.astimezone(SHOWN_TZ)])


def feed_ics(sessions, campaigns=(), *, organisation: str, name: str | None = None) -> bytes:
    """The public feed: public sessions plus campaign weeks (all-day events); `name` for a narrower feed."""
    name = name or _("%(organisation)s trainings and campaign weeks") % {"organisation": organisation}
    cal = _calendar(PUBLISH, name)
    moments: list = []
    for session in sessions:
        cal.add_component(_public_event(session, organisation))
        moments.append(session.starts_at.astimezone(SHOWN_TZ))
    for campaign in campaigns:
        start = getattr(campaign, "start_date", None)
        if not start:
            continue
        end = getattr(campaign, "end_date", None) or start
        if isinstance(start, datetime):
            start = start.date()
        if isinstance(end, datetime):
            end = end.date()
        event = Event()
        event.add("uid", f"campaign-{campaign.pk}@{_host()}")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", start)
        event.add("dtend", end + timedelta(days=1))  # DTEND of an all-day event is exclusive
        event.add("summary", campaign.title)
        event.add("transp", "TRANSPARENT")
        url = getattr(campaign, "url", None)
        if url:
            event.add("url", _absolute(url))
        cal.add_component(event)
        moments.append(start)
    return _finish(cal, moments)


def _absolute(path: str) -> str:
    return path if "://" in path else settings.SITE_BASE_URL.rstrip("/") + path


def _host() -> str:
    return urlparse(settings.SITE_BASE_URL).hostname or "qpido.nl"


__all__ = [
    "CANCEL",
    "PUBLISH",
    "REQUEST",
    "Training",
    "feed_ics",
    "participant_ics",
    "public_session_ics",
    "registration_uid",
    "session_uid",
    "title",
    "training_of",
]
