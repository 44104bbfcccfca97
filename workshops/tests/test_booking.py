"""Booking rules: confirm while seats remain, waitlist after, promotion on cancel and on a capacity raise."""

import pytest
from django.utils import translation

from tests.factories import make_session, person
from workshops.models import Registration, Session
from workshops.services import booking

pytestmark = pytest.mark.django_db

S = Registration.Status


def statuses(session):
    return [(r.name, r.status) for r in Registration.objects.filter(session=session).order_by("created_at", "id")]


def test_confirms_while_seats_remain_then_waitlists(session):
    for n in range(1, 5):
        booking.register(session.pk, person(n))
    assert statuses(session) == [
        ("Person 1", S.CONFIRMED),
        ("Person 2", S.CONFIRMED),
        ("Person 3", S.WAITLISTED),
        ("Person 4", S.WAITLISTED),
    ]
    assert Registration.objects.get(name="Person 4").waitlist_position == 2


def test_cancellation_promotes_the_longest_waiting_person(session):
    regs = [booking.register(session.pk, person(n)) for n in range(1, 5)]
    booking.cancel_registration(regs[0].pk)
    assert statuses(session) == [
        ("Person 1", S.CANCELLED),
        ("Person 2", S.CONFIRMED),
        ("Person 3", S.CONFIRMED),
        ("Person 4", S.WAITLISTED),
    ]
    promoted = Registration.objects.get(name="Person 3")
    assert promoted.promoted_at is not None
    # Cancelling from the waiting list frees no seat: nobody else moves.
    booking.cancel_registration(regs[3].pk)
    assert Registration.objects.filter(session=session, status=S.CONFIRMED).count() == 2


def test_raising_capacity_promotes_in_arrival_order(session):
    for n in range(1, 6):
        booking.register(session.pk, person(n))
    promoted = booking.set_capacity(session.pk, 4)
    assert [r.name for r in promoted] == ["Person 3", "Person 4"]
    assert statuses(session)[-1] == ("Person 5", S.WAITLISTED)
    promoted = booking.set_capacity(session.pk, None)  # unlimited: everybody in
    assert [r.name for r in promoted] == ["Person 5"]


def test_same_email_twice_gives_a_clear_error_not_a_second_row(session):
    booking.register(session.pk, person(1, email="Anna@Example.ORG"))
    with pytest.raises(booking.DuplicateRegistration) as error:
        booking.register(session.pk, person(2, email="  anna@example.org "))
    assert error.value.code == "duplicate"
    with translation.override("en"):
        assert "already registered for this session" in str(error.value.message)
    assert Registration.objects.filter(session=session).count() == 1
    assert Registration.objects.get(session=session).email == "Anna@example.org"


def test_registering_again_after_cancelling_reuses_the_row_at_the_back_of_the_queue(session):
    first = booking.register(session.pk, person(1))
    booking.register(session.pk, person(2))
    booking.cancel_registration(first.pk)
    again = booking.register(session.pk, person(1))
    assert again.pk == first.pk
    assert again.status == S.CONFIRMED  # the freed seat was still free (nobody was waiting)
    assert Registration.objects.filter(session=session).count() == 2


def test_email_is_normalised():
    assert booking.normalise_email("  Jan.Jansen@Voorbeeld.NL ") == "Jan.Jansen@voorbeeld.nl"


def test_cancelled_and_past_sessions_refuse_registrations(training):
    cancelled = make_session(training, status=Session.Status.CANCELLED)
    past = make_session(training, days=-1)
    with pytest.raises(booking.SessionClosed):
        booking.register(cancelled.pk, person(1))
    with pytest.raises(booking.SessionPast):
        booking.register(past.pk, person(1))
    assert not Registration.objects.exists()


def test_cancelling_a_session_cancels_every_active_registration(session):
    for n in range(1, 4):
        booking.register(session.pk, person(n))
    assert booking.cancel_session(session.pk) == 3
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert set(Registration.objects.values_list("status", flat=True)) == {S.CANCELLED}
    assert booking.cancel_session(session.pk) == 0  # a second click mails nobody again


def test_duplicate_session_copies_everything_but_registrations(session, django_user_model):
    trainer = django_user_model.objects.create_user("trainer", password="x")
    session.trainers.add(trainer)
    booking.register(session.pk, person(1))
    copy = booking.duplicate_session(session.pk)
    assert copy.pk != session.pk
    assert (copy.starts_at - session.starts_at).days == 7
    assert list(copy.trainers.all()) == [trainer]
    assert copy.registrations.count() == 0
    assert copy.training_id == session.training_id and copy.capacity == session.capacity


def test_check_in_marks_attendance(session):
    registration = booking.register(session.pk, person(1))
    assert booking.check_in(registration.pk, attended=True).status == S.ATTENDED
    assert booking.check_in(registration.pk, attended=False).status == S.NO_SHOW
