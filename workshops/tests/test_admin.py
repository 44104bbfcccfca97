"""The coordinator's admin: filters, trainer-only visibility, participants with check-in, exports, actions."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from tests.factories import make_lesson, make_school_request, make_session, person
from workshops.models import Registration, SchoolBookingRequest, Session
from workshops.services import booking

pytestmark = pytest.mark.django_db

EXPORT_HEADINGS = [
    "Session",
    "Starts at",
    "Name",
    "E-mail address",
    "Organisation",
    "Role",
    "Preferred language",
    "Status",
    "Registered at",
    "Promoted from the waiting list at",
    "Cancelled at",
    "Homework done at",
]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def member(django_user_model, username, group):
    user = django_user_model.objects.create_user(username, password="x", first_name=username.title())
    user.groups.add(Group.objects.get(name=group))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"  # the admin in English, so the test reads the English headings
    profile.save()
    return user


@pytest.fixture
def coordinator(django_user_model):
    return member(django_user_model, "coordinator", "Coordinators")


@pytest.fixture
def trainers(django_user_model):
    return member(django_user_model, "tess", "Trainers"), member(django_user_model, "tom", "Trainers")


@pytest.fixture
def two_sessions(training, trainers):
    tess, tom = trainers
    mine = make_session(training, capacity=1)
    mine.trainers.add(tess)
    other = make_session(training, days=30)
    other.trainers.add(tom)
    booking.register(mine.pk, person(1, name="Mine Participant"))
    booking.register(mine.pk, person(2, name="Mine Waiting"))
    booking.register(other.pk, person(3, name="Other Participant"))
    return mine, other


def test_trainer_sees_only_own_sessions_and_participants(client, trainers, two_sessions):
    mine, other = two_sessions
    client.force_login(trainers[0])
    index = client.get(reverse("workshops_session:index"))
    assert index.status_code == 200
    assert [s.pk for s in index.context["object_list"]] == [mine.pk]
    assert client.get(reverse("workshops_session:participants", args=[mine.pk])).status_code == 200
    assert client.get(reverse("workshops_session:participants", args=[other.pk])).status_code == 404
    assert client.get(reverse("workshops_session:inspect", args=[other.pk])).status_code == 404
    assert client.get(reverse("workshops_session:edit", args=[mine.pk])).status_code in (302, 403)
    exported = client.get(reverse("workshops_registration:index") + "?export=csv")
    names = [row["Name"] for row in csv.DictReader(io.StringIO(body(exported).decode("utf-8-sig")))]
    assert sorted(names) == ["Mine Participant", "Mine Waiting"]
    # Trainers may check in but not cancel somebody.
    participant = Registration.objects.get(name="Mine Participant")
    client.post(
        reverse("workshops_session:participants", args=[mine.pk]),
        {"registration": participant.pk, "action": "attended"},
    )
    participant.refresh_from_db()
    assert participant.status == Registration.Status.ATTENDED
    client.post(
        reverse("workshops_session:participants", args=[mine.pk]), {"registration": participant.pk, "action": "cancel"}
    )
    participant.refresh_from_db()
    assert participant.status == Registration.Status.ATTENDED


def test_coordinator_sees_all_and_filters(client, coordinator, trainers, two_sessions):
    mine, other = two_sessions
    client.force_login(coordinator)
    index = client.get(reverse("workshops_session:index"))
    assert {s.pk for s in index.context["object_list"]} == {mine.pk, other.pk}
    assert "1/1 (+1)" in index.content.decode()  # seats taken / capacity (+ waiting)
    by_trainer = client.get(reverse("workshops_session:index") + f"?trainer={trainers[1].pk}")
    assert [s.pk for s in by_trainer.context["object_list"]] == [other.pk]
    past = make_session(mine.training, days=-10)
    upcoming = client.get(reverse("workshops_session:index") + "?upcoming=true")
    assert past.pk not in {s.pk for s in upcoming.context["object_list"]}
    cancelled = client.get(reverse("workshops_session:index") + "?status=cancelled")
    assert list(cancelled.context["object_list"]) == []
    page = client.get(reverse("workshops_session:participants", args=[mine.pk])).content.decode()
    assert "Mine Participant" in page and "Mine Waiting" in page and "on the waiting list" in page


def test_export_columns_csv_and_xlsx(client, coordinator, two_sessions):
    mine, _other = two_sessions
    client.force_login(coordinator)
    base = reverse("workshops_registration:index") + f"?session={mine.pk}"
    response = client.get(base + "&export=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert rows[0] == EXPORT_HEADINGS
    assert [row[2] for row in rows[1:]] == ["Mine Participant", "Mine Waiting"]
    assert rows[1][7] == "confirmed" and rows[2][7] == "on the waiting list"
    xlsx = client.get(base + "&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(body(xlsx))).active
    assert [cell.value for cell in sheet[1]] == EXPORT_HEADINGS
    assert sheet.max_row == 3


def test_cancel_session_from_the_admin(client, coordinator, two_sessions):
    mine, _other = two_sessions
    client.force_login(coordinator)
    confirm = client.get(reverse("workshops_session:cancel", args=[mine.pk]))
    assert "2 participants" in confirm.content.decode()
    client.post(reverse("workshops_session:cancel", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.status == Session.Status.CANCELLED
    assert not mine.registrations.exclude(status=Registration.Status.CANCELLED).exists()


def test_trainers_cannot_cancel_or_duplicate(client, trainers, two_sessions):
    mine, _other = two_sessions
    client.force_login(trainers[0])
    assert client.post(reverse("workshops_session:cancel", args=[mine.pk])).status_code in (302, 403)
    assert client.get(reverse("workshops_session:duplicate", args=[mine.pk])).status_code in (302, 403)
    mine.refresh_from_db()
    assert mine.status == Session.Status.SCHEDULED and Session.objects.count() == 2


def test_duplicate_session_from_the_admin(client, coordinator, two_sessions):
    mine, _other = two_sessions
    client.force_login(coordinator)
    response = client.get(reverse("workshops_session:duplicate", args=[mine.pk]))
    copy = Session.objects.order_by("-pk").first()
    assert response["Location"] == reverse("workshops_session:edit", args=[copy.pk])
    assert copy.starts_at == mine.starts_at + timedelta(days=7)


def test_raising_capacity_in_the_edit_form_promotes(client, coordinator, two_sessions):
    mine, _other = two_sessions
    client.force_login(coordinator)
    edit = client.get(reverse("workshops_session:edit", args=[mine.pk]))
    assert edit.status_code == 200
    form = edit.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name in ("starts_at", "ends_at"):
            value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        if name == "trainers":
            value = [u.pk for u in value]
        if name == "is_public":
            value = "on" if value else ""
        data[name] = "" if value is None else value
    data["capacity"] = "2"
    response = client.post(reverse("workshops_session:edit", args=[mine.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    assert Registration.objects.get(name="Mine Waiting").status == Registration.Status.CONFIRMED


def test_school_request_queue_and_proposal(client, coordinator, trainers, home_page):
    lesson = make_lesson(home_page)
    request = make_school_request(lesson)
    client.force_login(coordinator)
    queue = client.get(reverse("workshops_schoolrequest:index") + "?status=requested")
    assert [r.pk for r in queue.context["object_list"]] == [request.pk]
    start = timezone.localtime() + timedelta(days=30)
    response = client.post(
        reverse("workshops_schoolrequest:propose", args=[request.pk]),
        {
            "starts_at": start.strftime("%Y-%m-%d 09:00"),
            "ends_at": start.strftime("%Y-%m-%d 08:00"),
            "trainer": trainers[0].pk,
            "address": "Lindelaan 1",
        },
    )
    assert "The end must be after the start." in response.content.decode()
    response = client.post(
        reverse("workshops_schoolrequest:propose", args=[request.pk]),
        {
            "starts_at": start.strftime("%Y-%m-%d 09:00"),
            "ends_at": start.strftime("%Y-%m-%d 11:00"),
            "trainer": trainers[0].pk,
            "address": "Lindelaan 1",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == SchoolBookingRequest.Status.PROPOSED
    assert request.proposed_trainer == trainers[0]
    assert timezone.localtime(request.proposed_starts_at).hour == 9  # entered in Amsterdam time


def test_admin_screens_render_for_a_coordinator(client, coordinator, two_sessions, home_page):
    mine, _other = two_sessions
    lesson = make_lesson(home_page)
    request = make_school_request(lesson)
    registration = Registration.objects.filter(session=mine).first()
    client.force_login(coordinator)
    for name, args in [
        ("workshops_session:index", []),
        ("workshops_session:add", []),
        ("workshops_session:edit", [mine.pk]),
        ("workshops_session:inspect", [mine.pk]),
        ("workshops_session:participants", [mine.pk]),
        ("workshops_session:cancel", [mine.pk]),
        ("workshops_registration:index", []),
        ("workshops_registration:edit", [registration.pk]),
        ("workshops_schoolrequest:index", []),
        ("workshops_schoolrequest:inspect", [request.pk]),
        ("workshops_schoolrequest:propose", [request.pk]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_session_form_rejects_bad_input(client, coordinator, training):
    client.force_login(coordinator)
    response = client.post(
        reverse("workshops_session:add"),
        {
            "training": training.pk,
            "starts_at": "2030-05-01 10:00",
            "ends_at": "2030-05-01 09:00",
            "mode": "online",
            "meeting_url": "",
            "language": "nl",
            "status": "scheduled",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()  # the coordinator's admin language is English
    assert "The end must be after the start." in page
    assert "An online session needs a meeting link." in page
    assert not Session.objects.exists()


def test_a_past_session_reads_took_place_in_the_sessions_list(client, coordinator, training):
    """Nothing marks a session completed when it ends; the list says so itself, in the admin's language."""
    make_session(training, days=-3)
    client.force_login(coordinator)
    assert "took place" in client.get(reverse("workshops_session:index")).content.decode()
    profile = UserProfile.get_for_user(coordinator)
    profile.preferred_language = "nl"
    profile.save()
    assert "afgelopen" in client.get(reverse("workshops_session:index")).content.decode()
