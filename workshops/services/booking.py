"""Booking rules: register, cancel, promote from the waiting list, raise capacity, cancel or duplicate a session.

Every write runs in one transaction that first locks the session row (`select_for_update`), so concurrent
registrations are serialised per session: seats are counted and assigned under the lock, and arrival order
(created_at, id) is the order in which the lock was obtained. Mail goes through the event engine's outbox
(`events.api.fire`), which inserts outbox rows inside this transaction and sends after commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.api import Attachment, Trigger, fire
from events.models import EventLog
from workshops.ics import session_ics
from workshops.models import Registration, Session

logger = logging.getLogger(__name__)


class BookingError(Exception):
    """A registration that cannot be made; `message` is translatable and safe to show."""

    code = "error"
    message = _("This registration could not be made.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class SessionClosed(BookingError):
    code = "closed"
    message = _("This session has been cancelled; registration is closed.")


class SessionPast(BookingError):
    code = "past"
    message = _("This session has already started; registration is closed.")


class SessionNotOpen(BookingError):
    code = "not_open"
    message = _("This session is not open for registration.")


class DuplicateRegistration(BookingError):
    code = "duplicate"
    message = _(
        "This e-mail address is already registered for this session. Use the personal link in your "
        "confirmation mail to see or cancel your registration."
    )


@dataclass(frozen=True)
class RegistrationData:
    name: str
    email: str
    organisation: str = ""
    role: str = ""
    language: str = "nl"


def normalise_email(email: str) -> str:
    """Strip spaces and lowercase the domain (the local part is kept as typed)."""
    email = (email or "").strip()
    local, sep, domain = email.rpartition("@")
    if not sep:
        return email
    return f"{local}@{domain.lower()}"


def _locked_session(session_id: int) -> Session:
    return Session.objects.select_for_update().get(pk=session_id)


def _seats_left(session: Session) -> int | None:
    if session.capacity is None:
        return None
    taken = Registration.objects.filter(session_id=session.pk, status__in=Registration.HOLDS_SEAT).count()
    return max(session.capacity - taken, 0)


def check_open(session: Session, *, now=None) -> None:
    """Raise the BookingError that explains why nobody can register now, if any."""
    now = now or timezone.now()
    if not session.is_public:
        raise SessionNotOpen()
    if session.status == Session.Status.CANCELLED:
        raise SessionClosed()
    if session.status != Session.Status.SCHEDULED or session.starts_at <= now:
        raise SessionPast()


def register(session_id: int, data: RegistrationData) -> Registration:
    """Confirm while seats remain, else waitlist. Raises BookingError for a closed session or a duplicate.

    The session row is locked (so seats are counted and given out one registration at a time) only for the
    writes: the mail's context and calendar file are built before, from an unlocked read of the session, so
    people registering at the same moment wait for each other's INSERTs, not for each other's mail."""
    email = normalise_email(data.email)
    now = timezone.now()
    session = Session.objects.get(pk=session_id)
    check_open(session, now=now)
    registration = Registration(
        session=session,
        name=data.name.strip(),
        email=email,
        organisation=data.organisation.strip(),
        role=data.role.strip(),
        language=data.language,
        status=Registration.Status.CONFIRMED,
        consent_at=now,
    )
    prepared = _prepare_mail(registration)
    try:
        with transaction.atomic():
            locked = _locked_session(session_id)
            check_open(locked)
            # one query under the lock: the seats taken, and whether this address registered before
            found = Registration.objects.filter(session_id=session_id).aggregate(
                taken=Count("pk", filter=Q(status__in=Registration.HOLDS_SEAT)),
                existing=Max("pk", filter=Q(email__iexact=email)),
            )
            if found["existing"]:
                existing = Registration.objects.get(pk=found["existing"])
                if existing.status != Registration.Status.CANCELLED:
                    raise DuplicateRegistration()
                # registering again after cancelling: the same row, a new arrival at the back of the queue
                for field in ("name", "email", "organisation", "role", "language", "consent_at"):
                    setattr(existing, field, getattr(registration, field))
                existing.created_at = now
                existing.cancelled_at = existing.promoted_at = None
                registration, prepared = existing, None
            full = locked.capacity is not None and found["taken"] >= locked.capacity
            registration.status = Registration.Status.WAITLISTED if full else Registration.Status.CONFIRMED
            registration.save()
            registration.session = session
            if registration.status == Registration.Status.CONFIRMED:
                _mail_registration(Trigger.REGISTRATION_CONFIRMED, registration, prepared=prepared)
            else:  # "you are on the waiting list" (no .ics: there is no seat yet)
                _mail_registration(Trigger.WAITLISTED, registration, with_ics=False, prepared=prepared)
            status = registration.status
            EventLog.record("registered", "registration", registration.pk, session=session_id, status=str(status))
            logger.info("registration %s on session %s: %s", registration.pk, session_id, status)
            return registration
    except IntegrityError as exc:  # the unique (session, email) constraint as the last line of defence
        raise DuplicateRegistration() from exc


def cancel_registration(registration_id: int) -> Registration:
    """The participant cancels; a freed seat goes to the longest-waiting person."""
    with transaction.atomic():
        registration = Registration.objects.select_related("session").get(pk=registration_id)
        session = _locked_session(registration.session_id)
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        registration.session = session
        if registration.status in (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED):
            registration.status = Registration.Status.CANCELLED
            registration.cancelled_at = timezone.now()
            registration.save(update_fields=["status", "cancelled_at"])
            EventLog.record("registration_cancelled", "registration", registration.pk, session=session.pk)
            logger.info("registration %s cancelled", registration.pk)
            if session.status == Session.Status.SCHEDULED and session.starts_at > timezone.now():
                _promote(session)
        return registration


def set_capacity(session_id: int, capacity: int | None) -> list[Registration]:
    """A coordinator changes the capacity; raising it promotes waiting people in arrival order."""
    with transaction.atomic():
        session = _locked_session(session_id)
        session.capacity = capacity
        session.save(update_fields=["capacity"])
        EventLog.record("capacity_changed", "session", session.pk, capacity=capacity)
        return _promote(session)


def promote_waiting(session_id: int) -> list[Registration]:
    """Fill free seats from the waiting list (e.g. after an edit in the admin)."""
    with transaction.atomic():
        return _promote(_locked_session(session_id))


def _promote(session: Session) -> list[Registration]:
    """Inside the lock: move waiting people to confirmed, oldest first, while seats remain; mail each."""
    if session.status != Session.Status.SCHEDULED:
        return []
    waiting = Registration.objects.filter(session_id=session.pk, status=Registration.Status.WAITLISTED).order_by(
        "created_at", "id"
    )
    left = _seats_left(session)
    if left is not None:
        waiting = waiting[:left]
    promoted = []
    now = timezone.now()
    for registration in waiting:
        registration.status = Registration.Status.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        registration.session = session
        _mail_registration(Trigger.PROMOTED, registration)
        EventLog.record("promoted", "registration", registration.pk, session=session.pk)
        logger.info("registration %s promoted from the waiting list", registration.pk)
        promoted.append(registration)
    return promoted


def cancel_session(session_id: int) -> int:
    """A coordinator cancels the session: every confirmed or waiting person is mailed. Returns how many."""
    with transaction.atomic():
        session = _locked_session(session_id)
        if session.status == Session.Status.CANCELLED:
            return 0
        session.status = Session.Status.CANCELLED
        session.save(update_fields=["status"])
        active = list(
            Registration.objects.filter(
                session_id=session.pk, status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED]
            )
        )
        if active:
            from workshops.mail import recipient_for

            for registration in active:
                registration.session = session
            fire(
                Trigger.SESSION_CANCELLED,
                [recipient_for(r) for r in active],
                scope=session.scope,
                training_key=session.training_key,
            )
            Registration.objects.filter(pk__in=[r.pk for r in active]).update(
                status=Registration.Status.CANCELLED, cancelled_at=timezone.now()
            )
        EventLog.record("session_cancelled", "session", session.pk, mailed=len(active))
        logger.info("session %s cancelled, %s people mailed", session.pk, len(active))
        return len(active)


def duplicate_session(session_id: int, *, shift: timedelta = timedelta(days=7)) -> Session:
    """A copy of the session (same training, place, capacity, trainers), `shift` later, with no registrations."""
    with transaction.atomic():
        original = Session.objects.get(pk=session_id)
        trainers = list(original.trainers.all())
        copy = Session.objects.get(pk=session_id)
        copy.pk = None
        copy.id = None
        copy._state.adding = True
        copy.starts_at = original.starts_at + shift
        copy.ends_at = original.ends_at + shift
        copy.status = Session.Status.SCHEDULED
        copy.save()
        copy.trainers.set(trainers)
        EventLog.record("session_duplicated", "session", copy.pk, original=original.pk)
        return copy


def check_in(registration_id: int, attended: bool) -> Registration:
    """Mark attendance: attended or no-show (only for people who held a seat)."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.status in Registration.HOLDS_SEAT:
            registration.status = Registration.Status.ATTENDED if attended else Registration.Status.NO_SHOW
            registration.save(update_fields=["status"])
            EventLog.record("checked_in", "registration", registration.pk, status=str(registration.status))
        return registration


