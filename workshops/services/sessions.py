"""Changing a session: what the people on it are told, and saving it.

A coordinator who moves a session (start, end, place, meeting link or language) tells everyone on it: confirmed
people always, people on the waiting list when something they can see changed (time, place, language; they never
get the meeting link). `plan` answers "who would be told, about what" before anything is saved, so the admin can
say "12 people will be told" and ask to confirm; `save` writes the change under the session lock, raises the
calendar revision (`Session.sequence`), keeps the old and new values (`SessionChange`) and queues one mail per
person with ids only: the worker writes "old → new" and the updated calendar file in each person's language.
Changing only the capacity or the trainers tells nobody (a lower capacity can move people back to the waiting
list, who are then mailed: see `booking.set_capacity`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from events.api import Trigger, fire
from events.models import EventLog
from events.services import schedule
from workshops.mail import recipient_by_id
from workshops.models import SHOWN_TZ, Registration, Session, SessionChange
from workshops.services import booking

logger = logging.getLogger(__name__)

# the fields whose change participants are told about, in the order the mail lists them
TOLD_FIELDS = ("starts_at", "ends_at", "mode", "address", "meeting_url", "language")
# what people on the waiting list can see (they never get the meeting link)
SEEN_WHILE_WAITING = ("starts_at", "ends_at", "mode", "address", "language")
# every field the session form may write besides the trainers (capacity goes through booking.set_capacity)
EDITABLE_FIELDS = ("training", "lesson", *TOLD_FIELDS, "status", "is_public")
KEEP = object()  # `save(capacity=KEEP)`: leave the capacity as it is


def _stored(name: str, value):
    """A told field's value as SessionChange keeps it (JSON)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return "" if value is None else str(value)


def _told_values(session: Session) -> dict:
    return {name: _stored(name, getattr(session, name)) for name in TOLD_FIELDS}


def _normalised(name: str, value: str) -> str:
    """Differences that nobody would notice are no change: spaces and line ends in the address, seconds in a time
    (the admin's date-time field shows minutes)."""
    if name == "address":
        return " ".join(value.split())
    if name in ("starts_at", "ends_at") and value:
        return datetime.fromisoformat(value).replace(second=0, microsecond=0).isoformat()
    return value.strip()


def changed_fields(before: dict, after: dict) -> list[str]:
    return [name for name in TOLD_FIELDS if _normalised(name, before[name]) != _normalised(name, after[name])]


@dataclass(frozen=True)
class ChangePlan:
    """Who a change would reach: the changed fields, the confirmed people and the people waiting who are told."""

    changed: tuple[str, ...] = ()
    confirmed: int = 0
    waiting: int = 0
    fingerprint: str = ""
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)

    @property
    def people(self) -> int:
        return self.confirmed + self.waiting


def tells_anyone(session: Session, *, now=None) -> bool:
    """A change is announced while the session is scheduled and has not started; after that it is a correction."""
    now = now or timezone.now()
    return session.pk is not None and session.status == Session.Status.SCHEDULED and session.starts_at > now


def plan(session: Session, values: dict, *, now=None) -> ChangePlan:
    """Who would be told if `values` (new values of the told fields) replaced the stored session's. Reads the
    session as stored; `values` may name only some fields."""
    stored = Session.objects.get(pk=session.pk)
    before = _told_values(stored)
    after = {name: _stored(name, values[name]) if name in values else before[name] for name in TOLD_FIELDS}
    changed = tuple(changed_fields(before, after))
    if not changed or not tells_anyone(stored, now=now):
        return ChangePlan(changed=changed, before=before, after=after)
    statuses = [Registration.Status.CONFIRMED]
    if any(name in SEEN_WHILE_WAITING for name in changed):
        statuses.append(Registration.Status.WAITLISTED)
    counts = dict(
        Registration.objects.filter(session_id=stored.pk, status__in=statuses)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    digest = hashlib.sha256(
        json.dumps([stored.pk, stored.sequence, before, after], sort_keys=True).encode("utf-8")
    ).hexdigest()[:20]
    return ChangePlan(
        changed=changed,
        confirmed=counts.get(Registration.Status.CONFIRMED, 0),
        waiting=counts.get(Registration.Status.WAITLISTED, 0),
        fingerprint=digest,
        before=before,
        after=after,
    )


@dataclass
class Outcome:
    session: Session
    told: int = 0
    changed: tuple[str, ...] = ()
    promoted: list = field(default_factory=list)
    demoted: list = field(default_factory=list)


def save(
    session_id: int,
    values: dict,
    *,
    trainers=None,
    capacity=KEEP,
    demote: bool = False,
) -> Outcome:
    """Save a coordinator's change of a session and tell the people on it (see the module doc).

    `values` holds new values for fields of EDITABLE_FIELDS (others are ignored); `trainers` the new trainers or
    None; `capacity` a new capacity (None is unlimited). Lowering the capacity below the confirmed count keeps
    everyone unless `demote`: then the latest confirmed people move back to the waiting list and are mailed.
    Returns how many people are told and who moved."""
    with transaction.atomic():
        session = booking.lock_session(session_id)
        before = _told_values(session)
        announce = tells_anyone(session)
        start_day = session.starts_at.astimezone(SHOWN_TZ).date()
        for name, value in values.items():
            if name not in EDITABLE_FIELDS:
                continue
            if name in ("training", "lesson"):
                setattr(session, f"{name}_id", getattr(value, "pk", value))
            else:
                setattr(session, name, value)
        after = _told_values(session)
        changed = tuple(changed_fields(before, after))
        outcome = Outcome(session=session, changed=changed)
        if changed and announce:
            session.sequence += 1
            if session.starts_at.astimezone(SHOWN_TZ).date() != start_day:
                session.reminder_round += 1  # the mail planned before the start goes out again for the new day
        session.save()
        if trainers is not None:
            session.trainers.set(trainers)
        if changed and announce:
            outcome.told = _tell(session, changed, before, after)
        if {"starts_at", "ends_at"} & set(changed):
            transaction.on_commit(schedule.rescan)  # the next tick looks for moments the new times put behind us
        if capacity is not KEEP and capacity != session.capacity:
            moved = booking.set_capacity(session.pk, capacity, demote=demote)
            session.capacity = capacity
        else:
            moved = booking.promote_waiting(session.pk)  # e.g. back to scheduled, or a seat freed elsewhere
        if moved and moved[0].status == Registration.Status.WAITLISTED:
            outcome.demoted = moved
        else:
            outcome.promoted = moved
        EventLog.record(
            "session_changed" if changed else "session_saved",
            "session",
            session.pk,
            fields=list(changed),
            told=outcome.told,
            sequence=session.sequence,
        )
        return outcome


def _tell(session: Session, changed: tuple[str, ...], before: dict, after: dict) -> int:
    """Inside the lock: keep the change, queue one mail (ids only) per confirmed or waiting person."""
    SessionChange.objects.create(
        session=session,
        sequence=session.sequence,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
    )
    statuses = [Registration.Status.CONFIRMED]
    if any(name in SEEN_WHILE_WAITING for name in changed):
        statuses.append(Registration.Status.WAITLISTED)
    people = list(Registration.objects.filter(session_id=session.pk, status__in=statuses).order_by("created_at", "id"))
    if people:
        fire(
            Trigger.SESSION_CHANGED,
            [recipient_by_id(registration) for registration in people],
            scope=session.scope,
            training_key=session.training_key,
            occurrence=f"v{session.sequence}",
        )
    logger.info("session %s changed (%s): %s people told", session.pk, ",".join(changed), len(people))
    return len(people)
