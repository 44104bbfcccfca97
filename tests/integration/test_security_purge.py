"""purge_personal_data: personal data goes a configurable number of days after the session; counts stay."""

import datetime
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from evaluations.models import EvaluationAnswer
from workshops.models import Registration, SchoolBookingRequest, Session
from workshops.purge import ANONYMISED_DOMAIN, purge_personal_data
from workshops.tokens import make_token, read_token

NOW = timezone.now()


def make_session(ended_days_ago: int) -> Session:
    end = NOW - datetime.timedelta(days=ended_days_ago)
    return Session.objects.create(starts_at=end - datetime.timedelta(hours=3), ends_at=end, capacity=10)


def register(session, name, status=Registration.Status.CONFIRMED, **extra) -> Registration:
    email = f"{name.lower().replace(' ', '.')}@school.example.nl"
    return Registration.objects.create(
        session=session,
        name=name,
        email=email,
        organisation="Het Lyceum",
        role="mentor",
        status=status,
        consent_at=NOW,
        **extra,
    )


def answer(session, rating, name=""):
    return EvaluationAnswer.objects.create(
        session=session, edit_key_hash=uuid.uuid4().hex, rating_session=rating, rating_material=3, respondent_name=name
    )


def school_request(lesson, session=None, **extra):
    values = dict(
        lesson=lesson,
        school_name="De Regenboog",
        contact_name="Mirjam Bakker",
        email="m.bakker@regenboog.example.nl",
        phone="020 123 45 67",
        town="Amsterdam",
        school_type="primary",
        year_group="groep 7",
        groups=2,
        pupils=50,
        date_1=(NOW - datetime.timedelta(days=200)).date(),
        remarks="Call Mirjam on 06 12345678",
        session=session,
    )
    values.update(extra)
    return SchoolBookingRequest.objects.create(**values)


@pytest.fixture
def lesson(home_page):
    from home.models import LessonPage

    page = LessonPage(title="Liefde is…", slug="liefde-is-purge-test")
    for name, value in (("title_nl", "Liefde is…"), ("slug_nl", "liefde-is-purge-test")):
        if hasattr(page, name):
            setattr(page, name, value)
    home_page.add_child(instance=page)
    return page


@pytest.fixture
def data(lesson):
    old, recent = make_session(100), make_session(10)
    people = {
        "anna": register(old, "Anna de Vries", Registration.Status.ATTENDED, evaluation_responded_at=NOW),
        "bram": register(old, "Bram Jansen", Registration.Status.CANCELLED),
        "cem": register(old, "Cem Yilmaz", Registration.Status.NO_SHOW),
        "dirk": register(recent, "Dirk Smit"),
        "eva": register(recent, "Eva Visser", Registration.Status.WAITLISTED),
    }
    answers = [answer(old, 5, name="Anna de Vries"), answer(old, 3), answer(recent, 4, name="Dirk Smit")]
    requests = {
        "old": school_request(lesson, session=old),
        "unanswered": school_request(lesson, email="old.unanswered@regenboog.example.nl"),
        "recent": school_request(lesson, session=recent, email="recent@regenboog.example.nl"),
        "future_date": school_request(
            lesson,
            email="future@regenboog.example.nl",
            date_1=(NOW - datetime.timedelta(days=200)).date(),
            date_2=(NOW + datetime.timedelta(days=20)).date(),
        ),
    }
    SchoolBookingRequest.objects.filter(pk__in=[r.pk for r in requests.values()]).update(
        created_at=NOW - datetime.timedelta(days=150)
    )
    return {"old": old, "recent": recent, "people": people, "answers": answers, "requests": requests}


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.mark.django_db
def test_registrations_of_long_past_sessions_are_anonymised_and_their_links_die(data):
    tokens = {key: make_token(reg, "manage") for key, reg in data["people"].items()}
    result = purge_personal_data()
    assert result.days == 90
    for key in ("anna", "bram", "cem"):
        reg = reload(data["people"][key])
        assert (reg.name, reg.organisation, reg.role) == ("", "", "")
        assert reg.email.endswith("@" + ANONYMISED_DOMAIN) and key not in reg.email
        assert read_token(tokens[key], "manage") is None
    for key in ("dirk", "eva"):
        reg = reload(data["people"][key])
        assert reg.name == data["people"][key].name and reg.email == data["people"][key].email
        assert read_token(tokens[key], "manage") == reg
    # statuses and timestamps stay, so the counts do
    assert reload(data["people"]["anna"]).status == Registration.Status.ATTENDED
    assert reload(data["people"]["anna"]).evaluation_responded_at is not None
    assert result.changed["registrations"] == 3


