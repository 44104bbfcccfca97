"""School booking requests: the form on a lesson page and the full path requested → proposed → confirmed."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import make_lesson
from workshops.models import SchoolBookingRequest, Session
from workshops.services import schools
from workshops.tokens import make_token

pytestmark = pytest.mark.django_db

St = SchoolBookingRequest.Status


def next_weekday(days_ahead=30):
    day = timezone.localdate() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def request_data(**overrides):
    data = {
        "school_name": "OBS De Linde",
        "contact_name": "Karin Jansen",
        "email": "K.Jansen@DeLinde.NL",
        "phone": "020 123 4567",
        "town": "Utrecht",
        "school_type": "primary",
        "year_group": "groep 7/8",
        "groups": "2",
        "pupils": "48",
        "date_1": next_weekday(30).isoformat(),
        "part_of_day_1": "morning",
        "date_2": next_weekday(37).isoformat(),
        "part_of_day_2": "afternoon",
        "date_3": "",
        "part_of_day_3": "",
        "remarks": "Graag na de pauze.",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def lesson(home_page):
    return make_lesson(home_page)


@pytest.fixture
def trainer(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("trainer", first_name="Tess", last_name="Trainer", password="x")
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


def school_url(lesson, language="nl"):
    with translation.override(language):
        return reverse("workshops:school_request", kwargs={"lesson_id": lesson.pk})


def test_the_form_stores_a_request(client, lesson):
    response = client.post(school_url(lesson, "en"), request_data())
    assert response.status_code == 302
    request = SchoolBookingRequest.objects.get()
    assert request.status == St.REQUESTED
    assert request.email == "K.Jansen@delinde.nl"
    assert request.language == "en"
    assert [part for _day, part in request.preferred_dates] == ["morning", "afternoon"]


def test_bad_school_input_is_explained_in_both_languages(client, lesson):
    saturday = timezone.localdate() + timedelta(days=30)
    while saturday.weekday() != 5:
        saturday += timedelta(days=1)
    bad = request_data(
        phone="12", groups="0", date_1=(timezone.localdate() - timedelta(days=1)).isoformat(), date_2=saturday
    )
    en = client.post(school_url(lesson, "en"), bad).content.decode()
    nl = client.post(school_url(lesson), bad).content.decode()
    assert "valid phone number" in en and "geldig telefoonnummer" in nl
    assert "between 1 and 30" in en and "tussen 1 en 30" in nl
    assert "must be in the future" in en and "moet in de toekomst liggen" in nl
    assert "closed at the weekend" in en
    assert not SchoolBookingRequest.objects.exists()


def test_full_path_requested_proposed_confirmed(client, lesson, trainer):
    client.post(school_url(lesson, "en"), request_data())
    request = SchoolBookingRequest.objects.get()
    start = timezone.now().replace(microsecond=0) + timedelta(days=30)

    schools.propose(request.pk, schools.Proposal(start, start + timedelta(hours=2), trainer, "Lindelaan 1, Utrecht"))
    request.refresh_from_db()
    assert request.status == St.PROPOSED

    link = reverse("workshops:school_response", args=[make_token(request, "school")])
    page = client.get(link).content.decode()
    assert "Tess Trainer" in page
    assert 'value="accept"' in page and 'value="decline"' in page

    response = client.post(link, {"action": "accept"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == St.CONFIRMED
    session = request.session
    assert session.is_public is False
    assert session.lesson_id == lesson.pk and session.starts_at == start
    assert list(session.trainers.all()) == [trainer]
    assert session.address == "Lindelaan 1, Utrecht"
    from events.models import EventLog

    assert list(
        EventLog.objects.filter(object_type="school_request").order_by("id").values_list("action", flat=True)
    ) == [
        "school_requested",
        "school_proposed",
        "school_confirmed",
    ]
    # A second click creates nothing new.
    client.post(link, {"action": "accept"})
    assert Session.objects.count() == 1
    # A confirmed request cannot be withdrawn or declined any more.
    with pytest.raises(schools.TransitionError):
        schools.withdraw(request.pk)
    with pytest.raises(schools.TransitionError):
        schools.decline(request.pk)


def test_decline_and_withdraw(lesson, trainer):
    start = timezone.now() + timedelta(days=20)
    data = {k: v for k, v in request_data().items() if k not in ("consent", "website")}
    data.update(
        groups=2,
        pupils=40,
        date_1=date.fromisoformat(data["date_1"]),
        date_2=None,
        part_of_day_2="",
        date_3=None,
        part_of_day_3="",
    )
    declined = schools.create_request(lesson.pk, data)
    schools.propose(declined.pk, schools.Proposal(start, start + timedelta(hours=1), trainer))
    assert schools.decline(declined.pk).status == St.DECLINED
    with pytest.raises(schools.TransitionError):
        schools.accept(declined.pk)

    withdrawn = schools.create_request(lesson.pk, data)
    assert schools.withdraw(withdrawn.pk).status == St.WITHDRAWN
    with pytest.raises(schools.TransitionError):
        schools.propose(withdrawn.pk, schools.Proposal(start, start + timedelta(hours=1), trainer))
    assert not Session.objects.exists()


def test_school_request_url_name_for_lesson_pages(lesson):
    with translation.override("nl"):
        path = reverse("workshops:school_request", kwargs={"lesson_id": lesson.pk})
    assert path.endswith(f"/{lesson.pk}/schoolaanvraag/")


def test_a_new_request_is_acknowledged_to_the_school_and_announced_to_the_coordinators(
    client, lesson, django_user_model
):
    from django.contrib.auth.models import Group
    from django.core import mail

    from events.models import OutboxMail
    from events.services import outbox

    coordinators = Group.objects.get(name="Coordinators")
    dutch = django_user_model.objects.create_user("coby", email="coby@qpido.example", first_name="Coby")
    english = django_user_model.objects.create_user("cole", email="cole@qpido.example", first_name="Cole")
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(english)
    profile.preferred_language = "en"
    profile.save()
    away = django_user_model.objects.create_user("gone", email="gone@qpido.example", is_active=False)
    for user in (dutch, english, away):
        user.groups.add(coordinators)
    django_user_model.objects.create_user("ed", email="ed@qpido.example")  # an editor, not a coordinator

    assert client.post(school_url(lesson, "en"), request_data()).status_code == 302
    request = SchoolBookingRequest.objects.get()
    rows = OutboxMail.objects.order_by("to_email")
    assert [(row.rule_key, row.to_email, row.language) for row in rows] == [
        ("school_request_received", "K.Jansen@delinde.nl", "en"),
        ("school_request_new", "coby@qpido.example", "nl"),
        ("school_request_new", "cole@qpido.example", "en"),
    ]
    outbox.send_batch(list(rows.values_list("pk", flat=True)))
    sent = {message.to[0]: message for message in mail.outbox}
    school = sent["K.Jansen@delinde.nl"]
    assert school.subject == "We have received your request"
    # anyone can type any address into the form: the acknowledgement holds nothing the visitor typed
    assert "Sexting & Grooming" in school.body and school.body.startswith("Hello,")
    assert not {"Karin", "Linde", "Utrecht"} & set(school.body.replace(",", " ").split())
    assert sent["coby@qpido.example"].subject == "Nieuwe schoolaanvraag"
    assert "uit Utrecht" in sent["coby@qpido.example"].body
    admin_link = reverse("workshops_schoolrequest:inspect", args=[request.pk])
    assert admin_link in sent["cole@qpido.example"].body and "from Utrecht" in sent["cole@qpido.example"].body
    for message in sent.values():  # neutral subjects: no school, person or town
        assert not {"Linde", "Karin", "Utrecht"} & set(message.subject.split())
