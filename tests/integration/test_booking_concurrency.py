"""The capacity proof: many people register for the same 10-seat session at the same moment.

Each thread has its own PostgreSQL connection; `booking.register` locks the session row, so exactly 10 are
confirmed, everybody else is waitlisted in arrival order, and nobody gets an error.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection, connections

from tests.factories import make_session, make_training, person
from workshops.models import Registration
from workshops.services import booking

PEOPLE = 60
SEATS = 10

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.USING_POSTGRES,
        reason="needs PostgreSQL: SQLite has no row locks (select_for_update) and serialises writers itself; "
        "set DATABASE_URL=postgres://… to run the concurrency proof",
    ),
]


def test_sixty_simultaneous_registrations_on_ten_seats(home_page, capsys):
    session = make_session(make_training(home_page), capacity=SEATS)
    barrier = threading.Barrier(PEOPLE)
    results: dict[int, str] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def register(n):
        try:
            barrier.wait(timeout=60)
            registration = booking.register(session.pk, person(n))
            with lock:
                results[n] = registration.status
        except BaseException as exc:  # noqa: BLE001 - every error is a failure of the proof
            with lock:
                errors.append(exc)
        finally:
            connection.close()  # each thread used its own connection

    threads = [threading.Thread(target=register, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    connections.close_all()

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
