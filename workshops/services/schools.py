"""School booking requests: requested → proposed → confirmed | declined, or withdrawn before confirmation.

The coordinator proposes a date and trainer (the school is mailed a signed link); the school accepts, which
creates the private Session, or declines. Every step locks the request row, so a double click cannot create
two sessions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from events.api import Recipient, Trigger, fire
from events.models import EventLog
from workshops import roles
from workshops.models import SHOWN_TZ, SchoolBookingRequest, Session
from workshops.services.booking import normalise_email
from workshops.tokens import make_token

logger = logging.getLogger(__name__)

Status = SchoolBookingRequest.Status


class TransitionError(Exception):
    """The request is not in a state that allows this step; `message` is safe to show."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class Proposal:
    starts_at: object
    ends_at: object
    trainer: object
    address: str = ""


def create_request(lesson_id: int, data: dict, language: str = "nl") -> SchoolBookingRequest:
    """Store a school's request (fields as in SchoolRequestForm.cleaned_data)."""
    fields = {f.name for f in SchoolBookingRequest._meta.get_fields()}
    values = {k: v for k, v in data.items() if k in fields}
    values["email"] = normalise_email(values.get("email", ""))
    with transaction.atomic():
        request = SchoolBookingRequest.objects.create(lesson_id=lesson_id, language=language, **values)
        EventLog.record("school_requested", "school_request", request.pk, lesson=lesson_id)
        scope = f"school_request:{request.pk}"
        fire(Trigger.SCHOOL_REQUEST_RECEIVED, [acknowledgement_recipient(request)], scope=scope)
        coordinators = coordinator_recipients(request)
        if coordinators:
            fire(Trigger.SCHOOL_REQUEST_NEW, coordinators, scope=scope)
    logger.info("school request %s created", request.pk)
    return request


def coordinator_recipients(request: SchoolBookingRequest) -> list[Recipient]:
    """Every active coordinator with an address, each in the language of their admin account (Dutch by default)."""
    from workshops.mail import _organisation_name

    admin_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "workshops_schoolrequest:inspect", args=[request.pk]
    )
    users = roles.coordinators().exclude(email="").select_related("wagtail_userprofile").order_by("pk")
    recipients = []
    for user in users:
        profile = getattr(user, "wagtail_userprofile", None)
        language = (getattr(profile, "preferred_language", "") or "nl")[:2]
        language = language if language in ("nl", "en") else "nl"
        with translation.override(language):
            lesson = request.lesson.title
        recipients.append(
            Recipient(
                key=f"user:{user.pk}",
                email=user.email,
                language=language,
                context={
                    "first_name": user.first_name or user.get_username(),
                    "lesson": lesson,
                    "town": request.town,
                    "admin_url": admin_url,
                    "organisation": _organisation_name() or "Qpido",
                },
            )
        )
    return recipients


def _locked(request_id: int) -> SchoolBookingRequest:
    return SchoolBookingRequest.objects.select_for_update().get(pk=request_id)


def propose(request_id: int, proposal: Proposal) -> SchoolBookingRequest:
    """The coordinator proposes a date and trainer; the school gets a mail with a link to accept or decline."""
    if proposal.ends_at <= proposal.starts_at:
        raise TransitionError(_("The end must be after the start."))
    with transaction.atomic():
        request = _locked(request_id)
        if request.status not in (Status.REQUESTED, Status.PROPOSED):
            raise TransitionError(_("Only an open request can get a proposal."))
        request.status = Status.PROPOSED
        request.proposed_starts_at = proposal.starts_at
        request.proposed_ends_at = proposal.ends_at
        request.proposed_trainer = proposal.trainer
        request.proposed_address = proposal.address
        request.proposed_at = timezone.now()
        request.save()
        fire(
            Trigger.SCHOOL_PROPOSAL,
            [school_recipient(request)],
            scope=f"school_request:{request.pk}",
            occurrence=request.proposed_at.isoformat(),
        )
        EventLog.record("school_proposed", "school_request", request.pk)
        logger.info("school request %s proposed", request.pk)
        return request


