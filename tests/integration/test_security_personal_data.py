"""Personal data stays out of URLs, log lines, EventLog payloads and mail subjects; personal links are signed and
expire. A registration through the Django test client, with every log record of the run captured."""

import datetime
import logging
import os
import re
import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.e2e.privacy import assert_event_log_is_clean, assert_text_is_clean, assert_urls_are_clean

NAME, EMAIL = "Noor van den Heuvel", "Noor.vdHeuvel@Buurtteam.example.nl"
HREF = re.compile(r"""(?:href|src|action)=["']([^"']+)["']""")


@pytest.fixture
def session(db):
    from django.core.management import call_command

    from home.models import TrainingPage
    from workshops.models import Session

    call_command("load_initial_data", verbosity=0, stdout=open(os.devnull, "w"))
    start = timezone.now() + datetime.timedelta(days=9)
    return Session.objects.create(
        training=TrainingPage.objects.live().first(),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=1,
        meeting_url="https://meet.example.org/room",
    )


def links_in(response) -> list[str]:
    return HREF.findall(response.content.decode()) if response.status_code == 200 else []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_registration_leaves_no_personal_data_in_urls_logs_event_log_or_subjects(session, caplog, language):
    from events.models import OutboxMail
    from events.services.outbox import send_batch
    from workshops.models import Registration

    client = Client()
    seen_urls = []
    with caplog.at_level(logging.DEBUG):
        with translation.override(language):
            form_url = reverse("workshops:register", args=[session.pk])
        response = client.get(form_url)
        seen_urls += links_in(response)
        response = client.post(
            form_url,
            {
                "name": NAME,
                "email": EMAIL,
                "organisation": "Buurtteam Oost",
                "role": "coach",
                "language": language,
                "consent": "on",
            },
        )
        assert response.status_code == 302
        seen_urls.append(response["Location"])
        response = client.get(response["Location"])
        seen_urls += links_in(response)
        # a second person is waitlisted, the first cancels, the second is promoted: more log lines, more mail
        client.post(
            form_url,
            {"name": "Second Person", "email": "second@example.org", "language": language, "consent": "on"},
        )
        # a duplicate registration with the same address shows an error, and logs nothing personal
        client.post(form_url, {"name": NAME, "email": EMAIL, "language": language, "consent": "on"})
        registration = Registration.objects.get(email__iexact=EMAIL)
        manage = [u for u in seen_urls if "/mijn-aanmelding/" in u or "/my-registration/" in u][0]
        cancel_url = [u for u in links_in(client.get(manage)) if "/annuleren/" in u or "/cancel/" in u][0]
        seen_urls.append(cancel_url)
        response = client.post(cancel_url)
        seen_urls.append(response["Location"])
        seen_urls += links_in(client.get(response["Location"]))
        send_batch(list(OutboxMail.objects.filter(status="queued").values_list("pk", flat=True)))

    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert caplog.records, "nothing was logged: the capture is not working"
    assert_text_is_clean(caplog.text, [registration], "the log records of a registration")
    assert_urls_are_clean(seen_urls, [registration], registration_ids=[registration.pk], allowed_numbers=[session.pk])
    assert_event_log_is_clean([registration])
    assert mail.outbox, "no mail was sent"
    for message in mail.outbox:
        assert_text_is_clean(message.subject, [registration], f"the subject {message.subject!r}")
        assert "@" not in message.subject
    for message in mail.outbox:
        for link in re.findall(r"https?://\S+", message.body):
            assert_urls_are_clean(
                [link], [registration], registration_ids=[registration.pk], allowed_numbers=[session.pk]
            )


@pytest.mark.django_db
def test_the_redaction_hides_an_address_even_where_code_logs_it(session, caplog):
    """Belt and braces: should a future change log an address, the record factory still removes it."""
    with caplog.at_level(logging.INFO):
        logging.getLogger("workshops.services.booking").info("registered %s for %s", EMAIL, session.pk)
    assert EMAIL.lower() not in caplog.text.lower()
    assert f"registered [e-mail] for {session.pk}" in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language,expired_text,invalid_text",
    [
        ("nl", "Deze link is verlopen", "Deze link werkt niet"),
        ("en", "This link has expired", "This link does not work"),
    ],
)
def test_personal_links_are_signed_and_expire_with_a_friendly_page(
    session, monkeypatch, language, expired_text, invalid_text
):
    from workshops import tokens
    from workshops.models import Registration

    registration = Registration.objects.create(
        session=session, name=NAME, email=EMAIL, status="confirmed", consent_at=timezone.now()
    )
    token = tokens.make_token(registration, "manage")
    assert registration.email not in token and str(registration.public_id) not in token
    with translation.override(language):
        url = reverse("workshops:manage", args=[token])
        forged = reverse("workshops:manage", args=[token[:-3] + ("abc" if token[-3:] != "abc" else "xyz")])
        other_purpose = reverse("workshops:manage", args=[tokens.make_token(registration, "homework")])
    client = Client()
    assert client.get(url).status_code == 200
    for bad in (forged, other_purpose):
        response = client.get(bad)
        assert response.status_code == 404
        assert invalid_text in response.content.decode()
        assert NAME not in response.content.decode()
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + tokens.MAX_AGE["manage"] + 60)
    response = client.get(url)
    assert response.status_code == 410
    assert expired_text in response.content.decode()
    assert NAME not in response.content.decode()
