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


# --- issue 14: one locked path ---------------------------------------------------------------------------------


def send_queued_mail():
    """What the worker does: send every queued outbox row (to Django's test outbox, `mailoutbox`)."""
    from events.models import OutboxMail
    from events.services import outbox

    ids = list(OutboxMail.objects.filter(status=OutboxMail.Status.QUEUED).order_by("pk").values_list("pk", flat=True))
    return outbox.send_batch(ids) if ids else {}


def queued(rule_key, session=None):
    from events.models import OutboxMail

    rows = OutboxMail.objects.filter(rule_key=rule_key, status=OutboxMail.Status.QUEUED)
    return rows.filter(scope=session.scope) if session is not None else rows


def unpublish(session):
    session.training.unpublish()


def make_private(session):
    Session.objects.filter(pk=session.pk).update(is_public=False)


def cancel(session):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)


def start(session):
    from django.utils import timezone

    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now())


@pytest.mark.parametrize(
    ("close", "error", "english", "dutch"),
    [
        (unpublish, booking.SessionNotOpen, "not open for registration", "kun je je niet aanmelden"),
        (make_private, booking.SessionNotOpen, "not open for registration", "kun je je niet aanmelden"),
        (cancel, booking.SessionClosed, "has been cancelled", "is geannuleerd"),
        (start, booking.SessionPast, "already started", "al begonnen"),
    ],
    ids=["training unpublished", "private", "cancelled", "started"],
)
def test_a_session_that_is_not_open_refuses_with_a_clear_message(session, close, error, english, dutch):
    close(session)
    with pytest.raises(error) as refused:
        booking.register(session.pk, person(1))
    with translation.override("en"):
        assert english in str(refused.value.message)
    with translation.override("nl"):
        assert dutch in str(refused.value.message)
    assert not Registration.objects.exists()
    from events.models import OutboxMail

    assert not OutboxMail.objects.exists()


def test_the_registration_states_its_decided_place_and_only_rows_are_written_under_the_lock(session, mailoutbox):
    """register() returns the decided status (nothing is pending) and queues its mail as ids only: no context,
    no calendar file, no rendered text; the worker builds them in the recipient's language when it sends."""
    from events.models import OutboxMail

    first = booking.register(session.pk, person(1, language="en"))
    booking.register(session.pk, person(2))
    third = booking.register(session.pk, person(3, language="en"))
    assert [first.status, third.status] == [S.CONFIRMED, S.WAITLISTED]
    assert "pending" not in Registration.Status.values
    rows = OutboxMail.objects.filter(scope=session.scope).order_by("pk")
    assert [(row.rule_key, row.recipient_key) for row in rows] == [
        ("confirmation", f"registration:{first.pk}"),
        ("confirmation", f"registration:{Registration.objects.get(name='Person 2').pk}"),
        ("waitlisted", f"registration:{third.pk}"),
    ]
    for row in rows:
        assert (row.context, row.attachments, row.subject, row.body_text) == ({}, [], "", "")

    send_queued_mail()
    to_first = next(message for message in mailoutbox if message.to == ["person1@example.org"])
    assert to_first.subject == "Your registration is confirmed" and "Dear Person" in to_first.body
    ics = next(attachment for attachment in to_first.attachments if attachment[0].endswith(".ics"))
    assert b"BEGIN:VEVENT" in (ics[1] if isinstance(ics[1], bytes) else ics[1].encode())
    to_second = next(message for message in mailoutbox if message.to == ["person2@example.org"])
    assert to_second.subject == "Je aanmelding is bevestigd"
    to_third = next(message for message in mailoutbox if message.to == ["person3@example.org"])
    assert "waiting list" in to_third.subject.lower()


