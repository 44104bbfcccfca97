"""Booking rules: register, cancel, promote from the waiting list, raise capacity, cancel or duplicate a session.

Every write runs in one transaction that first locks the session row (`select_for_update`), so concurrent
registrations are serialised per session: seats are counted and assigned under the lock, and arrival order
(created_at, id) is the order in which the lock was obtained. Mail goes through the event engine's outbox
(`events.api.fire`), which inserts outbox rows inside this transaction and sends after commit.

A rush (many people registering for one session in the same second, the moment a popular training opens) would
make everyone queue for that lock, each behind the others' writes and mail. So a registration that finds the
session locked does not wait: it marks the session busy for BOOKING_BURST_WINDOW seconds, and it and every
registration in that window is stored as PENDING at once (one INSERT, no lock, no cache call once the process
knows of the rush). `decide_pending` then gives the pending places out under the lock, in arrival order: run by
the task that the registration which opened the window scheduled for just after its end, by any later
registration that gets the lock, by the person's own page if it is still pending a few seconds later, and by a
beat task as the net under everything. Outside a rush nothing changes: the answer (a seat or the waiting list)
comes in the response. BOOKING_BURST_WINDOW = 0 turns this off.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Max, Min, Q
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


def _locked_session(session_id: int, nowait: bool = False) -> Session:
    """Lock the session row FOR NO KEY UPDATE: it serialises registrations like FOR UPDATE, but leaves alone
    the FOR KEY SHARE that PostgreSQL takes on the session when a registration row is inserted (the foreign key
    check at commit), so storing a pending registration never waits for the lock holder."""
    no_key = connection.features.has_select_for_no_key_update
    return Session.objects.select_for_update(nowait=nowait, no_key=no_key).get(pk=session_id)


class _LockBusy(Exception):
    """The session is in a rush: its row is locked by another registration right now (SELECT … FOR UPDATE NOWAIT
    failed), or registrations of a rush that is still on wait for their decide run."""


def burst_window() -> int:
    """Seconds a session stays in rush mode after a registration found it locked; 0 turns rush mode off."""
    if not connection.features.has_select_for_update_nowait:
        return 0  # SQLite (make run): writes are serialised anyway
    return int(getattr(settings, "BOOKING_BURST_WINDOW", 1))


def _burst_key(session_id: int) -> str:
    return f"workshops:booking:burst:{session_id}"


# The rushes this process knows of: session id → the moment (epoch seconds) its window ends. Every process learns
# of a rush from the cache once per window and then stores each registration of the rush with one INSERT and no
# cache call. The decide run of a window is scheduled by whoever opened it, for half a second after its end, so a
# pending registration stored before the end of a known window is covered without asking anyone.
_rush_ends: dict[int, float] = {}
DECIDE_MARGIN = 0.5


def _clock() -> float:
    """Wall-clock seconds, shared by every process (and host) that registers and decides."""
    return time.time()


def _rush_end(session_id: int, window: int) -> float | None:
    """The end of the rush on this session, if one is on: from this process's memory, else from the cache."""
    if window <= 0:
        return None
    now = _clock()
    end = _rush_ends.get(session_id)
    if end is not None and end > now:
        return end
    try:
        end = cache.get(_burst_key(session_id))
    except Exception:  # the cache is down: register as outside a rush
        end = None
    if isinstance(end, float) and end > now:
        _rush_ends[session_id] = end
        return end
    _rush_ends.pop(session_id, None)
    return None


def _start_rush(session_id: int, window: int) -> float:
    """Put the session in rush mode (or join the rush another process started): returns the end of the window.
    Opening a window schedules its decide run, for just after its end."""
    window = max(window, 1)
    end = _clock() + window
    try:
        opened = cache.add(_burst_key(session_id), end, timeout=window)
        if not opened:
            known = cache.get(_burst_key(session_id))
            if isinstance(known, float) and known > _clock():
                _rush_ends[session_id] = known
                return known
            # the window ended while we asked: its run may come before our registration; schedule our own
            cache.set(_burst_key(session_id), end, timeout=window)
    except Exception:
        logger.warning("cache unavailable; session %s is in rush mode in this process only", session_id)
    for other in [sid for sid, known in _rush_ends.items() if known <= end - window]:  # ended windows
        del _rush_ends[other]
    _rush_ends[session_id] = end
    _schedule_decide(session_id, countdown=end - _clock() + DECIDE_MARGIN)
    return end


