"""A session's life after it is scheduled: moved, its capacity lowered, cancelled, hidden while its training is a
draft. Everyone on it is told, in their language, with a calendar file that replaces the old entry."""

import csv
import io
from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from events.models import MailRule, OutboxMail
from events.services import outbox
from tests.factories import make_session, person
from workshops.models import SHOWN_TZ, Registration, Session
from workshops.services import booking, sessions

pytestmark = pytest.mark.django_db
S = Registration.Status


def send_all():
    """What the worker does: send every queued mail (tests/integration runs a real worker)."""
    ids = list(OutboxMail.objects.filter(status=OutboxMail.Status.QUEUED).values_list("pk", flat=True))
    outbox.send_batch(ids)
    sent = list(mail.outbox)
    mail.outbox.clear()
    return sent


def calendar_of(message):
    """The parsed .ics attached to a mail (or None), and its METHOD."""
    for attachment in message.attachments:
        filename, content = (attachment[0], attachment[1]) if isinstance(attachment, tuple) else attachment[:2]
        if filename.endswith(".ics"):
            return icalendar.Calendar.from_ical(content)
    return None


def event_of(cal):
    return cal.walk("VEVENT")[0]


@pytest.fixture
def booked(training):
    """A session a month ahead with two seats: Daan (nl) and Emma (en) confirmed, Wim (nl) waiting."""
    session = make_session(training, capacity=2, days=30, meeting_url="https://meet.example.org/old-room")
    booking.register(session.pk, person(1, name="Daan de Boer", language="nl"))
    booking.register(session.pk, person(2, name="Emma Smith", language="en"))
    booking.register(session.pk, person(3, name="Wim Wachter", language="nl"))
    sent = send_all()  # confirmations and the waiting-list notice
    session = Session.objects.get(pk=session.pk)
    session.first_mail = {message.to[0]: message for message in sent}
    return session


def moved(session, days=1, hours=0):
    return {
        "starts_at": session.starts_at + timedelta(days=days, hours=hours),
        "ends_at": session.ends_at + timedelta(days=days, hours=hours),
    }


# --- 1. reschedule ----------------------------------------------------------------------------------------------
def test_a_moved_session_tells_everyone_once_in_their_language_with_an_updated_invitation(booked):
    old_start = booked.starts_at
    invitations = {to: calendar_of(message) for to, message in booked.first_mail.items()}
    confirmation_uid = {to: str(event_of(cal)["uid"]) for to, cal in invitations.items() if cal is not None}
    assert sorted(confirmation_uid) == ["person1@example.org", "person2@example.org"]
    booking.register(booked.pk, person(4, name="Late Larry", language="en"))  # waiting too
    send_all()

    outcome = sessions.save(booked.pk, moved(booked, days=1))
    assert outcome.told == 4
    sent = {message.to[0]: message for message in send_all()}
    assert sorted(sent) == [f"person{n}@example.org" for n in (1, 2, 3, 4)]

    daan, emma, wim = sent["person1@example.org"], sent["person2@example.org"], sent["person3@example.org"]
    assert daan.subject == "Je bijeenkomst is gewijzigd" and emma.subject == "Your session has changed"
    with translation.override("nl"):
        assert "Wanneer:" in daan.body and "→" in daan.body
    assert "When:" in emma.body and "→" in emma.body
    new_start = old_start + timedelta(days=1)
    assert f"{new_start.astimezone(SHOWN_TZ):%H:%M}" in emma.body
    for message in (daan, emma):
        uid = confirmation_uid[message.to[0]]
        cal = calendar_of(message)
        event = event_of(cal)
        assert str(cal["method"]) == "REQUEST"
        assert str(event["uid"]) == uid  # the same entry, replaced
        assert int(event["sequence"]) == 1
        assert event.decoded("dtstart") == new_start
        assert "https://meet.example.org/old-room" in str(event["description"])
    assert calendar_of(wim) is None  # no seat, no calendar entry
    assert "meet.example.org" not in wim.body
    # the same save again changes nothing and tells nobody
    assert sessions.save(booked.pk, moved(Session.objects.get(pk=booked.pk), days=0)).told == 0
    assert send_all() == []