def mark_homework_done(registration_id: int) -> Registration:
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.homework_done_at is None:
            registration.homework_done_at = timezone.now()
            registration.save(update_fields=["homework_done_at"])
        return registration


def ics_attachment(registration: Registration, page: dict | None = None) -> Attachment:
    return Attachment(
        filename="session.ics",
        content=session_ics(registration.session, registration, language=registration.language, page=page),
        mimetype="text/calendar",
    )


def _prepare_mail(registration: Registration) -> dict:
    """The mail context and the calendar file of a registration that is about to be saved (its public id, not its
    database id, goes into links), so they need not be built while the session is locked."""
    from events.services.rules import all_rules
    from workshops.mail import context_for, training_material

    all_rules()  # read the mail rules now, not while the session is locked
    language = registration.language if registration.language in ("nl", "en") else "nl"
    page = None
    if registration.session.training_id:  # title and address from the cached mail texts: no page to load
        material = training_material(registration.session, language)
        page = {"title": material["training"], "url": material["training_url"]}
    return {"context": context_for(registration, language), "ics": ics_attachment(registration, page=page)}


def _mail_registration(
    trigger: str, registration: Registration, with_ics: bool = True, prepared: dict | None = None
) -> int:
    """Queue the mail for this registration (with its .ics) through the event engine's outbox."""
    from workshops.mail import recipient_for

    session = registration.session
    occurrence = (registration.promoted_at or registration.created_at).isoformat()
    if prepared is not None:
        attachments = (prepared["ics"],) if with_ics else ()
        recipient = recipient_for(registration, attachments=attachments, context=prepared["context"])
    else:
        attachments = (ics_attachment(registration),) if with_ics else ()
        recipient = recipient_for(registration, attachments=attachments)
    return fire(
        trigger,
        [recipient],
        scope=session.scope,
        training_key=session.training_key,
        occurrence=occurrence,
    )
