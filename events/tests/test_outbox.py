"""The outbox: fire inserts each mail once, sends after commit, in the participant's language."""

import smtplib
from datetime import timedelta

import pytest
from django.utils import timezone

from events.api import Attachment, Trigger, fire
from events.models import EventLog, OutboxMail
from events.services import outbox
from tests.smtp_sink import seed_defaults
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


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user")}), "permanent"),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (451, b"later")}), "temporary"),
        (smtplib.SMTPDataError(554, b"rejected"), "permanent"),
        (smtplib.SMTPSenderRefused(421, b"busy", "x@example.org"), "temporary"),
        (smtplib.SMTPServerDisconnected("gone"), "connection"),
        (ConnectionRefusedError(111, "refused"), "connection"),
        (TimeoutError(), "connection"),
    ],
)
def test_smtp_errors_are_classified_by_their_code(exc, kind):
    assert outbox.classify(exc) == kind


def test_unreachable_server_postpones_the_rest_of_the_batch(session, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 2534, 2  # nothing listens
    regs = [register(session, name=f"P{i} X", email=f"p{i}@example.org") for i in range(3)]
    fire(Trigger.REGISTRATION_CONFIRMED, [recipient_for(r) for r in regs], scope=f"session:{session.pk}")
    ids = list(OutboxMail.objects.order_by("id").values_list("pk", flat=True))
    assert outbox.send_batch(ids) == {"connection": 1, "postponed": 2}
    rows = list(OutboxMail.objects.order_by("id"))
    assert [r.status for r in rows] == ["queued"] * 3
    assert [r.attempts for r in rows] == [1, 0, 0]
    assert all(r.enqueued_at is None and r.due_at > timezone.now() for r in rows)


def test_purge_blanks_personal_data_of_old_finished_mail(session):
    reg = register(session)
    fire(Trigger.REGISTRATION_CONFIRMED, [recipient_for(reg)], scope=f"session:{session.pk}")
    outbox.send_batch(list(OutboxMail.objects.values_list("pk", flat=True)))
    assert outbox.purge(90) == 0
    assert outbox.purge(90, now=timezone.now() + timedelta(days=91)) == 1
    row = OutboxMail.objects.get()
    assert (row.to_email, row.context, row.body_text, row.status) == ("", {}, "", "sent")
    assert "anna" not in repr(row.context).lower()


@pytest.fixture
def dead_broker_publish():
    """Publishing through a Celery app whose broker does not answer: a local port nothing listens on (one the system
    just handed out and that was closed again; a fixed port may hold another Redis, e.g. an operator's drill)."""
    import socket

    from celery import Celery

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    dead = Celery("dead-broker", broker=f"redis://127.0.0.1:{closed_port}/0", set_as_current=False)
    dead.conf.broker_connection_timeout = 1
    dead.conf.broker_connection_max_retries = 1
    dead.conf.task_publish_retry_policy = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1}
    yield lambda chunk: dead.send_task("events.send_batch", args=[chunk])
    dead.close()


def test_a_broker_that_is_down_loses_no_mail(session, dead_broker_publish, caplog):
    reg = register(session)
    fire(Trigger.REGISTRATION_CONFIRMED, [recipient_for(reg)], scope=f"session:{session.pk}")
    row = OutboxMail.objects.get()
    assert outbox.enqueue([row.pk], publish=dead_broker_publish) == 0  # publishing fails: nothing raised
    row.refresh_from_db()
    assert row.status == "queued" and row.enqueued_at is None  # still there for the sweep
    assert "broker unavailable" in caplog.text and "anna" not in caplog.text.lower()
    assert outbox.sweep()["enqueued"] == 1  # the sweep finds it and hands it over (after commit)
