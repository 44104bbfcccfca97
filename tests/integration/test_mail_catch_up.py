"""Timed mail is found by state: a tick that did not run for hours, or a session whose end was edited into the past,
still sends every due mail, exactly once. PostgreSQL, the real Redis, a real Celery worker and an SMTP sink.

Time moves by passing `now` into the tick; nothing sleeps to wait for a moment.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import OutboxMail
from events.services import schedule
from tests.smtp_sink import WORKER_TEST_MARKS, SinkServer, seed_defaults, use_sink, wait_for
from workshops.models import Registration, Session
from workshops.services import sessions

pytestmark = WORKER_TEST_MARKS
SINK_PORT = 2610

SUBJECTS = {
    "Je voorbereiding voor ": "homework",
    "Heb je even tijd voor je voorbereiding?": "nudge",
    "Praktische informatie voor ": "reminder",
    "Hoe vond je de bijeenkomst?": "evaluation",
    "Je bijeenkomst is gewijzigd": "changed",
}


def kind_of(subject: str) -> str:
    return next((kind for prefix, kind in SUBJECTS.items() if subject.startswith(prefix)), f"other: {subject}")


@pytest.fixture(autouse=True)
def defaults(transactional_db):
    seed_defaults()


def make_session(start, hours=2):
    return Session.objects.create(
        starts_at=start, ends_at=start + hours * timedelta(hours=1), meeting_url="https://meet.example.org/catch-up"
    )


def people(session, label, n=3):
    long_ago = timezone.now() - timedelta(days=60)
    regs = [
        Registration.objects.create(
            session=session,
            name=f"{label}{i} Test",
            email=f"{label.lower()}{i}@example.org",
            language="nl",
            status=Registration.Status.CONFIRMED,
            consent_at=long_ago,
        )
        for i in range(n)
    ]
    Registration.objects.filter(session=session).update(created_at=long_ago)
    return regs


def all_handled():
    return not OutboxMail.objects.filter(status__in=["queued", "sending"]).exists()


def tick(now):
    schedule.tick(now=now)
    wait_for(all_handled, message="the worker to handle every queued mail")


def test_three_hours_without_a_tick_then_one_tick_sends_every_due_mail_exactly_once(celery_worker, settings):
    now = timezone.now().replace(second=0, microsecond=0)
    ended = make_session(now - timedelta(hours=3))  # ends now - 1 h: its evaluation is due at now + 1 h
    reminder = make_session(now + timedelta(hours=26))  # 1 day before: now + 2 h
    homework = make_session(now + timedelta(days=7, hours=1))  # 7 days before: now + 1 h
    nudge = make_session(now + timedelta(days=2, minutes=30))  # 2 days before: now + 30 min
    later = make_session(now + timedelta(days=20))  # nothing due for it
    moved = make_session(now + timedelta(days=5))  # its end is edited into the past during the outage
    expected = {}
    for session, label, kinds in (
        (ended, "Ended", ["evaluation"]),
        (reminder, "Reminder", ["homework", "nudge", "reminder"]),
        (homework, "Homework", ["homework"]),
        (nudge, "Nudge", ["homework", "nudge"]),
        (later, "Later", []),
        (moved, "Moved", ["homework", "evaluation"]),
    ):
        for registration in people(session, label):
            expected[registration.email] = Counter(kinds)

    with SinkServer(SINK_PORT) as sink:
        use_sink(settings, sink.port)
        # the last tick before the outage: the mail whose moment passed already goes now (homework of the sessions
        # within 7 days, the nudge of the one within 2 days)
        tick(now - timedelta(minutes=1))
        before = sink.count()
        assert before == 3 * 2 + 3 * 1 + 3 * 1  # reminder session: homework, nudge; nudge and moved: homework
        # the beat is down for three hours; meanwhile a coordinator corrects a session that already took place
        Session.objects.filter(pk=moved.pk).update(starts_at=now - timedelta(hours=5), ends_at=now - timedelta(hours=3))
        # back: one tick sends everything that became due, once
        tick(now + timedelta(hours=3))
        wait_for(lambda: sink.count() >= 3 * 5 + before, message="the mail due during the outage")
        tick(now + timedelta(hours=3, minutes=1))
        tick(now + timedelta(hours=3, minutes=2))
        received = sink.received()

    per_person = {email: Counter() for email in expected}
    for message in received:
        per_person[message.to][kind_of(message.subject)] += 1
    assert per_person == expected
    assert len({m.message_id for m in received}) == len(received) == sum(sum(c.values()) for c in expected.values())


def test_a_session_moved_to_another_day_gets_its_reminder_again_for_the_new_day(celery_worker, settings):
    now = timezone.now().replace(second=0, microsecond=0)
    session = make_session(now + timedelta(hours=20))  # the reminder (1 day before) is due now
    (person,) = people(session, "Anna", n=1)
    with SinkServer(SINK_PORT) as sink:
        use_sink(settings, sink.port)
        tick(now)
        assert Counter(kind_of(m.subject) for m in sink.received()) == Counter(homework=1, nudge=1, reminder=1)
        # moved a week later: told at once; the mail before the start goes out again before the new day
        week = timedelta(days=7)
        outcome = sessions.save(session.pk, {"starts_at": session.starts_at + week, "ends_at": session.ends_at + week})
        assert outcome.told == 1
        # sent before the clock jumps: a tick in the simulated future would take a mail the worker is still
        # sending for one whose worker died (its claim looks a week old) and queue it again
        wait_for(all_handled, message="the change mail to be sent")
        tick(now + timedelta(minutes=1))
        tick(now + timedelta(days=7))  # the new day's reminder
        tick(now + timedelta(days=7, minutes=1))
        kinds = Counter(kind_of(m.subject) for m in sink.received())
    assert kinds == Counter(homework=2, nudge=2, reminder=2, changed=1), kinds
    assert Session.objects.get(pk=session.pk).reminder_round == 1
    assert person.email == "anna0@example.org"