@pytest.mark.django_db
def test_counts_and_evaluation_aggregates_are_kept(data):
    result = purge_personal_data()
    for name in (
        "registrations",
        "registrations attended",
        "registrations cancelled",
        "registrations evaluated",
        "school requests",
        "school requests confirmed",
        "evaluation answers",
        "average session rating",
        "average material rating",
    ):
        assert result.after[name] == result.before[name], name
    assert result.before["average session rating"] == 4.0
    assert result.before["registrations with personal data"] == 5
    assert result.after["registrations with personal data"] == 2
    assert result.after["evaluation answers with a name"] == 1  # only the recent session's answer keeps its name
    assert reload(data["answers"][0]).respondent_name == ""
    assert reload(data["answers"][0]).rating_session == 5


@pytest.mark.django_db
def test_school_requests_lose_contact_details_after_their_session_or_latest_date(data):
    purge_personal_data()
    old = reload(data["requests"]["old"])
    assert (old.contact_name, old.phone, old.remarks) == ("", "", "")
    assert old.email.endswith("@" + ANONYMISED_DOMAIN)
    assert (old.school_name, old.town, old.pupils) == ("De Regenboog", "Amsterdam", 50)
    assert reload(data["requests"]["unanswered"]).contact_name == ""
    assert reload(data["requests"]["recent"]).contact_name == "Mirjam Bakker"
    assert reload(data["requests"]["future_date"]).contact_name == "Mirjam Bakker"


@pytest.mark.django_db
def test_outbox_mails_of_purged_people_lose_address_and_body(data):
    pytest.importorskip("events.models")
    from events.models import OutboxMail

    anna, dirk = data["people"]["anna"], data["people"]["dirk"]
    common = dict(rule_key="confirmation", status="sent", subject="Je aanmelding", body_text="Hoi Anna")
    old_mail = OutboxMail.objects.create(
        scope=f"session:{data['old'].pk}", recipient_key=f"registration:{anna.pk}", to_email=anna.email, **common
    )
    new_mail = OutboxMail.objects.create(
        scope=f"session:{data['recent'].pk}", recipient_key=f"registration:{dirk.pk}", to_email=dirk.email, **common
    )
    purge_personal_data()
    old_mail, new_mail = reload(old_mail), reload(new_mail)
    assert anna.email not in old_mail.to_email and old_mail.body_text == "" and old_mail.context == {}
    assert old_mail.status == "sent" and old_mail.subject == "Je aanmelding"
    assert new_mail.to_email == dirk.email and new_mail.body_text == "Hoi Anna"


@pytest.mark.django_db
def test_running_twice_changes_nothing_more(data):
    purge_personal_data()
    second = purge_personal_data()
    assert set(second.changed.values()) == {0}
    assert second.before == second.after


@pytest.mark.django_db
def test_the_number_of_days_is_configurable(data, settings):
    settings.PURGE_PERSONAL_DATA_AFTER_DAYS = 5
    result = purge_personal_data()
    assert result.changed["registrations"] == 5
    assert reload(data["people"]["dirk"]).name == ""
    assert purge_personal_data(days=0).changed["registrations"] == 0
    with pytest.raises(ValueError):
        purge_personal_data(days=-1)


@pytest.mark.django_db
def test_the_command_prints_counts_before_and_after(data):
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    text = out.getvalue()
    assert "(90 days)" in text
    lines = {line.split("  ")[0].strip(): line.split() for line in text.splitlines()}
    assert lines["registrations with personal data"][-2:] == ["5", "2"]
    assert lines["registrations"][-2:] == ["5", "5"]
    assert lines["school requests with personal data"][-2:] == ["4", "2"]
    assert "anonymised: 3 registrations, 2 school requests" in text
    assert "@" not in text  # counts only


def test_the_task_runs_nightly_from_beat(settings):
    from cms.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["purge-personal-data"]
    assert entry["task"] == "workshops.purge_personal_data"
    assert entry["schedule"] == 24 * 60 * 60
    app.loader.import_default_modules()
    assert "workshops.purge_personal_data" in app.tasks


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_task_runs_in_a_real_worker(celery_worker):
    """Sessions and registrations only (no pages): earlier transactional tests may have flushed Wagtail's tree."""
    old, recent = make_session(120), make_session(3)
    anna, dirk = register(old, "Anna de Vries"), register(recent, "Dirk Smit")
    from workshops.purge import purge_personal_data_task

    result = purge_personal_data_task.delay().get(timeout=60)
    assert result["changed_registrations"] == 1
    assert reload(anna).name == "" and reload(dirk).name == "Dirk Smit"
