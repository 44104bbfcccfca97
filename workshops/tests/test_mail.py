"""Mail from the booking rules through the event engine's outbox: right person, right language, a valid .ics."""

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from events.models import OutboxMail
from events.services import outbox
from tests.factories import person
from workshops.models import Registration
from workshops.services import booking

pytestmark = pytest.mark.django_db


def send_all():
    """Send what the outbox holds (the worker's job; tests/integration/test_booking_mail.py uses a real worker)."""
    ids = list(OutboxMail.objects.filter(status=OutboxMail.Status.QUEUED).values_list("pk", flat=True))
    outbox.send_batch(ids)
    return mail.outbox


def ics_event(message):
    calendars = [a for a in message.attachments if (a[0] if isinstance(a, tuple) else a.filename).endswith(".ics")]
    assert len(calendars) == 1, message.attachments
    content = calendars[0][1] if isinstance(calendars[0], tuple) else calendars[0].content
    cal = icalendar.Calendar.from_ical(content)
    return cal.walk("VEVENT")[0]


def test_english_registration_gets_an_english_confirmation_with_a_valid_ics(client, session):
    with translation.override("en"):
        register_url = reverse("workshops:register", args=[session.pk])
    response = client.post(
        register_url,
        {"name": "Emma Smith", "email": "emma@example.org", "language": "en", "consent": "on", "website": ""},
    )
    assert response.status_code == 302
    sent = send_all()
    assert len(sent) == 1
    message = sent[0]
    assert message.to == ["emma@example.org"]
    assert message.subject == "Your registration is confirmed"
    assert "Dear Emma" in message.body and "Sexting training" in message.body
    assert "Beste" not in message.body
    assert "emma@example.org" not in message.subject
    event = ics_event(message)
    assert event.decoded("dtstart") == session.starts_at
    assert event.decoded("dtend") == session.ends_at
    assert str(event["summary"]) == "Qpido session"  # neutral by default: colleagues may see the calendar
    assert "url" not in event and "Sexting" not in event.to_ical().decode()
    assert session.meeting_url in str(event["description"])


def test_dutch_registration_gets_a_dutch_confirmation(session):
    booking.register(session.pk, person(1, name="Daan de Boer", language="nl"))
    message = send_all()[0]
    assert message.subject == "Je aanmelding is bevestigd"
    assert "Beste Daan" in message.body
    assert str(ics_event(message)["summary"]) == "Bijeenkomst Qpido"


def test_a_training_that_shows_its_title_names_it_in_the_calendar_in_each_language(session, training):
    training.calendar_shows_title = True
    training.save_revision().publish()
    booking.register(session.pk, person(1, name="Daan de Boer", language="nl"))
    booking.register(session.pk, person(2, name="Emma Smith", language="en"))
    by_person = {m.to[0]: ics_event(m) for m in send_all()}
    assert str(by_person["person1@example.org"]["summary"]) == "Training sexting"
    assert str(by_person["person1@example.org"]["url"]) == "http://testserver/training-sexting/"
    assert str(by_person["person2@example.org"]["summary"]) == "Sexting training"  # the English title
    assert str(by_person["person2@example.org"]["url"]) == "http://testserver/en/training-sexting/"  # its page


def test_waitlisted_person_is_told_so_without_calendar_or_meeting_link(session):
    booking.register(session.pk, person(1))
    booking.register(session.pk, person(2))
    send_all()
    mail.outbox.clear()
    booking.register(session.pk, person(3, name="Wanda Waiting", language="en"))
    sent = send_all()
    assert [m.to for m in sent] == [["person3@example.org"]]
    assert "waiting list" in sent[0].body
    assert session.meeting_url not in sent[0].body
    assert not [a for a in sent[0].attachments if (a[0] if isinstance(a, tuple) else a.filename).endswith(".ics")]


def test_promotion_mails_the_promoted_person_once(session):
    first = booking.register(session.pk, person(1))
    booking.register(session.pk, person(2))
    booking.register(session.pk, person(3, name="Wanda Waiting", language="en"))
    send_all()
    mail.outbox.clear()
    booking.cancel_registration(first.pk)
    sent = [m for m in send_all() if m.to != ["person1@example.org"]]  # person 1 is told of their cancellation
    assert [m.to for m in sent] == [["person3@example.org"]]
    assert ics_event(sent[0]).decoded("dtstart") == session.starts_at
    assert Registration.objects.get(email="person3@example.org").status == Registration.Status.CONFIRMED


def test_cancelling_a_session_mails_everybody(session):
    for n in range(1, 4):
        booking.register(session.pk, person(n))
    send_all()
    mail.outbox.clear()
    booking.cancel_session(session.pk)
    sent = send_all()
    assert sorted(m.to[0] for m in sent) == ["person1@example.org", "person2@example.org", "person3@example.org"]


def test_school_proposal_mail_carries_the_response_link(home_page, django_user_model):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import make_lesson, make_school_request
    from workshops.services import schools

    lesson = make_lesson(home_page)
    request = make_school_request(lesson, language="en")
    trainer = django_user_model.objects.create_user("tess", password="x")
    start = timezone.now() + timedelta(days=30)
    schools.propose(request.pk, schools.Proposal(start, start + timedelta(hours=2), trainer))
    sent = send_all()
    assert [m.to for m in sent] == [["k@delinde.nl"]]
    assert "OBS De Linde" in sent[0].body
    link = next(line for line in sent[0].body.splitlines() if "/school-request/" in line).strip()
    assert link.startswith("http://testserver/en/school-request/")  # built with the school's language active
