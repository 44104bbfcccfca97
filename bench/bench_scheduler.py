"""Scheduler: the minute tick on large tables (100,000 sessions, 1,000,000 registrations).

Figures: one tick with nothing due (target ≤ 20 ms; floor: a `SELECT 1` round trip), and one tick with 3,000 mails
due (1,000 people whose homework, nudge and reminder moments have all passed) on the large tables against the same
on near-empty tables (target ≤ 2×: the cost follows the due work, not the table sizes). Due mail is found by state
(moment passed, no outbox row yet, within the catch-up horizon), so the large tables start in the steady state of a
running site: every mail that was due has its outbox row. The EXPLAIN of the provider's query is printed to show
the indexes in use."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from bench.core import Result
from bench.data import copy_rows


def _truncate():
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE events_outboxmail, events_eventlog, workshops_registration, workshops_session CASCADE")


def _reset_watermarks(now):
    from events.models import MailRule

    MailRule.objects.filter(is_active=True).update(checked_until=now - timedelta(minutes=1))


def _fill(sessions: int, per_session: int, base):
    """Sessions on whole hours spread over ±2 years; registrations made long ago."""
    from workshops.models import Registration, Session

    span_hours = 2 * 365 * 24
    step = max(1, (2 * span_hours) // sessions)

    hour = base.replace(minute=0)

    def session_rows():
        for i in range(sessions):
            start = hour + timedelta(hours=-span_hours + i * step)
            yield {
                "starts_at": start,
                "ends_at": start + timedelta(hours=2),
                "status": "scheduled",
                "language": "nl",
                "mode": "online",
                "is_public": True,
                "capacity": None,
                "created_at": base - timedelta(days=800),
            }

    copy_rows(Session, session_rows())
    ids = list(Session.objects.order_by("id").values_list("id", flat=True))
    long_ago = base - timedelta(days=800)

    def registration_rows():
        n = 0
        for sid in ids:
            for j in range(per_session):
                n += 1
                yield {
                    "session_id": sid,
                    "name": f"Deelnemer {n}",
                    "email": f"p{n}@example.org",
                    "language": "en" if j % 3 == 0 else "nl",
                    "status": "confirmed",
                    "consent_at": long_ago,
                    "created_at": long_ago,
                }

    copy_rows(Registration, registration_rows())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workshops_session; ANALYZE workshops_registration;")


def _make_due(now, count_sessions=100, per_session=10):
    """Sessions starting in the reminder rule's window of this tick (1 day ahead), fully booked."""
    from workshops.models import Registration, Session

    start = now + timedelta(days=1) - timedelta(seconds=20)
    sessions = Session.objects.bulk_create(
        [Session(starts_at=start, ends_at=start + timedelta(hours=2), language="nl") for _ in range(count_sessions)]
    )
    long_ago = now - timedelta(days=30)
    Registration.objects.bulk_create(
        [
            Registration(
                session=s,
                name=f"Late {s.pk}-{j}",
                email=f"due{s.pk}-{j}@example.org",
                language="nl",
                status="confirmed",
                consent_at=long_ago,
            )
            for s in sessions
            for j in range(per_session)
        ]
    )
    Registration.objects.filter(session__in=sessions).update(created_at=long_ago)
    return sessions


def _settle(now):
    """The steady state of a running site: every mail due by `now` has its outbox row (sent)."""
    from events.models import OutboxMail
    from events.services.schedule import rescan, tick

    # A full look, whatever an earlier tick of this run (part 1, at the real time) noted as its last full look:
    # when part 1's look was less than MAIL_FULL_SCAN_MINUTES before `now`, this tick skipped the full look and the
    # first tick after that window found all the due work at once (the "550 created" of a run at 13:21).
    rescan()
    tick(now)
    OutboxMail.objects.update(status="sent", enqueued_at=now, sent_at=now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE events_outboxmail;")


RULES_DUE_PER_PERSON = 3  # homework (7 days before, send late), nudge (2 days) and reminder (1 day)


def _timed_tick(now) -> tuple[float, dict]:
    from events.services.schedule import tick

    started = time.perf_counter()
    result = tick(now)
    return (time.perf_counter() - started) * 1000, result


def _explain(now) -> str:
    from events.api import Audience
    from workshops.mail import SessionMailProvider

    provider = SessionMailProvider()
    qs = provider.pending(
        trigger="before_start",
        offset=timedelta(days=1),
        audience=Audience.CONFIRMED,
        training_key=None,
        now=now,
        send_late=True,
        rule_key="reminder",
    )
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _floor_ms(repeat=50) -> float:
    samples = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            t = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def _purge_broker():
    from cms.celery import app

    try:
        app.control.purge()
    except Exception:
        pass


def run(smoke: bool) -> list[Result]:
    sessions, per_session = (2_000, 10) if smoke else (100_000, 10)
    due_sessions = 10 if smoke else 100
    # half past an hour that is at least 30 minutes ago: every tick below (up to base + 25 minutes) lies in the
    # past, as the ticks of a running beat do; before the whole hour, "this hour's :30" was still to come and a run
    # then found work due that no real tick would have met
    base = (timezone.now() - timedelta(hours=1)).replace(minute=30, second=0, microsecond=0)

    # 1. the due work on near-empty tables
    _truncate()
    now = timezone.now()
    _make_due(now, due_sessions)
    _reset_watermarks(now)
    small_ms, small = _timed_tick(now)
    _purge_broker()

    # 2. fill the large tables
    _truncate()
    started = time.perf_counter()
    _fill(sessions, per_session, base)
    fill_seconds = time.perf_counter() - started
    print(
        f"bench: scheduler filled {sessions:,} sessions and {sessions * per_session:,} registrations "
        f"in {fill_seconds:.1f}s",
        flush=True,
    )

    # 3. ticks with nothing due: successive minutes at :30-:50, when no moment passes (sessions start on whole
    # hours), after the mail due until then went out
    _reset_watermarks(base)
    _settle(base)
    _purge_broker()
    samples = []
    for minute in range(1, 11 if smoke else 21):
        tick_now = base + timedelta(minutes=minute)
        ms, result = _timed_tick(tick_now)
        assert result["created"] == 0, result
        samples.append(ms)
    nothing_ms = statistics.median(samples[1:])
    floor = _floor_ms()

    # 4. the same due work on the large tables (in the minute after the last tick above)
    now = base + timedelta(minutes=25)
    _make_due(now, due_sessions)
    _reset_watermarks(now)
    big_ms, big = _timed_tick(now)
    _purge_broker()
    plan = _explain(now)
    print("bench: EXPLAIN of the provider query (reminder rule, one minute window):\n" + plan, flush=True)
    uses_index = "Index" in plan and "Seq Scan on workshops_session" not in plan

    due = due_sessions * per_session * RULES_DUE_PER_PERSON
    return [
        Result(
            "scheduler: tick, nothing due",
            nothing_ms,
            floor,
            "ms",
            "≤ 20 ms",
            nothing_ms <= 20,
            f"{sessions:,} sessions / {sessions * per_session:,} registrations",
        ),
        Result(
            f"scheduler: tick, {due:,} due, large vs empty tables",
            big_ms,
            small_ms,
            "ms",
            "≤ 2 × floor",
            big_ms <= 2 * small_ms and big["created"] == due and small["created"] == due,
            f"created {small['created']} / {big['created']}; index used: {uses_index}",
        ),
    ]
