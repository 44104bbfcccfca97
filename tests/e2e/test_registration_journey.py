"""A professional registers for a training, reads the confirmation from the outbox, opens the link and cancels."""

import datetime
import re

from django.core import mail
from django.utils import timezone, translation

from tests.e2e.conftest import JOURNEY
from tests.e2e.privacy import (
    assert_event_log_is_clean,
    assert_text_is_clean,
    assert_urls_are_clean,
)

pytestmark = JOURNEY

NEUTRAL_SUBJECT_WORDS = ("sexting", "grooming", "sextortion", "seks")


def future_session(training, **extra):
    from workshops.models import Session

    start = timezone.now() + datetime.timedelta(days=12)
    values = dict(
        training=training,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        mode=Session.Mode.ONLINE,
        meeting_url="https://meet.example.org/qpido-room",
        capacity=8,
        language="nl",
        is_public=True,
    )
    values.update(extra)
    return Session.objects.create(**values)


def deliver_outbox():
    """Send what the outbox holds, as the worker would (a real worker may already have sent it: claims are safe)."""
    from events.models import OutboxMail
    from events.services.outbox import send_batch

    queued = list(OutboxMail.objects.filter(status=OutboxMail.Status.QUEUED).values_list("pk", flat=True))
    if queued:
        send_batch(queued)


def test_a_professional_registers_reads_the_confirmation_and_cancels(browser_factory, demo_site, captured_logs):
    from events.models import OutboxMail
    from home.models import TrainingPage
    from workshops.models import Registration

    training = TrainingPage.objects.live().first()
    session = future_session(training)
    with translation.override("nl"):
        training_url = training.get_url()

    visitor = browser_factory("professional")
    page = visitor.page
    with visitor.step("find-the-session"):
        visitor.goto(training_url)
        page.locator("a.session-register").first.click()
        page.wait_for_url("**/aanmelden/")

    with visitor.step("register"):
        page.get_by_label("Naam").fill("Fatima El Amrani")
        page.get_by_label("E-mailadres").fill("Fatima.ElAmrani@Jeugdzorg.example.nl")
        page.get_by_label("Organisatie").fill("Jeugdzorg Noord")
        page.get_by_label("Functie").fill("jeugdhulpverlener")
        page.locator("#id_consent").check()
        page.locator("form.registration-form button[type=submit]").click()
        page.wait_for_url("**/aangemeld/**")
        assert "bevestigd" in page.locator("main").inner_text().lower()

    registration = Registration.objects.get(session=session)
    assert registration.email == "Fatima.ElAmrani@jeugdzorg.example.nl"  # domain normalised
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.language == "nl"

    with visitor.step("read-the-confirmation-from-the-outbox"):
        row = OutboxMail.objects.get(to_email=registration.email, scope=f"session:{session.pk}")
        deliver_outbox()
        row.refresh_from_db()
        assert row.status == OutboxMail.Status.SENT
        messages = [m for m in mail.outbox if registration.email in m.to]
        assert len(messages) == 1, "exactly one confirmation mail"
        message = messages[0]
        assert not any(word in message.subject.lower() for word in NEUTRAL_SUBJECT_WORDS), message.subject
        assert "Fatima" not in message.subject and "@" not in message.subject
        links = re.findall(r"https?://[^\s\"'<>]+", message.body)
        manage_links = [link for link in links if "/mijn-aanmelding/" in link]
        assert manage_links, f"no personal link in the mail: {links}"
        assert manage_links[0].startswith(visitor.base_url)

    with visitor.step("open-the-manage-link"):
        visitor.goto(manage_links[0])
        main = page.locator("main").inner_text()
        assert "Fatima El Amrani" in main
        assert session.meeting_url not in main or registration.status == Registration.Status.CONFIRMED

    with visitor.step("cancel"):
        page.locator("section.cancel a.button").click()  # the manage page leads to a confirmation page
        page.locator("form.cancel-form button[type=submit]").click()
        page.wait_for_url("**notice=cancelled")
        assert page.locator("main [role=status]").first.is_visible()
        registration.refresh_from_db()
        assert registration.status == Registration.Status.CANCELLED
        assert page.locator("section.cancel").count() == 0
        assert page.locator("section.register-again a.button").is_visible()  # coming after all? register again

    with visitor.step("no-personal-data-leaked"):
        visitor.assert_clean_console()
        assert_urls_are_clean(
            visitor.urls + visitor.rendered_urls() + links,
            [registration],
            registration_ids=[registration.pk],
            allowed_numbers=[session.pk, training.pk],
        )
        assert_text_is_clean(captured_logs.text, [registration], "the log lines written during the journey")
        assert_event_log_is_clean([registration])
        assert captured_logs.lines, "the journey wrote no log line at all: the capture is not working"
