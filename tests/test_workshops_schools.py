"""School booking requests: the form on a lesson page and the full path requested → proposed → confirmed."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.test_workshops_fixtures import make_lesson
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
    path = reverse("workshops:school_request", kwargs={"lesson_id": lesson.pk})
    assert path.endswith(f"/{lesson.pk}/schoolaanvraag/")
