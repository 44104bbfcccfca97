"""Booking rules: register, cancel, promote from the waiting list, change capacity, cancel or duplicate a session.

One path decides every place. Each write runs in one transaction that first locks the session row, so
registrations for one session are decided one at a time: seats are counted under the lock, the registration is
stored as confirmed or waitlisted, its outbox rows are inserted (ids only: the worker builds the mail and the
calendar file when it sends), and the transaction commits. Arrival order (created_at, id) is therefore commit
order, and the visitor's response already says which place they have.

Waiting for the lock is bounded (BOOKING_LOCK_TIMEOUT seconds, PostgreSQL's lock_timeout): past it `SessionBusy`
is raised and the form says "very busy, please try again" with what the visitor typed still in it. A session has
10 to 30 seats and the work under its lock is a few small writes, so that only happens under a load far beyond any
campaign week's opening.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from events.api import Trigger, fire
from events.models import EventLog
from workshops.mail import recipient_by_id
from workshops.models import Registration, Session

logger = logging.getLogger(__name__)

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL: lock_timeout expired


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


class SessionBusy(BookingError):
    code = "busy"
    message = _(
        "It is very busy right now: many people are registering for this session at the same moment. "
        "Your registration has not been stored yet. Please send the form again in a moment; what you typed is kept."
    )


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
    """Lock the session row for the rest of the transaction, waiting at most BOOKING_LOCK_TIMEOUT seconds.

    FOR NO KEY UPDATE serialises bookings like FOR UPDATE but leaves alone the FOR KEY SHARE that inserting a
    registration takes on its session (the foreign key check). Raises SessionBusy when the wait runs out."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            milliseconds = max(int(settings.BOOKING_LOCK_TIMEOUT * 1000), 1)
            cursor.execute(f"SET LOCAL lock_timeout = {milliseconds}")
    no_key = connection.features.has_select_for_no_key_update
    # whether its page is published comes with the row (one round trip less while the lock is held)
    page_live = Exists(Page.objects.filter(pk=Coalesce(OuterRef("training_id"), OuterRef("lesson_id")), live=True))
    try:
        return (
            Session.objects.select_for_update(no_key=no_key, of=("self",))
            .annotate(page_live=page_live)
            .get(pk=session_id)
        )
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            logger.warning("session %s: booking lock not free in %ss", session_id, settings.BOOKING_LOCK_TIMEOUT)
            raise SessionBusy() from exc
        raise


lock_session = _locked_session  # for the other session services (workshops.services.sessions)


def _seats_left(session: Session) -> int | None:
    if session.capacity is None:
        return None
    taken = Registration.objects.filter(session_id=session.pk, status__in=Registration.HOLDS_SEAT).count()
    return max(session.capacity - taken, 0)


def check_open(session: Session, *, now=None) -> None:
    """Raise the BookingError that explains why nobody can register now, if any: the session must be public,
    scheduled and not started, and its training page must be published."""
    now = now or timezone.now()
    if not session.is_public or not session.bookable_page:
        raise SessionNotOpen()
    if session.status == Session.Status.CANCELLED:
        raise SessionClosed()
    if session.status != Session.Status.SCHEDULED or session.starts_at <= now:
        raise SessionPast()


def register(session_id: int, data: RegistrationData) -> Registration:
    """Confirm while seats remain, else waitlist, and queue the matching mail; returns the stored registration.

    Raises Session.DoesNotExist for an unknown session, SessionBusy when the lock is not free in time, and another
    BookingError for a closed session or an address that is already registered."""
    email = normalise_email(data.email)
    try:
        with transaction.atomic():
            session = _locked_session(session_id)
            check_open(session)
            found = Registration.objects.filter(session_id=session_id).aggregate(
                taken=Count("pk", filter=Q(status__in=Registration.HOLDS_SEAT)),
                existing=Max("pk", filter=Q(email__iexact=email)),
            )
            fields = {
                "name": data.name.strip(),
                "email": email,
                "organisation": data.organisation.strip(),
                "role": data.role.strip(),
                "language": data.language,
                "consent_at": timezone.now(),
            }
            full = session.capacity is not None and found["taken"] >= session.capacity
            status = Registration.Status.WAITLISTED if full else Registration.Status.CONFIRMED
            if found["existing"]:
                registration = Registration.objects.get(pk=found["existing"])
                if registration.status != Registration.Status.CANCELLED:
                    raise DuplicateRegistration()
                # registering again after cancelling: the same row, a new arrival at the back of the queue
                for name, value in fields.items():
                    setattr(registration, name, value)
                registration.created_at = timezone.now()
                registration.cancelled_at = registration.promoted_at = None
                registration.status = status
                registration.save()
            else:
                registration = Registration.objects.create(session=session, status=status, **fields)
            registration.session = session
            trigger = Trigger.REGISTRATION_CONFIRMED if status == Registration.Status.CONFIRMED else Trigger.WAITLISTED
            _mail(trigger, registration)
            EventLog.record("registered", "registration", registration.pk, session=session_id, status=str(status))
            logger.info("registration %s on session %s: %s", registration.pk, session_id, status)
            return registration
    except IntegrityError as exc:  # the unique (session, e-mail) constraint as the last line of defence
        raise DuplicateRegistration() from exc


