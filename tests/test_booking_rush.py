"""A registration rush: when a registration finds the session locked, the session goes into rush mode for
BOOKING_BURST_WINDOW seconds; registrations in it are stored as pending at once and get their seat or
waiting-list place in arrival order right after (workshops.services.booking.decide_pending)."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from events.models import EventLog, OutboxMail
from tests.test_workshops_fixtures import make_session, person, session_fixture, training_fixture  # noqa: F401
from workshops import tokens
from workshops.models import Registration, Session
from workshops.services import booking

S = Registration.Status
postgres_only = pytest.mark.skipif(
    not settings.USING_POSTGRES, reason="rush mode needs SELECT … FOR UPDATE NOWAIT (PostgreSQL)"
)
pytestmark = [pytest.mark.django_db, postgres_only]


@pytest.fixture(autouse=True)
def rush_on(settings):
    settings.BOOKING_BURST_WINDOW = 1
    booking._rush_ends.clear()
    yield
    booking._rush_ends.clear()


def rush(session):
    """What a registration that found the session locked does: mark the session busy."""
    booking._start_rush(session.pk, 1)


def statuses(session):
    return [(r.name, r.status) for r in Registration.objects.filter(session=session).order_by("created_at", "id")]


def mails(rule_key):
    return sorted(OutboxMail.objects.filter(rule_key=rule_key).values_list("to_email", flat=True))


def test_in_a_rush_registrations_are_stored_at_once_and_decided_in_arrival_order(session):
    rush(session)
    answers = [booking.register(session.pk, person(n)) for n in range(1, 5)]
    assert [r.status for r in answers] == [S.PENDING] * 4
    assert not OutboxMail.objects.exists()  # nobody is told anything before the place is decided
    assert session.seats_left() == 2

    assert booking.decide_pending(session.pk) == 4
    assert statuses(session) == [
        ("Person 1", S.CONFIRMED),
        ("Person 2", S.CONFIRMED),
        ("Person 3", S.WAITLISTED),
        ("Person 4", S.WAITLISTED),
    ]
    assert Registration.objects.get(name="Person 4").waitlist_position == 2
    # each person gets the mail of their own outcome, once
    assert mails("confirmation") == ["person1@example.org", "person2@example.org"]
    assert mails("waitlisted") == ["person3@example.org", "person4@example.org"]
    assert EventLog.objects.filter(action="registered", payload__rush=True).count() == 4
    assert booking.decide_pending(session.pk) == 0  # a second run changes and mails nothing
    assert OutboxMail.objects.count() == 4


def test_a_later_registration_that_gets_the_lock_lets_the_earlier_pending_ones_go_first(session):
    rush(session)
    booking.register(session.pk, person(1))
    booking.register(session.pk, person(2))
    booking.end_rush(session.pk)  # the rush is over, and its decide task is late
    Registration.objects.filter(session=session).update(created_at=timezone.now() - timedelta(seconds=10))
    third = booking.register(session.pk, person(3))
    assert third.status == S.WAITLISTED
    assert statuses(session) == [("Person 1", S.CONFIRMED), ("Person 2", S.CONFIRMED), ("Person 3", S.WAITLISTED)]


def test_a_registration_that_gets_the_lock_while_the_rush_is_deciding_queues_behind_it(session):
    """The lock was free but people of a rush still wait for its decide run: the next one joins the queue
    instead of doing the run's work (and mail) inside the request."""
    rush(session)
    booking.register(session.pk, person(1))
    booking.register(session.pk, person(2))
    booking._rush_ends.clear()  # this process has not heard of the rush (another process started it)
    booking.cache.delete(booking._burst_key(session.pk))
    third = booking.register(session.pk, person(3))
    assert third.status == S.PENDING
    assert not OutboxMail.objects.exists()
    assert booking.decide_pending(session.pk) == 3
    assert statuses(session) == [("Person 1", S.CONFIRMED), ("Person 2", S.CONFIRMED), ("Person 3", S.WAITLISTED)]


def test_in_a_known_rush_a_registration_is_one_insert_and_no_cache_call(session, monkeypatch):
    rush(session)
    calls = []
    for name in ("get", "add", "set"):
        real = getattr(booking.cache, name)
        monkeypatch.setattr(
            booking.cache, name, lambda *a, _real=real, _n=name, **k: calls.append(_n) or _real(*a, **k)
        )
    with CaptureQueriesContext(connection) as queries:
        registration = booking.register(session.pk, person(1))
    assert registration.status == S.PENDING
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT")
    assert calls == []


