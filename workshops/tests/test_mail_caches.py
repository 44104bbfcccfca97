"""Mail rules and a training's mail texts are cached between registrations (MAIL_SETTINGS_CACHE_SECONDS), and an
editor's change is still seen by the very next registration."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.contract import context_provider
from events.models import MailRule, OutboxMail
from events.services import rules
from tests.factories import make_session, person
from workshops.mail import MATERIAL_CACHE_KEY
from workshops.services import booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def caching(settings, training):
    settings.MAIL_SETTINGS_CACHE_SECONDS = 60
    rules.forget()
    cache.delete_many([MATERIAL_CACHE_KEY.format(training.pk, lang) for lang in ("nl", "en")])
    yield
    rules.forget()
    cache.delete_many([MATERIAL_CACHE_KEY.format(training.pk, lang) for lang in ("nl", "en")])


def _confirmation_for(email):
    return OutboxMail.objects.filter(rule_key="confirmation", to_email=email).first()


def _context(row):
    """The placeholder values the worker fills in when it sends this row (booking queues ids only)."""
    provider = context_provider(row.recipient_key)
    return row.context or provider(row.recipient_key, row.language, row.scope)[0]


def test_a_warm_registration_reads_no_mail_rules(caching, training):
    session = make_session(training, capacity=1)
    booking.register(session.pk, person(1))  # confirmed: fills the cache
    booking.register(session.pk, person(2))  # waiting list
    rules.forget_local()  # as in another process: the shared cache still answers
    with CaptureQueriesContext(connection) as queries:
        booking.register(session.pk, person(3))
    assert "events_mailrule" not in " ".join(query["sql"] for query in queries.captured_queries)
    row = OutboxMail.objects.get(rule_key="waitlisted", to_email="person3@example.org")
    assert _context(row)["training"] == "Training sexting"


def test_a_rule_switched_off_applies_to_the_next_registration(caching, training):
    session = make_session(training, capacity=5)
    booking.register(session.pk, person(1))
    assert _confirmation_for("person1@example.org") is not None
    rule = MailRule.objects.get(key="confirmation", training_key="")
    rule.is_active = False
    rule.save()
    booking.register(session.pk, person(2))
    assert _confirmation_for("person2@example.org") is None


def test_a_published_title_reaches_the_next_confirmation(caching, training):
    session = make_session(training, capacity=5)
    booking.register(session.pk, person(1, language="en"))
    assert _context(_confirmation_for("person1@example.org"))["training"] == "Sexting training"
    training.title_en = "Sexting and grooming for professionals"
    training.save_revision().publish()
    booking.register(session.pk, person(2, language="en"))
    assert _context(_confirmation_for("person2@example.org"))["training"] == "Sexting and grooming for professionals"