def cancel_registration(registration_id: int) -> Registration:
    """The participant cancels: they are mailed, and a freed seat goes to the longest-waiting person."""
    with transaction.atomic():
        session_id = Registration.objects.values_list("session_id", flat=True).get(pk=registration_id)
        session = _locked_session(session_id)
        registration = Registration.objects.get(pk=registration_id)
        registration.session = session
        if registration.status in Registration.ACTIVE:
            held_seat = registration.status == Registration.Status.CONFIRMED
            registration.status = Registration.Status.CANCELLED
            registration.cancelled_at = timezone.now()
            registration.save(update_fields=["status", "cancelled_at"])
            _mail(Trigger.REGISTRATION_CANCELLED, registration)
            EventLog.record("registration_cancelled", "registration", registration.pk, session=session.pk)
            logger.info("registration %s cancelled", registration.pk)
            if held_seat and session.status == Session.Status.SCHEDULED and session.starts_at > timezone.now():
                _promote(session)
        return registration


def over_capacity(session: Session, capacity: int | None = None) -> int:
    """How many confirmed people a capacity (default: the session's own) leaves without a seat."""
    capacity = session.capacity if capacity is None else capacity
    if capacity is None:
        return 0
    taken = Registration.objects.filter(session_id=session.pk, status=Registration.Status.CONFIRMED).count()
    return max(taken - capacity, 0)


def set_capacity(session_id: int, capacity: int | None, *, demote: bool = False) -> list[Registration]:
    """A coordinator changes the capacity. Raising it promotes waiting people in arrival order. Lowering it
    below the number of confirmed people keeps everyone, unless `demote`: then the latest confirmed people go
    back to the front of the waiting list and are mailed. Returns the people promoted or demoted."""
    with transaction.atomic():
        session = _locked_session(session_id)
        session.capacity = capacity
        session.save(update_fields=["capacity"])
        EventLog.record("capacity_changed", "session", session.pk, capacity=capacity)
        if demote and over_capacity(session):
            return _demote(session)
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
        _mail(Trigger.PROMOTED, registration)
        EventLog.record("promoted", "registration", registration.pk, session=session.pk)
        logger.info("registration %s promoted from the waiting list", registration.pk)
        promoted.append(registration)
    return promoted


def _demote(session: Session) -> list[Registration]:
    """Inside the lock: the latest confirmed people beyond the capacity go back to the waiting list, ahead of
    everyone who was waiting already (their arrival time is kept, so they come first), and are mailed."""
    over = over_capacity(session)
    latest = list(
        Registration.objects.filter(session_id=session.pk, status=Registration.Status.CONFIRMED).order_by(
            "-created_at", "-id"
        )[:over]
    )
    for registration in latest:
        registration.status = Registration.Status.WAITLISTED
        registration.promoted_at = None
        registration.save(update_fields=["status", "promoted_at"])
        registration.session = session
        _mail(Trigger.DEMOTED, registration, occurrence=timezone.now().isoformat())
        EventLog.record("demoted", "registration", registration.pk, session=session.pk)
        logger.info("registration %s moved back to the waiting list", registration.pk)
    return latest


def cancel_session(session_id: int) -> int:
    """A coordinator cancels the session: every confirmed or waiting person is mailed once. Returns how many."""
    with transaction.atomic():
        session = _locked_session(session_id)
        if session.status == Session.Status.CANCELLED:
            return 0
        session.status = Session.Status.CANCELLED
        session.sequence += 1  # the calendar files of the cancellation replace every earlier one
        session.save(update_fields=["status", "sequence"])
        active = list(Registration.objects.filter(session_id=session.pk, status__in=Registration.ACTIVE))
        Registration.objects.filter(pk__in=[r.pk for r in active]).update(
            status=Registration.Status.CANCELLED, cancelled_at=timezone.now()
        )
        if active:
            fire(
                Trigger.SESSION_CANCELLED,
                [recipient_by_id(r) for r in active],
                scope=session.scope,
                training_key=session.training_key,
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
        copy.sequence = copy.reminder_round = 0  # a new session: its first calendar revision, its first reminders
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


def _mail(trigger: str, registration: Registration, occurrence: str | None = None) -> int:
    """Queue this registration's mail in the outbox with ids only; the worker builds its text and calendar file
    in the recipient's language when it sends (workshops.mail.context_at_send_time)."""
    session = registration.session
    if occurrence is None:
        occurrence = (registration.promoted_at or registration.created_at).isoformat()
    return fire(
        trigger,
        [recipient_by_id(registration)],
        scope=session.scope,
        training_key=session.training_key,
        occurrence=occurrence,
    )
