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
    assert old_mail.status == "sent" and old_mail.rule_key == "confirmation" and old_mail.subject == ""
    assert new_mail.to_email == dirk.email and new_mail.body_text == "Hoi Anna"


def text_columns() -> list[tuple[str, str]]:
    """Every text-like column of every table in the database (also Wagtail's and Django's own tables)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() "
                "AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')"
            )
            return list(cursor.fetchall())
    columns = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'PRAGMA table_info("{table}")')
            columns += [
                (table, row[1])
                for row in cursor.fetchall()
                if any(t in row[2].lower() for t in ("char", "text", "json"))
            ]
    return columns


def where_found(values) -> dict:
    """{value: ["table.column", ...]} for every value still stored anywhere in the database."""
    from django.db import connection

    cast = "::text" if connection.vendor == "postgresql" else ""
    found = {}
    with connection.cursor() as cursor:
        for table, column in text_columns():
            for value in values:
                cursor.execute(
                    f'SELECT COUNT(*) FROM "{table}" WHERE UPPER("{column}"{cast}) LIKE UPPER(%s)', [f"%{value}%"]
                )
                if cursor.fetchone()[0]:
                    found.setdefault(value, []).append(f"{table}.{column}")
    return found


@pytest.mark.django_db
def test_after_the_purge_no_text_column_anywhere_holds_a_purged_name_or_address(data):
    """Mail as the worker stores it (the text with "Beste Anna", the calendar attachment, the error note of an
    earlier attempt that quoted the address), a school's request and its notices to coordinators: after the purge
    a search of every text column of the database finds none of the purged names, addresses, phone numbers or
    remarks, while the same person's mail about a session still to come is untouched and still goes out."""
    from events.models import OutboxMail

    anna, bram = data["people"]["anna"], data["people"]["bram"]
    later = register(data["recent"], "Anna de Vries")  # the same person, also booked for a session still to come
    old_request = data["requests"]["old"]
    SchoolBookingRequest.objects.filter(pk=old_request.pk).update(
        contact_name="Marloes Oudeman",
        email="m.oudeman@vroeger.example.nl",
        phone="030 765 43 21",
        remarks="Bel Marloes op 06 87654321",
    )
    old_request = reload(old_request)
    sent = dict(status="sent", subject="Je aanmelding voor de training")
    rows = [
        OutboxMail.objects.create(
            rule_key="confirmation",
            scope=f"session:{data['old'].pk}",
            recipient_key=f"registration:{anna.pk}",
            to_email=anna.email,
            context={"first_name": "Anna", "name": anna.name},
            body_text=f"Beste Anna,\n\nJe bent aangemeld, {anna.name}.",
            body_html="<p>Beste Anna,</p>",
            attachments=[{"filename": "sessie.ics", "content": f"ATTENDEE:mailto:{anna.email}", "mimetype": "x"}],
            **sent,
        ),
        OutboxMail.objects.create(
            rule_key="reminder",
            scope=f"session:{data['old'].pk}",
            recipient_key=f"registration:{bram.pk}",
            to_email=bram.email,
            status="failed",
            last_error=f"550 5.1.1 <{bram.email}>: Recipient address rejected (Bram Jansen)",
        ),
        OutboxMail.objects.create(
            rule_key="school_request_received",
            scope=f"school_request:{old_request.pk}",
            recipient_key=f"school_request:{old_request.pk}",
            to_email=old_request.email,
            context={"first_name": "Marloes", "name": old_request.contact_name},
            body_text="Beste Marloes Oudeman, we hebben je aanvraag ontvangen. Bel 030 765 43 21.",
            **sent,
        ),
        OutboxMail.objects.create(
            rule_key="school_request_new",
            scope=f"school_request:{old_request.pk}",
            recipient_key="user:1",
            to_email="coordinator@qpido.example",
            context={"contact": old_request.contact_name, "remarks": old_request.remarks},
            body_text=f"Nieuwe aanvraag van Marloes Oudeman ({old_request.email}): Bel Marloes op 06 87654321",
            **sent,
        ),
    ]
    upcoming = OutboxMail.objects.create(
        rule_key="reminder",
        scope=f"session:{data['recent'].pk}",
        recipient_key=f"registration:{later.pk}",
        to_email=later.email,
        status="queued",
        context={"first_name": "Anna"},
        body_text="Beste Anna, tot binnenkort.",
    )
    upcoming_sent = OutboxMail.objects.create(
        rule_key="confirmation",
        scope=f"session:{data['recent'].pk}",
        recipient_key=f"registration:{later.pk}",
        to_email=later.email,
        body_text="Beste Anna, je bent aangemeld.",
        **sent,
    )
    purged = [
        anna.name,
        anna.email,
        bram.name,
        bram.email,
        data["people"]["cem"].name,
        data["people"]["cem"].email,
        old_request.contact_name,
        old_request.email,
        old_request.phone,
        old_request.remarks,
        "old.unanswered@regenboog.example.nl",
    ]
    before = where_found(purged)
    assert set(before) == set(purged), before  # the search finds what is there
    assert any(place.startswith("events_outboxmail.") for place in before[anna.email]), before

    purge_personal_data()

    # the upcoming registration of the same person (same name and address) is theirs to keep: leave its rows out
    upcoming_row = OutboxMail.objects.get(pk=upcoming.pk)
    assert upcoming_row.status == "queued" and upcoming_row.to_email == anna.email
    assert upcoming_row.body_text == "Beste Anna, tot binnenkort." and upcoming_row.context == {"first_name": "Anna"}
    upcoming_sent.refresh_from_db()
    assert (upcoming_sent.to_email, upcoming_sent.body_text) == (anna.email, "Beste Anna, je bent aangemeld.")
    # … so for the search, that registration and its mail go (as its own purge will take them after its session)
    Registration.objects.filter(pk=later.pk).delete()
    OutboxMail.objects.filter(pk__in=[upcoming.pk, upcoming_sent.pk]).delete()
    assert where_found(purged) == {}
    for row in rows:
        row.refresh_from_db()
        assert row.rule_key and row.status in ("sent", "failed")  # the delivery figures stay


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
