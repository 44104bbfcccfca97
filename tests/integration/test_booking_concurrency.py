"""The capacity proof on PostgreSQL: many people register for (and cancel from) the same session at the same
moment, each on their own connection. `booking.register` locks the session row with a bounded wait, so exactly the
capacity is confirmed, everybody else is waitlisted in arrival order, nobody gets an error, and a visitor who
cannot get the lock in time gets the form back, never a server error.

These tests need PostgreSQL (SQLite has no row locks): without it they skip with the reason, and under CI=true they
fail, so a CI run never passes without them.
"""

import threading
import time

import psycopg
import pytest
from django.conf import settings
from django.db import connection, connections
from django.urls import reverse
from django.utils import translation

from tests.factories import make_session, make_training, person
from tests.services import service_unavailable
from workshops.models import Registration
from workshops.services import booking

PEOPLE = 60
SEATS = 10

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres():
    if not settings.USING_POSTGRES:
        service_unavailable(
            "needs PostgreSQL: SQLite has no row locks (select_for_update) and serialises writers itself; "
            "set DATABASE_URL=postgres://… to run the concurrency proof"
        )


def other_connection() -> psycopg.Connection:
    """A connection of its own to the test database, as another web worker (or an observer) would have."""
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        autocommit=True,
    )


def run_together(jobs):
    """Run every job on its own thread (and so its own database connection) at the same moment; returns the
    errors raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(job):
        try:
            barrier.wait(timeout=60)
            job()
        except BaseException as exc:  # noqa: BLE001 - every error is a failure of the proof
            with lock:
                errors.append(exc)
        finally:
            connection.close()  # each thread used its own connection

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    connections.close_all()
    return errors


def test_sixty_simultaneous_registrations_on_ten_seats(home_page, capsys):
    session = make_session(make_training(home_page), capacity=SEATS)
    results: dict[int, str] = {}

    def register(n):
        def job():
            results[n] = booking.register(session.pk, person(n)).status

        return job

    errors = run_together([register(n) for n in range(PEOPLE)])

    assert not errors, errors
    assert len(results) == PEOPLE
    rows = list(Registration.objects.filter(session=session).order_by("created_at", "id"))
    confirmed = [r for r in rows if r.status == Registration.Status.CONFIRMED]
    waitlisted = [r for r in rows if r.status == Registration.Status.WAITLISTED]
    with capsys.disabled():
        print(f"\nconcurrency proof: {PEOPLE} registrations, {len(confirmed)} confirmed, {len(waitlisted)} waitlisted")
    assert len(rows) == PEOPLE
    assert len(confirmed) == SEATS
    assert len(waitlisted) == PEOPLE - SEATS
    # Arrival order: the first ten to get the lock are the confirmed ones; the waiting list follows in order.
    assert [r.status for r in rows] == [Registration.Status.CONFIRMED] * SEATS + [Registration.Status.WAITLISTED] * (
        PEOPLE - SEATS
    )
    assert [r.id for r in rows] == sorted(r.id for r in rows)  # ids and timestamps agree on the order
    assert [r.waitlist_position for r in waitlisted] == list(range(1, PEOPLE - SEATS + 1))
    # What each person was told matches what was stored.
    by_email = {r.email: r.status for r in rows}
    assert all(by_email[f"person{n}@example.org"] == status for n, status in results.items())

    # The longest-waiting person gets the first freed seat.
    booking.cancel_registration(confirmed[0].pk)
    assert Registration.objects.get(pk=waitlisted[0].pk).status == Registration.Status.CONFIRMED
    assert Registration.objects.filter(session=session, status=Registration.Status.CONFIRMED).count() == SEATS


def test_an_observer_never_sees_more_confirmed_than_seats_while_people_cancel_and_register(home_page, capsys):
    """A 10-seat session with 10 confirmed and 10 waiting: 8 of them cancel while 30 others register, all at
    once. A separate connection counts the confirmed people every 50 ms and never sees more than 10."""
    session = make_session(make_training(home_page), capacity=SEATS)
    first = [booking.register(session.pk, person(n)) for n in range(20)]
    leaving = first[::5] + first[1::5]  # 8 people: confirmed and waiting ones
    samples: list[int] = []
    stop = threading.Event()

    def observe():
        with other_connection() as observer:
            while not stop.is_set():
                row = observer.execute(
                    "SELECT count(*) FROM workshops_registration WHERE session_id = %s AND status = 'confirmed'",
                    (session.pk,),
                ).fetchone()
                samples.append(row[0])
                time.sleep(0.05)

    observer = threading.Thread(target=observe)
    observer.start()
    try:
        time.sleep(0.1)

        def cancel(registration):
            return lambda: booking.cancel_registration(registration.pk)

        def register(n):
            return lambda: booking.register(session.pk, person(n))

        jobs = [cancel(r) for r in leaving] + [register(n) for n in range(100, 130)]
        errors = run_together(jobs)
        time.sleep(0.15)  # a last sample after everything committed
    finally:
        stop.set()
        observer.join(timeout=10)

    assert not errors, errors
    with capsys.disabled():
        print(f"\nobserver: {len(samples)} samples, most confirmed seen {max(samples)} of {SEATS} seats")
    assert len(samples) >= 3 and max(samples) <= SEATS
    rows = list(Registration.objects.filter(session=session).order_by("created_at", "id"))
    assert sum(r.status == Registration.Status.CANCELLED for r in rows) == len(leaving)
    confirmed = [r for r in rows if r.status == Registration.Status.CONFIRMED]
    waiting = [r for r in rows if r.status == Registration.Status.WAITLISTED]
    assert len(confirmed) == SEATS and len(waiting) == 20 + 30 - len(leaving) - SEATS
    assert samples[-1] == SEATS
    # freed seats went to the longest-waiting people: everybody confirmed arrived before everybody still waiting
    assert max((r.created_at, r.id) for r in confirmed) < min((r.created_at, r.id) for r in waiting)
    assert sum(r.promoted_at is not None for r in confirmed) == 4  # one for each confirmed person who left
    assert [r.waitlist_position for r in waiting] == list(range(1, len(waiting) + 1))


@pytest.mark.parametrize(
    ("language", "busy"),
    [("en", "It is very busy right now"), ("nl", "Het is nu heel druk")],
)
def test_a_registration_that_cannot_get_the_lock_in_time_gets_the_form_back(
    client, home_page, settings, language, busy
):
    """Another connection holds the session row; with BOOKING_LOCK_TIMEOUT small the POST waits that long, then
    answers 200 with the translated "very busy" message and the typed values, and stores nothing."""
    session = make_session(make_training(home_page), capacity=SEATS)
    settings.BOOKING_LOCK_TIMEOUT = 0.2
    with translation.override(language):
        path = reverse("workshops:register", args=[session.pk])
    typed = {
        "name": "Anna de Vries",
        "email": "anna@example.org",
        "organisation": "OBS De Linde",
        "role": "intern begeleider",
        "language": language,
        "consent": "on",
        "website": "",
    }
    with other_connection() as holder:
        with holder.transaction():
            holder.execute("SELECT id FROM workshops_session WHERE id = %s FOR UPDATE", (session.pk,))
            response = client.post(path, typed)
            assert response.status_code == 200
            html = response.content.decode()
            assert busy in html
            for field in ("Anna de Vries", "anna@example.org", "OBS De Linde", "intern begeleider"):
                assert f'value="{field}"' in html, field
            assert not Registration.objects.filter(session=session).exists()
    # the lock is free again: the same form goes through and the next page states the seat
    response = client.post(path, typed)
    assert response.status_code == 302
    assert Registration.objects.get(session=session).status == Registration.Status.CONFIRMED
    page = client.get(response["Location"]).content.decode()
    assert ("is confirmed" if language == "en" else "is bevestigd") in page