def test_only_capacity_or_trainers_changed_tells_nobody(booked, django_user_model):
    trainer = django_user_model.objects.create_user("tess")
    outcome = sessions.save(booked.pk, {}, trainers=[trainer], capacity=5)
    assert outcome.told == 0
    sent = send_all()
    # the capacity went up: the person waiting got a seat (that mail), nobody was told of a "change"
    assert [m.to[0] for m in sent] == ["person3@example.org"]
    assert not OutboxMail.objects.filter(rule_key="session_changed").exists()
    assert Session.objects.get(pk=booked.pk).sequence == 0


def test_a_new_meeting_link_is_told_to_the_people_with_a_seat_only(booked):
    outcome = sessions.save(booked.pk, {"meeting_url": "https://meet.example.org/new-room"})
    assert outcome.told == 2
    sent = {m.to[0]: m for m in send_all()}
    assert sorted(sent) == ["person1@example.org", "person2@example.org"]
    assert "https://meet.example.org/old-room" in sent["person2@example.org"].body
    assert "https://meet.example.org/new-room" in sent["person2@example.org"].body
    assert "https://meet.example.org/new-room" in str(event_of(calendar_of(sent["person1@example.org"]))["description"])


def test_a_started_session_is_corrected_without_telling_anyone(training):
    session = make_session(training, days=0)
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(minutes=30))
    booking_row = Registration.objects.create(
        session=session, name="Anna", email="anna@example.org", status=S.CONFIRMED, consent_at=timezone.now()
    )
    assert sessions.save(session.pk, {"ends_at": timezone.now() - timedelta(minutes=1)}).told == 0
    assert not OutboxMail.objects.filter(recipient_key=f"registration:{booking_row.pk}").exists()


def test_the_public_feed_shows_the_new_time_with_a_higher_sequence(client, booked):
    sessions.save(booked.pk, moved(booked, days=2))
    feed = icalendar.Calendar.from_ical(client.get(reverse("workshops:calendar")).content)
    assert str(feed["method"]) == "PUBLISH"
    event = next(e for e in feed.walk("VEVENT") if str(e["uid"]).startswith(f"session-{booked.pk}@"))
    assert event.decoded("dtstart") == booked.starts_at + timedelta(days=2)
    assert int(event["sequence"]) == 1


def edit_data(client, session):
    """The session's edit form as the admin shows it, ready to post back."""
    form = client.get(reverse("workshops_session:edit", args=[session.pk])).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name in ("starts_at", "ends_at"):
            value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        if name == "trainers":
            value = [u.pk for u in value]
        if name == "is_public":
            value = "on" if value else ""
        if name in ("training", "lesson"):
            value = getattr(value, "pk", value)
        data[name] = "" if value is None else value
    return data


