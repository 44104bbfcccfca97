"""Celery tasks of the event engine. Tasks take ids and are safe to run twice."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import DatabaseError
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# A database hiccup (failover, lock timeout) retries the task a few times within a minute; the rows themselves are
# safe either way (claimed rows are re-queued by the sweep). Short countdowns only: no long ETAs on Redis.
MAIL_TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 1,
    "retry_backoff_max": 30,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="events.tick", ignore_result=True)
def tick() -> dict:
    """Every minute (beat): insert due timed mails and hand over queued rows that are due."""
    from events.services.schedule import tick as run_tick

    return run_tick()


@shared_task(name="events.sweep", ignore_result=True)
def sweep() -> dict:
    """Every few minutes (beat): re-queue rows stuck in sending, hand over rows whose message went missing."""
    from events.services.outbox import sweep as run_sweep

    return run_sweep()


@shared_task(name="events.hand_over", ignore_result=True)
def hand_over() -> int:
    """At the end of a burst window (events.services.outbox.hand_over): publish every queued row not handed over."""
    from events.services.outbox import enqueue_due

    return enqueue_due()


@shared_task(name="events.purge_outbox", ignore_result=True)
def purge_outbox() -> int:
    """Nightly (beat): blank addresses and texts of finished mail after PURGE_PERSONAL_DATA_AFTER_DAYS."""
    from events.services.outbox import purge

    return purge(settings.PURGE_PERSONAL_DATA_AFTER_DAYS)


@shared_task(name="events.send_batch", **MAIL_TASK_OPTIONS)
def send_batch(ids: list[int]) -> dict:
    """Send a batch of outbox rows over one SMTP connection; rows another delivery already claimed are skipped."""
    from events.services.outbox import send_batch as run_send_batch

    return run_send_batch([int(pk) for pk in ids])


@shared_task(name="events.send", **MAIL_TASK_OPTIONS)
def send(outbox_id: int) -> dict:
    """Send one outbox row (claims it first; a second delivery of the same task sends nothing)."""
    from events.services.outbox import send_batch as run_send_batch

    return run_send_batch([int(outbox_id)])


@shared_task(name="events.send_test_mail", acks_late=True)
def send_test_mail(recipient: str, language: str = "nl") -> str:
    """Send one test mail, proving the path web → broker → worker → mail backend."""
    with translation.override(language):
        message = EmailMessage(
            subject=_("Test message"),
            body=_("This test message was sent by the background worker. Everything works."),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient],
        )
        message.send()
    logger.info("test mail sent by worker")
    return message.extra_headers.get("Message-ID", "") or "sent"