def end_rush(session_id: int) -> None:
    """Take the session out of rush mode in this process and the cache (tests and benchmarks)."""
    _rush_ends.pop(session_id, None)
    try:
        cache.delete(_burst_key(session_id))
    except Exception:
        logger.warning("cache unavailable; the rush mark of session %s stays until it expires", session_id)


def _covered(session_id: int, end: float, window: int) -> None:
    """After a pending registration is stored: make sure a decide run comes after it. It does when it was
    stored before the end of a known window; otherwise a new window opens (or the one just opened is joined)."""
    if _clock() < end:
        return
    _start_rush(session_id, window)


def _schedule_decide(session_id: int, countdown: float) -> None:
    """Have `decide_pending` run in `countdown` seconds. Without a broker the person's own page and the beat
    task decide instead (nothing is lost, only later)."""
    from workshops.tasks import decide_pending as decide_task

    try:
        decide_task.apply_async(args=[session_id], countdown=max(countdown, DECIDE_MARGIN))
    except Exception as exc:
        logger.warning(
            "broker unavailable (%s); pending registrations of session %s wait", type(exc).__name__, session_id
        )


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
    registration = Registration(
        session_id=session_id,
        name=data.name.strip(),
        email=email,
        organisation=data.organisation.strip(),
        role=data.role.strip(),
        language=data.language,
        status=Registration.Status.CONFIRMED,
        consent_at=now,
    )
    window = burst_window()
    rush_end = _rush_end(session_id, window)
    if rush_end is not None:
        # the session was open a moment ago (a registration found it locked); if it closes in these seconds,
        # decide_pending tells the pending people
        fast = _intake_insert(registration, now)
        if fast is not None:
            _covered(session_id, rush_end, window)
            return fast
    session = Session.objects.get(pk=session_id)
    check_open(session, now=now)
    registration.session = session
    if rush_end is not None:  # an address already on the session: the full intake refuses it or re-registers it
        return _intake(session, registration, rush_end, window)
    # with rush mode on, the lock is only tried (NOWAIT): the mail is prepared once it is ours, so a registration
    # that finds the session busy wastes nothing; without it, prepared before, so that nobody waits for our mail
    prepared = None if window > 0 else _prepare_mail(registration)
    try:
        with transaction.atomic():
            try:
                locked = _locked_session(session_id, nowait=window > 0)
            except OperationalError as exc:
                if getattr(exc.__cause__, "sqlstate", None) != "55P03":  # lock_not_available
                    raise
                raise _LockBusy() from exc
            check_open(locked)
            # one query under the lock: the seats taken, whether this address registered before, anyone pending
            found = Registration.objects.filter(session_id=session_id).aggregate(
                taken=Count("pk", filter=Q(status__in=Registration.HOLDS_SEAT)),
                existing=Max("pk", filter=Q(email__iexact=email)),
                pending=Count("pk", filter=Q(status=Registration.Status.PENDING)),
                oldest_pending=Min("created_at", filter=Q(status=Registration.Status.PENDING)),
            )
            if found["pending"]:  # people who arrived earlier, in a rush, go first
                if window > 0 and found["oldest_pending"] > now - timedelta(seconds=window + DECIDE_MARGIN + 1):
                    raise _LockBusy()  # their rush is still on: queue behind them, its decide run comes soon
                found["taken"] += _decide(locked, found["taken"])  # their run is late: do its work now
            if prepared is None:
                prepared = _prepare_mail(registration)
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
    except _LockBusy:  # somebody else is registering for this session right now: a rush has started
        return _intake(session, registration, _start_rush(session_id, window), window)