def test_a_registration_stored_after_its_window_ended_opens_a_new_one(session, monkeypatch):
    """Nothing waits forever: a pending registration stored after the end of the window it knew of (a slow
    request) opens (or joins) a newer window, whose decide run comes after it."""
    end = booking._start_rush(session.pk, 1)
    scheduled = []
    real_schedule = booking._schedule_decide
    monkeypatch.setattr(
        booking, "_schedule_decide", lambda sid, countdown: scheduled.append(sid) or real_schedule(sid, countdown)
    )
    real_insert, clock = booking._intake_insert, [booking._clock()]
    monkeypatch.setattr(booking, "_clock", lambda: clock[0])

    def slow_insert(registration, now):
        stored = real_insert(registration, now)
        clock[0] = end + 0.1  # the window ended while this one was being stored
        return stored

    monkeypatch.setattr(booking, "_intake_insert", slow_insert)
    assert booking.register(session.pk, person(1)).status == S.PENDING
    assert scheduled == [session.pk]
    assert booking._rush_ends[session.pk] > end + 0.1


def test_duplicates_are_refused_in_a_rush_and_a_cancelled_person_returns_at_the_back(session):
    first = booking.register(session.pk, person(1))
    booking.cancel_registration(first.pk)
    rush(session)
    booking.register(session.pk, person(2))
    with pytest.raises(booking.DuplicateRegistration):
        booking.register(session.pk, person(3, email="PERSON2@example.org"))
    again = booking.register(session.pk, person(1))
    assert again.pk == first.pk and again.status == S.PENDING
    booking.decide_pending(session.pk)
    assert statuses(session) == [("Person 2", S.CONFIRMED), ("Person 1", S.CONFIRMED)]
    assert Registration.objects.filter(session=session).count() == 2


def test_a_session_cancelled_during_the_rush_tells_the_pending_people(session):
    rush(session)
    booking.register(session.pk, person(1))
    assert booking.cancel_session(session.pk) == 1
    assert statuses(session) == [("Person 1", S.CANCELLED)]
    assert mails("cancelled") == ["person1@example.org"]


def test_the_net_decides_only_registrations_that_waited_too_long(session, training):
    other = make_session(training, capacity=1)
    rush(session)
    rush(other)
    booking.register(session.pk, person(1))
    booking.register(other.pk, person(2))
    Registration.objects.filter(session=session).update(created_at=timezone.now() - timedelta(seconds=30))
    assert booking.decide_stale() == 1
    assert statuses(session) == [("Person 1", S.CONFIRMED)]
    assert statuses(other) == [("Person 2", S.PENDING)]


def test_a_pending_page_refreshes_itself_and_decides_when_the_task_is_late(client, session):
    rush(session)
    registration = booking.register(session.pk, person(1))
    url = reverse("workshops:registered", args=[tokens.make_token(registration, "manage")])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "We hebben je aanmelding ontvangen" in html
    with translation.override("en"):
        english = client.get(reverse("workshops:registered", args=[tokens.make_token(registration, "manage")]))
    assert "We have received your registration" in english.content.decode()
    assert Registration.objects.get(pk=registration.pk).status == S.PENDING  # young: left to the task

    # the task should have run by now; the person's own page does its work
    Registration.objects.filter(pk=registration.pk).update(created_at=timezone.now() - timedelta(seconds=30))
    page = client.get(url)
    html = page.content.decode()
    assert 'http-equiv="refresh"' not in html
    assert Registration.objects.get(pk=registration.pk).status == S.CONFIRMED
    assert mails("confirmation") == ["person1@example.org"]


def test_the_form_in_a_rush_answers_with_the_one_moment_page(client, session):
    rush(session)
    url = reverse("workshops:register", kwargs={"session_id": session.pk})
    response = client.post(
        url,
        {"name": "Anna", "email": "anna@example.org", "language": "en", "consent": "on", "website": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert Registration.objects.get(email="anna@example.org").status == S.PENDING
    assert 'http-equiv="refresh"' in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_registration_that_finds_the_session_locked_does_not_wait(session, settings):
    """Someone holds the session lock (another registration, a coordinator's change): the next registration
    is stored as pending at once, and the session is in rush mode for the window."""
    settings.BOOKING_BURST_WINDOW = 5  # the first publish to the broker can take a second
    locked, release, done = threading.Event(), threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Session.objects.select_for_update(no_key=True).get(pk=session.pk)  # as booking and admin edits do
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        registration = booking.register(session.pk, person(1))
        assert registration.status == S.PENDING
        assert booking.register(session.pk, person(2)).status == S.PENDING
    finally:
        release.set()
        thread.join(timeout=30)
    assert booking.decide_pending(session.pk) == 2
    assert statuses(session) == [("Person 1", S.CONFIRMED), ("Person 2", S.CONFIRMED)]


def test_without_a_window_a_registration_waits_for_the_lock_as_before(settings, session):
    settings.BOOKING_BURST_WINDOW = 0
    rush(session)
    assert booking.register(session.pk, person(1)).status == S.CONFIRMED