@pytest.fixture
def coordinator(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("coordinator", password="x")
    user.groups.add(Group.objects.get(name="Coordinators"))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def test_the_admin_says_how_many_people_will_be_told_and_saves_only_when_confirmed(client, coordinator, booked):
    client.force_login(coordinator)
    url = reverse("workshops_session:edit", args=[booked.pk])
    data = edit_data(client, booked)
    new_start = timezone.localtime(booked.starts_at + timedelta(days=1)).replace(second=0, microsecond=0)
    data["starts_at"] = new_start.strftime("%Y-%m-%d %H:%M")
    data["ends_at"] = timezone.localtime(booked.ends_at + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")

    asked = client.post(url, data)
    page = asked.content.decode()
    assert asked.status_code == 200
    assert "3 people will be told" in page and "2 confirmed, 1 on the waiting list" in page
    assert "Save and tell 3 people" in page and "→" in page
    assert Session.objects.get(pk=booked.pk).starts_at == booked.starts_at  # nothing saved yet
    assert not OutboxMail.objects.filter(rule_key="session_changed").exists()

    data["confirm_change"] = asked.context["form"].data["confirm_change"]
    saved = client.post(url, data)
    assert saved.status_code == 302
    assert Session.objects.get(pk=booked.pk).starts_at == new_start
    assert OutboxMail.objects.filter(rule_key="session_changed").count() == 3
    message = client.get(saved["Location"]).content.decode()
    assert "3 people are being told about the change." in message


def test_the_admin_changing_only_the_capacity_upwards_saves_at_once(client, coordinator, booked):
    client.force_login(coordinator)
    data = edit_data(client, booked)
    data["capacity"] = "3"
    response = client.post(reverse("workshops_session:edit", args=[booked.pk]), data)
    assert response.status_code == 302
    assert Registration.objects.get(email="person3@example.org").status == S.CONFIRMED
    assert not OutboxMail.objects.filter(rule_key="session_changed").exists()


# --- capacity lowered (issue 14, point 5) -------------------------------------------------------------------------
@pytest.mark.parametrize(("choice", "waiting"), [("keep", []), ("demote", ["person2@example.org"])])
def test_lowering_the_capacity_asks_to_keep_everyone_or_move_the_latest_back(
    client, coordinator, booked, choice, waiting
):
    client.force_login(coordinator)
    url = reverse("workshops_session:edit", args=[booked.pk])
    data = edit_data(client, booked)
    data["capacity"] = "1"
    asked = client.post(url, data)
    page = asked.content.decode()
    assert asked.status_code == 200
    assert "1 confirmed person has no seat with this capacity" in page
    assert "Keep everyone" in page and "Move the latest confirmed person back" in page
    assert Session.objects.get(pk=booked.pk).capacity == 2 and send_all() == []

    data["over_capacity"] = choice
    assert client.post(url, data).status_code == 302
    assert Session.objects.get(pk=booked.pk).capacity == 1
    now_waiting = Registration.objects.filter(session=booked, status=S.WAITLISTED).exclude(email="person3@example.org")
    assert [r.email for r in now_waiting] == waiting
    told = [m for m in send_all() if m.subject in ("A change to your registration", "Wijziging in je aanmelding")]
    assert [m.to[0] for m in told] == waiting  # Emma registered last of the confirmed: she is moved and told
    if waiting:
        assert Registration.objects.get(email="person2@example.org").waitlist_position == 1


# --- 2. calendar files ------------------------------------------------------------------------------------------
def test_every_calendar_file_has_method_uid_sequence_dtstamp_and_the_amsterdam_time_zone(client, booked):
    registration = Registration.objects.get(email="person1@example.org")
    from workshops.tokens import make_token

    own = icalendar.Calendar.from_ical(
        client.get(reverse("workshops:manage_ics", args=[make_token(registration, "manage")])).content
    )
    public = icalendar.Calendar.from_ical(client.get(reverse("workshops:session_ics", args=[booked.pk])).content)
    feed = icalendar.Calendar.from_ical(client.get(reverse("workshops:calendar")).content)
    for cal in (own, public, feed):
        assert str(cal["method"]) == "PUBLISH"
        assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
        event = next(e for e in cal.walk("VEVENT") if "session-" in str(e["uid"]))
        assert event["dtstart"].params["TZID"] == "Europe/Amsterdam"
        assert event.decoded("dtstart") == booked.starts_at
        assert "dtstamp" in event and int(event["sequence"]) == 0
        assert str(event["summary"]) == "Bijeenkomst Qpido"  # neutral, in the language of the page
        assert "Sexting" not in cal.to_ical().decode()
    assert "https://meet.example.org/old-room" in str(event_of(own)["description"])  # the confirmed person's own
    assert "meet.example.org" not in public.to_ical().decode()
    with translation.override("en"):
        english = client.get(reverse("workshops:session_ics", args=[booked.pk])).content
    assert str(event_of(icalendar.Calendar.from_ical(english))["summary"]) == "Qpido session"


def test_a_cancelled_session_and_a_cancelled_registration_cancel_the_same_entry(booked):
    emma = Registration.objects.get(email="person2@example.org")
    booking.register(booked.pk, person(5, language="en"))
    (waiting_notice,) = send_all()
    assert calendar_of(waiting_notice) is None  # person 5 waits: no calendar entry
    booking.cancel_registration(emma.pk)
    sent = {m.to[0]: m for m in send_all()}
    cancelled = calendar_of(sent["person2@example.org"])
    assert str(cancelled["method"]) == "CANCEL" and str(event_of(cancelled)["status"]) == "CANCELLED"
    assert int(event_of(cancelled)["sequence"]) == 1  # above the invitation's 0
    promoted = calendar_of(sent["person3@example.org"])  # Wim got Emma's seat
    assert str(promoted["method"]) == "REQUEST"

    uid_of_wim = str(event_of(promoted)["uid"])
    booking.cancel_session(booked.pk)
    sent = {m.to[0]: m for m in send_all()}
    wim = calendar_of(sent["person3@example.org"])
    assert str(wim["method"]) == "CANCEL" and str(event_of(wim)["uid"]) == uid_of_wim
    assert int(event_of(wim)["sequence"]) == 1 and str(event_of(wim)["status"]) == "CANCELLED"


def test_a_training_that_wants_its_title_in_calendars_gets_it(client, booked, training):
    training.calendar_shows_title = True
    training.save_revision().publish()
    public = icalendar.Calendar.from_ical(client.get(reverse("workshops:session_ics", args=[booked.pk])).content)
    assert str(event_of(public)["summary"]) == "Training sexting"


# --- 4. drafts stay private --------------------------------------------------------------------------------------
def test_a_session_under_an_unpublished_training_is_not_listed_fed_or_bookable(client, booked, training, coordinator):
    home = client.get("/").content.decode()
    register_url = reverse("workshops:register", args=[booked.pk])
    assert register_url in home
    training.unpublish()
    assert register_url not in client.get("/").content.decode()
    feed = client.get(reverse("workshops:calendar")).content.decode()
    assert f"session-{booked.pk}@" not in feed
    assert client.get(reverse("workshops:session_ics", args=[booked.pk])).status_code == 404
    assert client.get(reverse("workshops:training_calendar", args=[training.pk])).status_code == 404
    for language, text in (
        ("nl", "Aanmelden is niet mogelijk"),
        ("en", "Registration is not open"),
    ):
        with translation.override(language):
            page = client.get(reverse("workshops:register", args=[booked.pk]))
        html = page.content.decode()
        assert page.status_code == 200 and text in html
        assert "Training sexting" not in html and "Sexting training" not in html  # the draft's title stays private
    with pytest.raises(booking.SessionNotOpen):
        booking.register(booked.pk, person(9))
    client.force_login(coordinator)
    listing = client.get(reverse("workshops_session:index")).content.decode()
    assert "Hidden: training not published" in listing
    edit = client.get(reverse("workshops_session:edit", args=[booked.pk])).content.decode()
    assert "its training is not published" in edit


# --- 5. coordinator tools ----------------------------------------------------------------------------------------
def test_the_session_pages_link_to_the_mail_overview_and_send_now_chooses_a_session(client, coordinator, booked):
    client.force_login(coordinator)
    overview = reverse("events_scope", args=[booked.scope])
    for name in ("edit", "inspect", "participants"):
        assert overview in client.get(reverse(f"workshops_session:{name}", args=[booked.pk])).content.decode(), name
    page = client.get(overview).content.decode()
    assert f"{booked.starts_local:%Y-%m-%d %H:%M}" in page  # the session named, not "session:12"
    assert reverse("workshops_session:participants", args=[booked.pk]) in page
    send_now = client.get(reverse("events_send_now") + f"?scope={booked.scope}")
    html = send_now.content.decode()
    assert 'data-controller="w-chooser"' in html or "chooser" in html
    assert f'name="scope" value="{booked.pk}"' in html
    assert f"{booked.starts_local:%Y-%m-%d %H:%M}" in html  # the session chosen already, by its name
    chooser = client.get(reverse("workshops_session_chooser:choose"))
    assert chooser.status_code == 200 and f"{booked.starts_local:%Y-%m-%d %H:%M}" in chooser.json()["html"]


def test_the_outbox_lists_the_subject_not_the_internal_scope(client, coordinator, booked):
    client.force_login(coordinator)
    listing = client.get(reverse("wagtailsnippets_events_outboxmail:list")).content.decode()
    assert "Je aanmelding is bevestigd" in listing and "Your registration is confirmed" in listing
    assert f">{booked.scope}<" not in listing


def test_a_late_registrant_is_told_the_preparation_comes_now(training):
    early = make_session(training, days=30)
    late = make_session(training, days=3)
    booking.register(early.pk, person(1, language="en"))
    booking.register(late.pk, person(2, language="en"))
    sent = {m.to[0]: m for m in send_all() if m.subject == "Your registration is confirmed"}
    homework_day = (early.starts_at - MailRule.objects.get(key="homework").offset).astimezone(SHOWN_TZ)
    assert f"On {homework_day:%A} {homework_day.day} {homework_day:%B} we will send you the preparation" in (
        sent["person1@example.org"].body
    )
    assert "A week before" not in sent["person2@example.org"].body
    assert "you get the preparation (a podcast episode and background reading) right away" in (
        sent["person2@example.org"].body
    )


# --- issue 18, point 6: exports Dutch Excel opens ------------------------------------------------------------------
@pytest.mark.parametrize(("language", "separator"), [("nl", ";"), ("en", ",")])
def test_the_csv_export_has_a_byte_order_mark_and_the_separator_of_the_admins_language(
    client, coordinator, booked, language, separator
):
    profile = UserProfile.get_for_user(coordinator)
    profile.preferred_language = language
    profile.save()
    client.force_login(coordinator)
    response = client.get(reverse("workshops_registration:index") + f"?session={booked.pk}&export=csv")
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=separator))
    assert len(rows) == 4 and len(rows[0]) == 12
    assert rows[0][3] == ("E-mailadres" if language == "nl" else "E-mail address")
    page = client.get(reverse("workshops_session:participants", args=[booked.pk])).content.decode()
    assert page.index("export=xlsx") < page.index("export=csv")  # XLSX first


