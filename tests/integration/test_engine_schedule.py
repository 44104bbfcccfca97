"""The event engine end to end: PostgreSQL (or SQLite), the real Redis, a real Celery worker and a local SMTP sink.

Time moves forward by passing `now` into the tick service; nothing sleeps to wait for a moment to arrive.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from events.api import Trigger, fire
from events.models import OutboxMail
from events.services import outbox, schedule
from tests.smtp_sink import (
    PORTS,
    WORKER_TEST_MARKS,
    SinkServer,
    seed_defaults,
    use_sink,
    wait_for,
)
from workshops.mail import recipient_for
from workshops.models import Registration, Session

pytestmark = WORKER_TEST_MARKS


@pytest.fixture(autouse=True)
def defaults(transactional_db):
    seed_defaults()


SUBJECTS = {
    "homework": {"nl": "Je voorbereiding voor ", "en": "Your preparation for "},
    "nudge": {"nl": "Heb je even tijd voor je voorbereiding?", "en": "Do you have a moment for your preparation?"},
    "reminder": {"nl": "Praktische informatie voor ", "en": "Practical information for "},
    "evaluation": {"nl": "Hoe vond je de bijeenkomst?", "en": "How was the session?"},
}


def kind_of(subject: str) -> str:
    for kind, by_language in SUBJECTS.items():
        for language, prefix in by_language.items():
            if subject.startswith(prefix):
                return f"{kind}:{language}"
    return "other"


def all_handled():
    return not OutboxMail.objects.filter(status__in=["queued", "sending"]).exists()


def make_session(start):
    return Session.objects.create(
        starts_at=start, ends_at=start + timedelta(hours=2), meeting_url="https://meet.example.org/team-tool"
    )


def add_registration(session, i, language, created_at):
    reg = Registration.objects.create(
        session=session,
        name=f"Deelnemer{i} Test",
        email=f"p{i}@example.org",
        language=language,
        status=Registration.Status.CONFIRMED,
        consent_at=created_at,
    )
    Registration.objects.filter(pk=reg.pk).update(created_at=created_at)
    return reg


def step(now, sink_expected=None, sink=None):
    schedule.tick(now=now)
    wait_for(all_handled, message="the worker to handle every queued mail")
    if sink_expected is not None:
        wait_for(lambda: sink.count() >= sink_expected, message=f"{sink_expected} mails at the sink")


def test_fifty_registrants_get_each_mail_once_in_their_language(celery_worker, settings):
    start = (timezone.now() + timedelta(days=30)).replace(second=0, microsecond=0)
    session = make_session(start)
    people = {}
    for i in range(50):
        language = "en" if i % 2 else "nl"
        reg = add_registration(session, i, language, created_at=start - timedelta(days=20))
        people[reg.email] = language
    prepared = set(list(people)[:10])  # ten open their homework before the nudge
    with SinkServer(PORTS["schedule"]) as sink:
        use_sink(settings, sink.port)
        step(start - timedelta(days=8))
        assert sink.count() == 0
        step(start - timedelta(days=7) + timedelta(minutes=1), 50, sink)
        step(start - timedelta(days=7) + timedelta(minutes=2))  # the next minute: nothing new
        Registration.objects.filter(email__in=prepared).update(homework_opened_at=timezone.now())
        step(start - timedelta(days=2) + timedelta(minutes=1), 90, sink)  # the nudge: 40 not prepared
        step(start - timedelta(days=1) + timedelta(minutes=1), 140, sink)
        step(start + timedelta(hours=1))  # during the session: nothing
        step(start + timedelta(hours=4, minutes=1), 190, sink)
        step(start + timedelta(hours=4, minutes=2))
        received = sink.received()

    assert len(received) == 190
    per_person = {email: Counter() for email in people}
    for mail in received:
        per_person[mail.to][kind_of(mail.subject)] += 1
    for email, language in people.items():
        counts = per_person[email]
        assert counts[f"homework:{language}"] == 1, (email, counts)
        assert counts[f"reminder:{language}"] == 1, (email, counts)
        assert counts[f"evaluation:{language}"] == 1, (email, counts)
        assert counts[f"nudge:{language}"] == (0 if email in prepared else 1), (email, counts)
        assert counts["other"] == 0
        other_language = "nl" if language == "en" else "en"
        assert not any(key.endswith(other_language) for key in counts), (email, counts)
    assert len({m.message_id for m in received}) == 190
    assert OutboxMail.objects.filter(status="sent").count() == 190
    english = next(m for m in received if m.language == "en" and kind_of(m.subject) == "reminder:en")
    assert "https://meet.example.org/team-tool" in english.text and "full name" in english.text


def test_same_send_task_delivered_twice_sends_one_mail(celery_worker, settings):
    from events.tasks import send

    session = make_session(timezone.now() + timedelta(days=10))
    reg = add_registration(session, 1, "en", timezone.now())
    rule = outbox.rules_for(Trigger.REGISTRATION_CONFIRMED, None)[0]
    [pk] = outbox.insert_rows([outbox.build_row(rule, f"session:{session.pk}", recipient_for(reg))])
    with SinkServer(PORTS["twice"]) as sink:
        use_sink(settings, sink.port)
        first = send.delay(pk)
        second = send.delay(pk)
        results = [first.get(timeout=30), second.get(timeout=30)]
        assert sorted(results, key=str) == sorted([{"sent": 1}, {"skipped": 1}], key=str)
        fire(Trigger.REGISTRATION_CONFIRMED, [recipient_for(reg)], scope=f"session:{session.pk}")  # a repeat fire
        outbox.sweep(now=timezone.now() + timedelta(hours=1))
        wait_for(all_handled, message="the worker to settle")
        assert [m.to for m in sink.received()] == ["p1@example.org"]
        assert sink.received()[0].subject == "Your registration is confirmed"


def test_late_registrant_gets_homework_and_after_start_registrant_no_reminder(celery_worker, settings):
    start = (timezone.now() + timedelta(days=30)).replace(second=0, microsecond=0)
    session = make_session(start)
    add_registration(session, 1, "nl", start - timedelta(days=20))
    with SinkServer(PORTS["late"]) as sink:
        use_sink(settings, sink.port)
        step(start - timedelta(days=8))
        step(start - timedelta(days=7) + timedelta(minutes=1), 1, sink)
        late = add_registration(session, 2, "en", start - timedelta(days=3))
        step(start - timedelta(days=3) + timedelta(minutes=1), 2, sink)
        assert [kind_of(m.subject) for m in sink.received() if m.to == late.email] == ["homework:en"]
        step(start - timedelta(days=1) + timedelta(minutes=1), 6, sink)
        very_late = add_registration(session, 3, "nl", start + timedelta(minutes=15))
        step(start + timedelta(minutes=16))
        step(start + timedelta(minutes=17))
        received = sink.received()
    assert [kind_of(m.subject) for m in received if m.to == late.email] == ["homework:en", "nudge:en", "reminder:en"]
    assert [m for m in received if m.to == very_late.email] == []
    assert not OutboxMail.objects.filter(recipient_key=f"registration:{very_late.pk}").exists()