def accept(request_id: int) -> SchoolBookingRequest:
    """The school accepts the proposal: the private Session is created with the proposed trainer."""
    with transaction.atomic():
        request = _locked(request_id)
        if request.status == Status.CONFIRMED:
            return request
        if request.status != Status.PROPOSED:
            raise TransitionError(_("This proposal can no longer be accepted."))
        session = Session.objects.create(
            lesson_id=request.lesson_id,
            starts_at=request.proposed_starts_at,
            ends_at=request.proposed_ends_at,
            mode=Session.Mode.LOCATION,
            address=request.proposed_address or f"{request.school_name}, {request.town}",
            language=request.language,
            capacity=None,
            is_public=False,
        )
        if request.proposed_trainer_id:
            session.trainers.add(request.proposed_trainer_id)
        request.session = session
        request.status = Status.CONFIRMED
        request.answered_at = timezone.now()
        request.save()
        EventLog.record("school_confirmed", "school_request", request.pk, session=session.pk)
        logger.info("school request %s confirmed as session %s", request.pk, session.pk)
        return request


def decline(request_id: int) -> SchoolBookingRequest:
    with transaction.atomic():
        request = _locked(request_id)
        if request.status == Status.DECLINED:
            return request
        if request.status != Status.PROPOSED:
            raise TransitionError(_("This proposal can no longer be declined."))
        request.status = Status.DECLINED
        request.answered_at = timezone.now()
        request.save(update_fields=["status", "answered_at"])
        EventLog.record("school_declined", "school_request", request.pk)
        return request


def withdraw(request_id: int) -> SchoolBookingRequest:
    """The request is withdrawn (by the school or the coordinator) before it was confirmed."""
    with transaction.atomic():
        request = _locked(request_id)
        if request.status == Status.WITHDRAWN:
            return request
        if request.status not in (Status.REQUESTED, Status.PROPOSED):
            raise TransitionError(_("Only an open request can be withdrawn."))
        request.status = Status.WITHDRAWN
        request.answered_at = timezone.now()
        request.save(update_fields=["status", "answered_at"])
        EventLog.record("school_withdrawn", "school_request", request.pk)
        return request


def response_url(request: SchoolBookingRequest) -> str:
    with translation.override(request.language):
        path = reverse("workshops:school_response", args=[make_token(request, "school")])
    return settings.SITE_BASE_URL.rstrip("/") + path


def school_recipient(request: SchoolBookingRequest) -> Recipient:
    """The school's contact as a mail recipient (no personal data in the key)."""
    from workshops.mail import _organisation_name

    with translation.override(request.language):
        start = timezone.localtime(request.proposed_starts_at, SHOWN_TZ) if request.proposed_starts_at else None
        end = timezone.localtime(request.proposed_ends_at, SHOWN_TZ) if request.proposed_ends_at else None
        trainer = request.proposed_trainer
        start_text = formats.date_format(start, "DATETIME_FORMAT") if start else ""
        if start and end:
            start_text = f"{formats.date_format(start, 'l j F Y, H:i')}–{formats.time_format(end, 'H:i')}"
        context = {
            "first_name": request.contact_name.split()[0] if request.contact_name.strip() else "",
            "name": request.contact_name,
            "school_name": request.school_name,
            "lesson": request.lesson.title,
            "town": request.town,
            "training": request.lesson.title,
            "session_start": start_text,
            "proposed_start": start_text,
            "session_end": formats.time_format(end, "TIME_FORMAT") if end else "",
            "trainer": (trainer.get_full_name() or trainer.get_username()) if trainer else "",
            "address": request.proposed_address,
            "respond_url": response_url(request),
            "manage_url": response_url(request),
            "organisation": _organisation_name() or "Qpido",
        }
    return Recipient(
        key=f"school_request:{request.pk}", email=request.email, language=request.language, context=context
    )


def acknowledgement_recipient(request: SchoolBookingRequest) -> Recipient:
    """The school's contact for the mail that says "we have your request". Anyone can type any address into the
    public form, so this mail carries no text the visitor typed (no name, school or town), only what the site
    knows: the lesson and the organisation."""
    from workshops.mail import _organisation_name

    with translation.override(request.language):
        lesson = request.lesson.title
    return Recipient(
        key=f"school_request:{request.pk}",
        email=request.email,
        language=request.language,
        context={"lesson": lesson, "training": lesson, "organisation": _organisation_name() or "Qpido"},
    )


def earliest_preferred(request: SchoolBookingRequest) -> date | None:
    dates = [d for d, _label in request.preferred_dates]
    return min(dates) if dates else None
