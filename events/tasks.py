"""Celery tasks of the event engine."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


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
