"""Personal data is kept only as long as it is needed: `purge_personal_data` anonymises it after the session.

A configurable number of days (``PURGE_PERSONAL_DATA_AFTER_DAYS``, default 90) after a session has ended:

* its registrations lose name, e-mail address, organisation and role; their status, language and timestamps stay,
  so attendance, waiting-list, homework and response counts stay right. The random public id is replaced, so every
  personal link made for the registration stops working;
* other apps remove what they hold for those sessions through the hooks below (the evaluations app: names that
  participants chose to add to their answers; the answers themselves stay, so the reports keep their figures);
* school booking requests lose the contact's name, e-mail address, phone number and remarks (the school's name,
  town and the lesson stay for the counts). A request without a session is measured from its latest preferred or
  proposed date, or from when it was made;
* outbox mails of those sessions, requests and people lose address, placeholder values, stored subject and text,
  attachments and the error notes of earlier attempts; mail still queued for them is cancelled (rule, scope, status
  and times stay for the delivery figures). Rows are chosen by recipient key and scope, never by address, so the
  same person's mail about a registration that is still to come is left alone.

Safe to run any number of times: a second run finds nothing left to anonymise. It runs daily from Celery beat
(``CELERY_BEAT_SCHEDULE["purge-personal-data"]``) and by hand with ``manage.py purge_personal_data``.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass, field

from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from events.services.outbox import purge_recipients as purge_outbox_recipients

logger = logging.getLogger(__name__)

ANONYMISED_DOMAIN = "anonymised.invalid"  # RFC 2606: can never be delivered


def anonymised_email() -> str:
    return f"{uuid.uuid4().hex}@{ANONYMISED_DOMAIN}"


def purge_after_days() -> int:
    return int(settings.PURGE_PERSONAL_DATA_AFTER_DAYS)


@dataclass
class PurgeResult:
    days: int
    cutoff: datetime.datetime
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    changed: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Counts only (no personal data), for the task result and the log."""
        return {
            "days": self.days,
            "cutoff": self.cutoff.isoformat(),
            **{f"changed_{k}": v for k, v in self.changed.items()},
        }


def _models():
    from workshops.models import Registration, SchoolBookingRequest, Session

    return Session, Registration, SchoolBookingRequest


def _hooks(name):
    """Other apps' parts of the purge, registered as Wagtail hooks (the evaluations app registers its own):

    * ``personal_data_snapshot()`` returns a dict of counts for the before/after snapshot;
    * ``purge_session_personal_data(session_ids)`` anonymises what belongs to these ended sessions and returns a
      dict of counts of what it changed.
    """
    from wagtail import hooks

    return hooks.get_hooks(name)


def _outbox_model():
    try:
        return apps.get_model("events", "OutboxMail")
    except LookupError:  # the event engine is optional for this module
        return None


def _not_anonymised(field_name: str) -> Q:
    return ~Q(**{f"{field_name}__endswith": f"@{ANONYMISED_DOMAIN}"})


def snapshot() -> dict:
    """Counts that must not change (totals, statuses, evaluation aggregates) and those that should (personal data)."""
    Session, Registration, SchoolBookingRequest = _models()
    registrations = Registration.objects.all()
    requests = SchoolBookingRequest.objects.all()
    data = {
        "registrations": registrations.count(),
        "registrations with personal data": registrations.filter(_not_anonymised("email")).count(),
        "registrations attended": registrations.filter(status=Registration.Status.ATTENDED).count(),
        "registrations cancelled": registrations.filter(status=Registration.Status.CANCELLED).count(),
        "registrations evaluated": registrations.filter(evaluation_responded_at__isnull=False).count(),
        "school requests": requests.count(),
        "school requests with personal data": requests.filter(_not_anonymised("email")).count(),
        "school requests confirmed": requests.filter(status=SchoolBookingRequest.Status.CONFIRMED).count(),
    }
    for counts in _hooks("personal_data_snapshot"):
        data.update(counts())
    Outbox = _outbox_model()
    if Outbox is not None:
        data["outbox mails"] = Outbox.objects.count()
        data["outbox mails with an address"] = (
            Outbox.objects.exclude(to_email="").filter(_not_anonymised("to_email")).count()
        )
    return data