def _intake_insert(registration: Registration, now) -> Registration | None:
    """The rush path in one statement: insert the pending registration unless this address is already on the
    session (the unique index on session and upper-cased address; then None, and the full path explains or
    re-registers). No page changes, so no signals."""
    table = Registration._meta.db_table
    registration.status = Registration.Status.PENDING
    columns = ("public_id", "name", "email", "organisation", "role", "language", "status", "consent_at")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}, created_at, session_id) "
            f"VALUES ({', '.join(['%s'] * (len(columns) + 2))}) ON CONFLICT DO NOTHING RETURNING id",
            [*(getattr(registration, c) for c in columns), now, registration.session_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    registration.pk, registration.created_at = row[0], now
    registration._state.adding = False
    logger.info("registration %s on session %s: pending (rush)", registration.pk, registration.session_id)
    return registration


def _intake(session: Session, registration: Registration, rush_end: float, window: int) -> Registration:
    """In a rush: store the registration as PENDING without waiting for the session lock, and make sure
    `decide_pending` runs for it within seconds. Duplicates are refused here, as in the normal path."""
    registration.status = Registration.Status.PENDING
    existing = (
        Registration.objects.filter(session_id=session.pk, email__iexact=registration.email)
        .values_list("pk", "status")
        .first()
    )
    if existing is not None:
        pk, status = existing
        if status != Registration.Status.CANCELLED:
            raise DuplicateRegistration()
        # registering again after cancelling: the same row, a new arrival at the back of the queue
        fields = {f: getattr(registration, f) for f in ("name", "email", "organisation", "role", "language")}
        changed = Registration.objects.filter(pk=pk, status=Registration.Status.CANCELLED).update(
            **fields,
            status=Registration.Status.PENDING,
            consent_at=registration.consent_at,
            created_at=timezone.now(),
            cancelled_at=None,
            promoted_at=None,
        )
        if not changed:
            raise DuplicateRegistration()
        registration = Registration.objects.get(pk=pk)
    else:
        try:
            # bulk_create sends no post_save: a pending place changes no public page (seats left are the same)
            Registration.objects.bulk_create([registration])
        except IntegrityError as exc:
            raise DuplicateRegistration() from exc
    registration.session = session
    logger.info("registration %s on session %s: pending (rush)", registration.pk, session.pk)
    _covered(session.pk, rush_end, window)
    return registration


def decide_pending(session_id: int) -> int:
    """Give every pending registration of the session its seat or waiting-list place, in arrival order, and
    mail each. Safe to run twice and at any time; returns how many were decided."""
    with transaction.atomic():
        try:
            locked = _locked_session(session_id)
        except Session.DoesNotExist:
            return 0
        taken = Registration.objects.filter(session_id=session_id, status__in=Registration.HOLDS_SEAT).count()
        pending = Registration.objects.filter(session_id=session_id, status=Registration.Status.PENDING).count()
        if pending:
            _decide(locked, taken)
        return pending


def _decide(locked: Session, taken: int) -> int:
    """Inside the lock: decide the pending registrations (oldest first). Returns how many got a seat."""
    pending = list(
        Registration.objects.filter(session_id=locked.pk, status=Registration.Status.PENDING).order_by(
            "created_at", "id"
        )
    )
    seated = 0
    for registration in pending:
        registration.session = locked
        if locked.status == Session.Status.CANCELLED:  # cancelled in the seconds between: tell them
            registration.status = Registration.Status.CANCELLED
            registration.cancelled_at = timezone.now()
            registration.save(update_fields=["status", "cancelled_at"])
            from workshops.mail import recipient_for

            fire(Trigger.SESSION_CANCELLED, [recipient_for(registration)], scope=locked.scope)
        elif locked.capacity is not None and taken + seated >= locked.capacity:
            registration.status = Registration.Status.WAITLISTED
            registration.save(update_fields=["status"])
            _mail_registration(Trigger.WAITLISTED, registration, with_ics=False)
        else:
            registration.status = Registration.Status.CONFIRMED
            registration.save(update_fields=["status"])
            _mail_registration(Trigger.REGISTRATION_CONFIRMED, registration)
            seated += 1
        EventLog.record(
            "registered", "registration", registration.pk, session=locked.pk, status=str(registration.status), rush=True
        )
        logger.info("registration %s on session %s: %s (decided)", registration.pk, locked.pk, registration.status)
    return seated


def decide_stale(older_than_seconds: int = 10) -> int:
    """The net (beat): decide pending registrations that are older than they should ever be."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    session_ids = (
        Registration.objects.filter(status=Registration.Status.PENDING, created_at__lt=cutoff)
        .values_list("session_id", flat=True)
        .distinct()
    )
    return sum(decide_pending(session_id) for session_id in list(session_ids))


def cancel_registration(registration_id: int) -> Registration:
    """The participant cancels; a freed seat goes to the longest-waiting person."""
    with transaction.atomic():
        registration = Registration.objects.select_related("session").get(pk=registration_id)
        session = _locked_session(registration.session_id)
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        registration.session = session
        if registration.status in Registration.ACTIVE:
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
        active = list(Registration.objects.filter(session_id=session.pk, status__in=Registration.ACTIVE))
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
