"""The outbox: fire inserts each mail once, sends after commit, in the participant's language."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.api import Attachment, Trigger, fire
from events.models import EventLog, OutboxMail
from events.services import outbox
from tests.integration.test_engine_smtp_sink import seed_defaults
from workshops.mail import recipient_for
from workshops.models import Registration, Session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def defaults(db):
    seed_defaults()  # the seeded rules, also after a transactional test elsewhere flushed the database


@pytest.fixture
def session():
    start = timezone.now() + timedelta(days=10)
    return Session.objects.create(
        starts_at=start, ends_at=start + timedelta(hours=2), meeting_url="https://meet.example.org/xyz"
    )


def register(session, name="Anna de Vries", email="anna@example.org", language="nl", **extra):
    return Registration.objects.create(
        session=session,
        name=name,
        email=email,
        language=language,
        status=Registration.Status.CONFIRMED,
        consent_at=timezone.now(),
        **extra,
    )


def test_fire_creates_one_row_and_hands_it_over_only_after_commit(session, django_capture_on_commit_callbacks):
    reg = register(session)
    ics = Attachment("session.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        created = fire(
            Trigger.REGISTRATION_CONFIRMED,
            [recipient_for(reg, attachments=(ics,))],
            scope=f"session:{session.pk}",
            training_key=None,
        )
    assert created == 1
    assert len(callbacks) == 1  # the send task is published after commit, not before
    row = OutboxMail.objects.get()
    assert (row.rule_key, row.scope, row.recipient_key, row.status) == (
        "confirmation",
        f"session:{session.pk}",
        f"registration:{reg.pk}",
        "queued",
    )
    assert row.enqueued_at is None


def test_second_fire_with_the_same_key_inserts_nothing(session, django_capture_on_commit_callbacks):
    reg = register(session)
    with django_capture_on_commit_callbacks(execute=False):
        assert fire(Trigger.REGISTRATION_CONFIRMED, [recipient_for(reg)], scope=f"session:{session.pk}") == 1
        assert fire(Trigger.REGISTRATION_CONFIRMED, [recipient_for(reg)], scope=f"session:{session.pk}") == 0
    assert OutboxMail.objects.count() == 1


def test_send_delivers_in_the_participants_language_with_attachment_once(session, mailoutbox):
    en = register(session, name="John Smith", email="john@example.org", language="en")
    nl = register(session, name="Anna de Vries", email="anna@example.org", language="nl")
    ics = Attachment("session.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    fire(
        Trigger.REGISTRATION_CONFIRMED,
        [recipient_for(en, attachments=(ics,)), recipient_for(nl)],
        scope=f"session:{session.pk}",
    )
    ids = list(OutboxMail.objects.order_by("id").values_list("pk", flat=True))
    assert outbox.send_batch(ids) == {"sent": 2}
    assert outbox.send_batch(ids) == {"skipped": 2}  # a second delivery of the same task sends nothing
    by_to = {m.to[0]: m for m in mailoutbox}
    assert set(by_to) == {"john@example.org", "anna@example.org"}
    assert by_to["john@example.org"].subject == "Your registration is confirmed"
    assert "Dear John," in by_to["john@example.org"].body
    assert by_to["john@example.org"].attachments[0][0] == "session.ics"
    assert by_to["anna@example.org"].subject == "Je aanmelding is bevestigd"
    assert "Beste Anna," in by_to["anna@example.org"].body
    html = by_to["anna@example.org"].alternatives[0][0]
    assert 'style="' in html and "<style" not in html  # CSS inlined
    assert "/en/" in by_to["john@example.org"].body  # the English manage link lives under /en/
    row = OutboxMail.objects.get(to_email="john@example.org")
    assert row.status == "sent" and row.message_id and row.subject == "Your registration is confirmed"
    assert EventLog.objects.filter(action="mail_sent").count() == 2
