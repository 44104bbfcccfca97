"""Delivery under trouble: a worker killed mid-batch, an SMTP server deferring (4xx) or refusing (5xx) mail."""

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from events.api import Trigger, fire
from events.models import MailRule, OutboxMail
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

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def defaults(transactional_db):
    seed_defaults()


def make_registrations(count, prefix="p"):
    start = timezone.now() + timedelta(days=14)
    session = Session.objects.create(
        starts_at=start, ends_at=start + timedelta(hours=2), meeting_url="https://meet.example.org/x"
    )
    regs = [
        Registration(
            session=session,
            name=f"Deelnemer{i} Test",
            email=f"{prefix}{i}@example.org",
            language="en" if i % 2 else "nl",
            status=Registration.Status.CONFIRMED,
            consent_at=timezone.now(),
        )
        for i in range(count)
    ]
    Registration.objects.bulk_create(regs)
    return session, list(session.registrations.order_by("id"))


def statuses():
    return Counter(OutboxMail.objects.values_list("status", flat=True))


# --- (c) the worker process killed in the middle of a batch ----------------------------------------------------
def _worker_env(port):
    db = django_settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": django_settings.CELERY_BROKER_URL,
            "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
        }
    )
    return env


def _start_worker(env, name, log):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cms", "worker", "--pool", "solo", "--concurrency", "1",
         "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}@%h"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip


def _stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.skipif(
    not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the worker subprocess shares the test database, which needs PostgreSQL",
)
def test_worker_killed_mid_batch_loses_nothing_and_duplicates_at_most_the_mail_in_flight(redis_url, tmp_path):
    import redis

    from cms.celery import app

    app.control.purge()
    broker = redis.Redis.from_url(redis_url)
    broker.delete("unacked", "unacked_index")
    session, regs = make_registrations(240)
    fire(Trigger.REGISTRATION_CONFIRMED, [recipient_for(r) for r in regs], scope=f"session:{session.pk}")
    assert OutboxMail.objects.filter(status="queued", enqueued_at__isnull=False).count() == 240

    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
    first = second = None
    with SinkServer(PORTS["kill"]) as sink:
        env = _worker_env(sink.port)
        sink.delay = 0.02  # a little time per mail, so the kill lands inside a batch
        try:
            first = _start_worker(env, "kill-1", log)
            wait_for(lambda: sink.count() >= 70, timeout=120, message="the first worker to send 70 mails")
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=20)
            killed_at = timezone.now()
            at_kill = statuses()
            # the killed worker's claimed batch waits in `sending` (at most one batch; one mail of it in flight)
            assert at_kill["sent"] < 240 and at_kill["sending"] <= outbox.BATCH_SIZE, at_kill

            second = _start_worker(env, "kill-2", log)
            # The killed batch's message is not redelivered before Redis' visibility timeout; nobody renews the
            # claim of its rows any more, so the sweep finds them once the lease lapses: run it as it would then.
            result = outbox.sweep(now=killed_at + outbox.CLAIM_LEASE + timedelta(seconds=1))
            assert result["enqueued"] > 0
            wait_for(lambda: statuses()["sent"] == 240, timeout=180, message="every row to be sent")
            wait_for(lambda: sink.count() >= 240, timeout=30, message="every mail at the sink")
        finally:
            for process in (first, second):
                if process is not None:
                    _stop(process)
            log.close()
            app.control.purge()
            broker.delete("unacked", "unacked_index")
        received = Counter(m.to for m in sink.received())

    assert set(received) == {r.email for r in regs}  # none lost
    duplicated = [address for address, n in received.items() if n > 1]
    assert len(duplicated) <= 1 and max(received.values()) <= 2, received.most_common(3)
    assert statuses() == Counter({"sent": 240})


# --- (d) temporary and permanent SMTP errors ---------------------------------------------------------------------
def test_deferred_mail_is_delivered_once_the_server_accepts_again(celery_worker, settings):
    session, regs = make_registrations(5, prefix="d")
    with SinkServer(PORTS["errors"]) as sink:
        use_sink(settings, sink.port)
        sink.temporary_failure = True
        fire(Trigger.REGISTRATION_CONFIRMED, [recipient_for(r) for r in regs], scope=f"session:{session.pk}")
        wait_for(
            lambda: OutboxMail.objects.filter(status="queued", attempts=1, enqueued_at__isnull=True).count() == 5,
            message="five deferred mails",
        )
        row = OutboxMail.objects.first()
        assert "451" in row.last_error and "@" not in row.last_error
        assert row.due_at > timezone.now()  # waits for its retry moment; no long ETA on the broker
        schedule.tick(now=timezone.now() + timedelta(minutes=2))  # the first retry: still deferred
        wait_for(
            lambda: OutboxMail.objects.filter(status="queued", attempts=2, enqueued_at__isnull=True).count() == 5,
            message="five mails deferred twice",
        )
        assert sink.count() == 0
        sink.temporary_failure = False
        schedule.tick(now=timezone.now() + timedelta(minutes=10))
        wait_for(lambda: statuses()["sent"] == 5, message="the five mails to be sent")
        assert sorted(m.to for m in sink.received()) == sorted(r.email for r in regs)
    assert set(OutboxMail.objects.values_list("attempts", flat=True)) == {3}


def test_mail_deferred_past_the_cap_fails(celery_worker, settings):
    MailRule.objects.filter(trigger__in=Trigger.TIMED).update(is_active=False)  # only the deferred mail moves
    session, regs = make_registrations(1, prefix="cap")
    now = timezone.now()
    with SinkServer(PORTS["cap"]) as sink:
        use_sink(settings, sink.port)
        sink.temporary_failure = True
        fire(Trigger.REGISTRATION_CONFIRMED, [recipient_for(regs[0])], scope=f"session:{session.pk}")
        for attempt in range(1, outbox.MAX_ATTEMPTS):
            wait_for(
                lambda a=attempt: OutboxMail.objects.filter(attempts=a, status="queued").exists(),
                message=f"attempt {attempt}",
            )
            schedule.tick(now=now + timedelta(days=attempt))
        wait_for(lambda: statuses()["failed"] == 1, message="the mail to fail after the last attempt")
    assert OutboxMail.objects.get().attempts == outbox.MAX_ATTEMPTS


def test_refused_mail_is_failed_and_shown_in_the_admin(celery_worker, settings, admin_client):
    session, regs = make_registrations(2, prefix="r")
    with SinkServer(PORTS["refused"]) as sink:
        use_sink(settings, sink.port)
        sink.refuse.add(regs[0].email)
        fire(Trigger.REGISTRATION_CONFIRMED, [recipient_for(r) for r in regs], scope=f"session:{session.pk}")
        wait_for(lambda: statuses() == Counter({"failed": 1, "sent": 1}), message="one failed, one sent")
        assert [m.to for m in sink.received()] == [regs[1].email]
    failed = OutboxMail.objects.get(status="failed")
    assert failed.to_email == regs[0].email and failed.attempts == 1
    assert "550" in failed.last_error and regs[0].email not in failed.last_error
    page = admin_client.get(reverse("wagtailsnippets_events_outboxmail:list") + "?status=failed").content.decode()
    assert "550" in page and failed.rule.name in page  # the rule by its name, not its key
