"""End to end with a real Celery worker on Redis: an English registration through the public form is mailed in
English, once, with a calendar attachment that parses back to the session's times."""

import icalendar
import pytest
from django.urls import reverse
from django.utils import translation

from events.models import OutboxMail
from tests.factories import make_session, make_training
from tests.smtp_sink import seed_defaults, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_english_registration_is_confirmed_by_the_worker_in_english(client, home_page, celery_worker, mailoutbox):
    seed_defaults()  # transactional tests flush the seeded mail rules
    session = make_session(make_training(home_page), capacity=5)
    with translation.override("en"):
        url = reverse("workshops:register", args=[session.pk])
    response = client.post(
        url, {"name": "Emma Smith", "email": "emma@example.org", "language": "en", "consent": "on", "website": ""}
    )
    assert response.status_code == 302
    wait_for(lambda: OutboxMail.objects.filter(status=OutboxMail.Status.SENT).exists(), message="the mail to be sent")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["emma@example.org"]
    assert message.subject == "Your registration is confirmed"
    assert "Dear Emma" in message.body
    attachment = next(a for a in message.attachments if a[0].endswith(".ics"))
    calendar = icalendar.Calendar.from_ical(attachment[1])
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["method"]) == "REQUEST"
    assert event.decoded("dtstart") == session.starts_at
    assert event.decoded("dtend") == session.ends_at
    assert str(event["summary"]) == "Qpido session"  # neutral in English: a calendar is often seen by others
