"""A burst of registrations: mail is handed to the worker in a few collective messages, and everyone still gets
exactly one mail (events.services.outbox.hand_over, OUTBOX_HAND_OVER_WINDOW)."""

from collections import Counter

import pytest
from celery.signals import before_task_publish

from events.models import OutboxMail
from tests.factories import make_session, make_training, person
from tests.smtp_sink import WORKER_TEST_MARKS, SinkServer, seed_defaults, use_sink, wait_for
from workshops.models import Registration
from workshops.services import booking

pytestmark = WORKER_TEST_MARKS


@pytest.fixture
def published():
    """The names of the Celery tasks this process publishes while the test runs."""
    names = []

    def count(sender=None, **kwargs):
        names.append(sender)

    before_task_publish.connect(count, weak=False)
    yield names
    before_task_publish.disconnect(count)


def _burst(home_page, count, capacity):
    seed_defaults()
    session = make_session(make_training(home_page), capacity=capacity)
    for n in range(count):
        booking.register(session.pk, person(n, language="en" if n % 2 else "nl"))
    return session


@pytest.mark.parametrize("window", [0, 2])
def test_a_burst_of_registrations_mails_everyone_once(celery_worker, settings, home_page, published, window):
    settings.OUTBOX_HAND_OVER_WINDOW = window
    from django.core.cache import cache

    cache.delete("events:outbox:hand-over")
    with SinkServer(2541) as sink:
        use_sink(settings, sink.port)
        session = _burst(home_page, count=30, capacity=10)
        assert Counter(session.registrations.values_list("status", flat=True)) == {
            Registration.Status.CONFIRMED: 10,
            Registration.Status.WAITLISTED: 20,
        }
        wait_for(lambda: sink.count() >= 30, timeout=60, message="30 mails at the sink")
        wait_for(lambda: not OutboxMail.objects.exclude(status="sent").exists(), message="every row sent")
    received = Counter(message.to for message in sink.received())
    assert received == Counter({f"person{n}@example.org": 1 for n in range(30)})
    subjects = {message.to: message.subject for message in sink.received()}
    assert "waiting list" in subjects["person11@example.org"].lower()  # English, on the waiting list
    assert "wachtlijst" in subjects["person12@example.org"].lower()  # Dutch, on the waiting list
    batches = published.count("events.send_batch")
    if window:
        # the first registration is handed over at once; the others wait for a collective hand-over (one, or a
        # few on a machine so slow that the 30 bookings outlast the window)
        assert published.count("events.hand_over") >= 1
        assert batches + published.count("events.hand_over") <= 8, published
    else:
        assert batches == 30  # one message per registration
