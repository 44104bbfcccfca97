"""Mail scanners and link previews fetch every link in a mail, with GET (and HEAD). Doing so for every link of
every mail a participant can get must change nothing: no homework marked opened or done, no registration
cancelled, no evaluation answered, no mail queued, no log entry."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail

from events.models import OutboxMail
from events.services import outbox, schedule
from tests.factories import make_session, person
from workshops.models import Registration, Session
from workshops.services import booking, sessions

pytestmark = pytest.mark.django_db

LINK = re.compile(r"""https?://[^\s"'<>)]+""")
APPS = ("workshops", "evaluations", "events", "auth", "sessions")


def send_all() -> list:
    outbox.send_batch(list(OutboxMail.objects.filter(status="queued").values_list("pk", flat=True)))
    sent = list(mail.outbox)
    mail.outbox.clear()
    return sent


def everything_stored() -> dict:
    """Every row of the apps a link could change, field by field."""
    stored = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            stored[model._meta.label] = sorted(map(repr, model.objects.order_by("pk").values_list()))
    return stored


def links_in(message) -> set[str]:
    found = set(LINK.findall(message.body))
    for content, _mimetype in getattr(message, "alternatives", []):
        found |= set(LINK.findall(content.replace("&amp;", "&")))
    return found


def fetch_like_a_scanner(client, url: str) -> None:
    """GET and HEAD the link, following redirects that stay on this site, as link checkers do."""
    base = urlsplit(settings.SITE_BASE_URL)
    for _hop in range(5):
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != base.netloc:
            return  # another site (the podcast, the meeting): not ours to check
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        assert client.head(path).status_code < 500, url
        response = client.get(path)
        assert response.status_code < 500, url
        if response.status_code not in (301, 302, 303, 307, 308):
            return
        url = response["Location"]


def test_fetching_every_link_of_every_mail_with_get_changes_nothing(client, training):
    training.podcast_url = "https://podcast.example.org/episode-12"
    training.save_revision().publish()
    ahead = make_session(training, capacity=2, days=10)
    done = make_session(training, capacity=5, days=3)
    people = [booking.register(ahead.pk, person(n, language="nl" if n % 2 else "en")) for n in (1, 2, 3, 4)]
    for n in (5, 6):
        booking.register(done.pk, person(n, language="en"))
    sessions.save(ahead.pk, {"meeting_url": "https://meet.example.org/new", "language": "en"})  # a change
    booking.cancel_registration(people[0].pk)  # a cancellation, and a promotion
    booking.set_capacity(ahead.pk, 1, demote=True)  # back to the waiting list
    schedule.tick(now=ahead.starts_at - timedelta(days=1, minutes=-1))  # homework, nudge, reminder
    schedule.tick(now=done.ends_at + timedelta(days=4))  # evaluation and its reminder (they took place)
    spare = make_session(training, days=20)
    booking.register(spare.pk, person(7, language="nl"))
    booking.cancel_session(spare.pk)

    messages = send_all()
    kinds = {m.subject for m in messages}
    assert len(kinds) >= 10, kinds  # every kind of mail a participant can get
    links = set().union(*(links_in(m) for m in messages))
    assert any("/huiswerk/" in link or "/homework/" in link for link in links)
    assert any("evaluat" in link for link in links)
    before = everything_stored()
    for link in sorted(links):
        fetch_like_a_scanner(client, link)
    assert everything_stored() == before
    assert not Registration.objects.filter(homework_opened_at__isnull=False).exists()
    assert Session.objects.get(pk=ahead.pk).status == Session.Status.SCHEDULED