def _request_reference_moment(request, tz) -> datetime.datetime:
    """When a school request stops being needed: its session's end, else its latest date, else when it was made."""
    if request.session_id and request.session.ends_at:
        return request.session.ends_at
    moments = [request.created_at]
    if request.proposed_ends_at:
        moments.append(request.proposed_ends_at)
    for day in (request.date_1, request.date_2, request.date_3):
        if day:
            moments.append(datetime.datetime.combine(day, datetime.time(23, 59), tzinfo=tz))
    return max(moments)


@transaction.atomic
def _anonymise(cutoff: datetime.datetime) -> dict:
    Session, Registration, SchoolBookingRequest = _models()
    ended = Session.objects.filter(ends_at__lt=cutoff)
    ended_ids = list(ended.values_list("id", flat=True))

    registrations = list(
        Registration.objects.select_for_update()
        .filter(session_id__in=ended_ids)
        .filter(_not_anonymised("email"))
        .only("id", "email")
    )
    recipient_keys = {f"registration:{r.pk}" for r in registrations}
    for registration in registrations:
        registration.name = ""
        registration.email = anonymised_email()
        registration.organisation = ""
        registration.role = ""
        registration.public_id = uuid.uuid4()  # every signed link made for it now reads as unknown
    Registration.objects.bulk_update(
        registrations, ["name", "email", "organisation", "role", "public_id"], batch_size=500
    )

    changed_elsewhere = {}
    for purge_sessions in _hooks("purge_session_personal_data"):
        changed_elsewhere.update(purge_sessions(ended_ids))

    tz = timezone.get_current_timezone()
    candidates = (
        SchoolBookingRequest.objects.select_for_update(of=("self",))
        .select_related("session")
        .filter(created_at__lt=cutoff)
        .filter(_not_anonymised("email"))
    )
    school_requests = [r for r in candidates if _request_reference_moment(r, tz) < cutoff]
    for request in school_requests:
        recipient_keys.update({f"school_request:{request.pk}", f"schoolbookingrequest:{request.pk}"})
        request.contact_name = ""
        request.email = anonymised_email()
        request.phone = ""
        request.remarks = ""
        request.public_id = uuid.uuid4()
    SchoolBookingRequest.objects.bulk_update(
        school_requests, ["contact_name", "email", "phone", "remarks", "public_id"], batch_size=500
    )

    # Every copy of them in the outbox (address, placeholder values, stored subject and text, attachments, error
    # notes of earlier attempts), chosen by recipient key and scope, never by address: the same person's mail about
    # a registration that is still to come keeps its text and goes out.
    scopes = [f"session:{pk}" for pk in ended_ids] + [f"school_request:{r.pk}" for r in school_requests]
    outbox_changed = purge_outbox_recipients(recipient_keys, scopes)

    return {
        "registrations": len(registrations),
        "school_requests": len(school_requests),
        **changed_elsewhere,
        "outbox_mails": outbox_changed,
    }


def purge_personal_data(days: int | None = None, now: datetime.datetime | None = None) -> PurgeResult:
    """Anonymise everything whose session (or request) ended more than `days` ago; returns before/after counts."""
    days = purge_after_days() if days is None else int(days)
    if days < 0:
        raise ValueError("days must be zero or more")
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    result = PurgeResult(days=days, cutoff=cutoff, before=snapshot())
    result.changed = _anonymise(cutoff)
    result.after = snapshot()
    logger.info("personal data purge: %s", result.as_dict())
    return result


@shared_task(name="workshops.purge_personal_data")
def purge_personal_data_task(days: int | None = None) -> dict:
    """The daily beat task; returns counts only."""
    return purge_personal_data(days).as_dict()
