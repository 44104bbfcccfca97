"""iCalendar files: one per session (for the public and for a participant) and the public feed."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

PRODID = "-//Qpido//workshops//NL"


def _calendar(name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
    return cal


def session_event(session, registration=None, page: dict | None = None) -> Event:
    """A VEVENT for the session. The meeting link is added only for a confirmed participant. `page`: the
    training's title and address when they are known already ({"title", "url"}), else read from the session."""
    from workshops.models import Registration, Session

    event = Event()
    event.add("uid", f"session-{session.pk}@{_host()}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", page["title"] if page else session.title)
    if session.status == Session.Status.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    description = []
    if page is not None:
        if page["url"]:
            event.add("url", page["url"])
    elif session.training_id and session.training.url:
        event.add("url", settings.SITE_BASE_URL.rstrip("/") + session.training.url)
    if session.mode == Session.Mode.LOCATION:
        event.add("location", " ".join(session.address.split()))
    else:
        event.add("location", _("Online"))
        if registration is not None and registration.status == Registration.Status.CONFIRMED and session.meeting_url:
            description.append(_("Meeting link: %(url)s") % {"url": session.meeting_url})
    if description:
        event.add("description", "\n".join(description))
    return event


def session_ics(session, registration=None, language: str | None = None, page: dict | None = None) -> bytes:
    with translation.override(language or translation.get_language()):
        cal = _calendar()
        cal.add_component(session_event(session, registration, page))
        return cal.to_ical()


def feed_ics(sessions, campaigns=(), name: str | None = None) -> bytes:
    """The public feed: public sessions plus campaign weeks (all-day events); `name` for a narrower feed."""
    cal = _calendar(name or _("Qpido trainings and campaign weeks"))
    for session in sessions:
        cal.add_component(session_event(session))
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
        url = getattr(campaign, "url", None)
        if url:
            event.add("url", settings.SITE_BASE_URL.rstrip("/") + url)
        cal.add_component(event)
    return cal.to_ical()


def _host() -> str:
    from urllib.parse import urlparse

    return urlparse(settings.SITE_BASE_URL).hostname or "qpido.nl"


__all__ = ["session_ics", "feed_ics", "session_event"]