def test_a_duplicated_session_starts_its_own_calendar_revisions(booked):
    sessions.save(booked.pk, moved(booked, days=1))
    copy = booking.duplicate_session(booked.pk)
    assert (copy.sequence, copy.reminder_round) == (0, 0)
    assert Session.objects.get(pk=booked.pk).sequence == 1


# --- 3. mail that is due is never skipped --------------------------------------------------------------------------
def test_an_end_edited_into_the_past_gets_its_evaluation_once_at_the_next_tick(
    training, django_capture_on_commit_callbacks
):
    from events.services import schedule

    session = make_session(training, days=5)
    for n in (1, 2):
        booking.register(session.pk, person(n))
    now = timezone.now()
    schedule.rescan()
    schedule.tick(now=now)  # homework (7 days before) goes; nothing else is due
    assert not OutboxMail.objects.filter(rule_key="evaluation").exists()
    with django_capture_on_commit_callbacks(execute=True):  # the admin's save: told, and the next tick rescans
        sessions.save(session.pk, {"starts_at": now - timedelta(hours=5), "ends_at": now - timedelta(hours=3)})
    schedule.tick(now=now + timedelta(minutes=1))
    assert OutboxMail.objects.filter(rule_key="evaluation", scope=session.scope).count() == 2
    schedule.tick(now=now + timedelta(minutes=2))
    schedule.tick(now=now + timedelta(days=1))
    assert OutboxMail.objects.filter(rule_key="evaluation", scope=session.scope).count() == 2  # once


def test_a_change_made_around_the_services_is_found_by_the_periodic_look_at_the_horizon(training, settings):
    from events.services import schedule

    settings.MAIL_FULL_SCAN_MINUTES = 10
    session = make_session(training, days=5)
    booking.register(session.pk, person(1))
    now = timezone.now()
    schedule.rescan()
    schedule.tick(now=now)
    Session.objects.filter(pk=session.pk).update(  # e.g. a fix in the database shell
        starts_at=now - timedelta(hours=5), ends_at=now - timedelta(hours=3)
    )
    schedule.tick(now=now + timedelta(minutes=1))  # only the cheap look: no moment passed since the last tick
    assert not OutboxMail.objects.filter(rule_key="evaluation").exists()
    schedule.tick(now=now + timedelta(minutes=10))  # the whole horizon, every MAIL_FULL_SCAN_MINUTES
    assert OutboxMail.objects.filter(rule_key="evaluation", scope=session.scope).count() == 1