def test_cancelling_mails_the_person_once_and_promotes_the_first_waiting(session, mailoutbox):
    first = booking.register(session.pk, person(1))
    booking.register(session.pk, person(2))
    waiting = [booking.register(session.pk, person(n)) for n in (3, 4)]
    send_queued_mail()
    mailoutbox.clear()

    booking.cancel_registration(first.pk)
    booking.cancel_registration(first.pk)  # a second click changes nothing and mails nobody again
    assert queued("registration_cancelled", session).count() == 1
    assert queued("promoted", session).get().recipient_key == f"registration:{waiting[0].pk}"
    send_queued_mail()
    assert sorted((message.to[0], message.subject) for message in mailoutbox) == [
        ("person1@example.org", "Je afmelding is verwerkt"),
        ("person3@example.org", "Er is een plek voor je vrijgekomen"),
    ]
    assert statuses(session)[2:] == [("Person 3", S.CONFIRMED), ("Person 4", S.WAITLISTED)]


def test_cancelling_a_session_with_25_active_registrations_mails_25_people_once(training, mailoutbox):
    """20 confirmed and 5 waiting, with their own mail still queued and two people who cancelled themselves just
    before: 25 cancellation mails, 25 distinct people, each once; the two own cancellations still go out."""
    session = make_session(training, capacity=20)
    people = [booking.register(session.pk, person(n, language="en" if n % 3 == 0 else "nl")) for n in range(27)]
    booking.cancel_registration(people[0].pk)  # frees a seat: the first waiting person is promoted
    booking.cancel_registration(people[26].pk)  # leaves the waiting list
    active = Registration.objects.filter(session=session, status__in=Registration.ACTIVE)
    assert active.filter(status=S.CONFIRMED).count() == 20 and active.filter(status=S.WAITLISTED).count() == 5
    active_emails = set(active.values_list("email", flat=True))
    # other mail of this session is still queued
    assert (queued("confirmation", session).count(), queued("waitlisted", session).count()) == (20, 7)
    assert queued("promoted", session).count() == 1

    assert booking.cancel_session(session.pk) == 25
    cancellations = queued("cancelled", session)
    assert cancellations.count() == 25
    assert set(cancellations.values_list("to_email", flat=True)) == active_emails
    assert queued("registration_cancelled", session).count() == 2
    assert booking.cancel_session(session.pk) == 0 and queued("cancelled", session).count() == 25

    send_queued_mail()
    session_cancelled = [
        m for m in mailoutbox if m.subject in ("Wijziging in je bijeenkomst", "A change to your session")
    ]
    received = [message.to[0] for message in session_cancelled]
    assert len(received) == 25 and set(received) == active_emails
    own = sorted(
        m.to[0] for m in mailoutbox if m.subject in ("Je afmelding is verwerkt", "Your cancellation has been received")
    )
    assert own == ["person0@example.org", "person26@example.org"]
    assert len(mailoutbox) == 27  # and nothing else: the confirmations queued for a cancelled session stay unsent


def test_lowering_capacity_demotes_only_when_asked_and_mails_the_demoted(training, mailoutbox):
    session = make_session(training, capacity=5)
    for n in range(1, 8):
        booking.register(session.pk, person(n))
    send_queued_mail()
    mailoutbox.clear()
    assert booking.over_capacity(session) == 0
    assert booking.over_capacity(session, 3) == 2

    assert booking.set_capacity(session.pk, 3, demote=False) == []  # keep everyone
    session.refresh_from_db()
    assert session.capacity == 3 and booking.over_capacity(session) == 2
    assert Registration.objects.filter(session=session, status=S.CONFIRMED).count() == 5
    assert not queued("moved_to_waitlist").exists()

    demoted = booking.set_capacity(session.pk, 3, demote=True)
    assert [r.name for r in demoted] == ["Person 5", "Person 4"]  # the latest confirmed go back
    session.refresh_from_db()
    assert booking.over_capacity(session) == 0
    assert statuses(session) == [
        ("Person 1", S.CONFIRMED),
        ("Person 2", S.CONFIRMED),
        ("Person 3", S.CONFIRMED),
        ("Person 4", S.WAITLISTED),
        ("Person 5", S.WAITLISTED),
        ("Person 6", S.WAITLISTED),
        ("Person 7", S.WAITLISTED),
    ]
    # they keep their arrival time, so they come first on the waiting list
    assert Registration.objects.get(name="Person 4").waitlist_position == 1
    send_queued_mail()
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("person4@example.org", "Wijziging in je aanmelding"),
        ("person5@example.org", "Wijziging in je aanmelding"),
    ]
