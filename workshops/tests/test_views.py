"""The public pages: registration form (NL/EN), success page, manage page, calendars, friendly link errors."""

from datetime import timedelta
from unittest import mock

import icalendar
import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from tests.factories import make_session, person
from workshops import tokens
from workshops.models import Registration, Session
from workshops.services import booking
from workshops.tokens import make_token

pytestmark = pytest.mark.django_db

S = Registration.Status


def url(name, language="nl", **kwargs):
    with translation.override(language):
        return reverse(f"workshops:{name}", kwargs=kwargs)


def form_data(**overrides):
    data = {
        "name": "Anna de Vries",
        "email": "Anna@Example.ORG ",
        "organisation": "OBS De Linde",
        "role": "teacher",
        "language": "en",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def test_registration_form_in_both_languages(client, session):
    nl = client.get(url("register", session_id=session.pk))
    en = client.get(url("register", "en", session_id=session.pk))
    assert nl.status_code == en.status_code == 200
    assert "Aanmelden" in nl.content.decode() and "Register" in en.content.decode()
    # The preferred language defaults to the page language.
    assert nl.context["form"].initial["language"] == "nl"
    assert en.context["form"].initial["language"] == "en"
    assert "2 seats left" in en.content.decode()


def test_registering_leads_to_the_success_page_and_stores_a_normalised_email(client, session):
    response = client.post(url("register", "en", session_id=session.pk), form_data())
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.email == "Anna@example.org"
    assert registration.language == "en"
    assert registration.status == S.CONFIRMED
    assert "@" not in response["Location"] and str(registration.pk) not in response["Location"].split("/")
    page = client.get(response["Location"])
    assert "is confirmed" in page.content.decode()


def test_duplicate_registration_says_so_in_the_form(client, session):
    client.post(url("register", "en", session_id=session.pk), form_data())
    response = client.post(url("register", "en", session_id=session.pk), form_data(email="anna@example.org"))
    assert response.status_code == 200
    assert "already registered for this session" in response.content.decode()
    nl = client.post(url("register", session_id=session.pk), form_data(email="anna@example.org"))
    assert "al aangemeld voor deze sessie" in nl.content.decode()
    assert Registration.objects.count() == 1


def test_bad_input_gives_clear_errors_in_both_languages(client, session):
    bad = {"name": "", "email": "not-an-address", "language": "fr"}
    en = client.post(url("register", "en", session_id=session.pk), bad).content.decode()
    nl = client.post(url("register", session_id=session.pk), bad).content.decode()
    assert "Please fill in your name." in en and "Vul je naam in." in nl
    assert "valid e-mail address" in en and "geldig e-mailadres" in nl
    assert "Choose Dutch or English." in en and "Kies Nederlands of Engels." in nl
    assert "only register you with your consent" in en
    assert not Registration.objects.exists()


def test_honeypot_rejects_bots(client, session):
    response = client.post(url("register", "en", session_id=session.pk), form_data(website="http://spam"))
    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_full_session_offers_the_waiting_list(client, session):
    booking.register(session.pk, person(1))
    booking.register(session.pk, person(2))
    page = client.get(url("register", "en", session_id=session.pk)).content.decode()
    assert "This session is full" in page and "Join the waiting list" in page
    response = client.post(url("register", "en", session_id=session.pk), form_data())
    assert "waiting list (number 1)" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"status": Session.Status.CANCELLED}, "has been cancelled"), ({"days": -2}, "already started")],
)
def test_cancelled_or_past_session_says_so(client, training, changes, message):
    days = changes.pop("days", 14)
    session = make_session(training, days=days, **changes)
    response = client.get(url("register", "en", session_id=session.pk))
    assert message in response.content.decode()
    assert response.context["form"] is None
    posted = client.post(url("register", "en", session_id=session.pk), form_data())
    assert posted.status_code == 200 and message in posted.content.decode() and posted.context["form"] is None
    assert not Registration.objects.exists()


def test_private_session_has_no_public_form(client, training):
    private = make_session(training, is_public=False)
    assert client.get(url("register", "en", session_id=private.pk)).status_code == 404
    assert client.post(url("register", "en", session_id=private.pk), form_data()).status_code == 404
    assert client.post(url("register", "nl", session_id=987654), form_data()).status_code == 404
    assert not Registration.objects.exists()


def test_manage_page_details_meeting_link_homework_and_cancel(client, session):
    first = booking.register(session.pk, person(1))
    booking.register(session.pk, person(2))
    waiting = booking.register(session.pk, person(3))
    first_token = make_token(first, "manage")
    manage_first = url("manage", "en", token=first_token)
    page = client.get(manage_first).content.decode()
    assert session.meeting_url in page
    # the podcast link is first's own homework link (tokens carry the second they were made, so read it back)
    prefix = reverse("workshops:homework", args=["TOKEN", "podcast"]).split("TOKEN")[0]
    homework_token = page.split(prefix, 1)[1].split("/", 1)[0]
    assert tokens.load(homework_token, "homework") == (first, tokens.VALID)
    waiting_page = client.get(url("manage", "en", token=make_token(waiting, "manage"))).content.decode()
    assert session.meeting_url not in waiting_page  # the link is only for confirmed participants
    assert "number 1" in waiting_page

    client.post(manage_first, {"action": "homework_done"})
    first.refresh_from_db()
    assert first.homework_done_at is not None

    # the manage page links to a confirmation page; only its POST cancels
    cancel_first = url("cancel", "en", token=first_token)  # the same token: a new one would carry a later time
    assert cancel_first in client.get(manage_first).content.decode()
    assert client.get(cancel_first).status_code == 200
    first.refresh_from_db()
    assert first.status == S.CONFIRMED
    response = client.post(cancel_first)
    assert response.status_code == 302
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == S.CANCELLED
    assert waiting.status == S.CONFIRMED  # promoted


def test_tampered_link_is_a_friendly_404_and_expired_link_a_410(client, session):
    registration = booking.register(session.pk, person(1))
    token = make_token(registration, "manage")
    tampered = client.get(url("manage", "en", token=token[:-3] + "abc"))
    assert tampered.status_code == 404
    assert "This link does not work" in tampered.content.decode()
    nl = client.get(url("manage", token="nonsense"))
    assert nl.status_code == 404 and "Deze link werkt niet" in nl.content.decode()
    with mock.patch("django.core.signing.time.time", return_value=1_000_000_000):
        old = make_token(registration, "manage")
    expired = client.get(url("manage", "en", token=old))
    assert expired.status_code == 410
    assert "This link has expired" in expired.content.decode()
    assert client.get(url("manage_ics", "en", token="x")).status_code == 404
    assert client.get(url("school_response", "en", token="x")).status_code == 404


def test_session_ics_and_personal_ics(client, session):
    public = client.get(url("session_ics", session_id=session.pk))
    assert public["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(public.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == session.starts_at
    assert event.decoded("dtend") == session.ends_at
    assert session.meeting_url not in public.content.decode()
    registration = booking.register(session.pk, person(1))
    personal = client.get(url("manage_ics", token=make_token(registration, "manage")))
    assert session.meeting_url in icalendar.Calendar.from_ical(personal.content).walk("VEVENT")[0]["description"]


def test_calendar_feed_lists_public_sessions_only(client, training):
    public = make_session(training)
    make_session(training, is_public=False, days=20)
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    uids = [str(e["uid"]) for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")]
    assert any(uid.startswith(f"session-{public.pk}@") for uid in uids)
    assert len([u for u in uids if u.startswith("session-")]) == 1


def test_calendar_feed_includes_campaign_weeks(client, home_page):
    from django.apps import apps

    try:
        campaign_model = apps.get_model("home", "CampaignPage")
    except LookupError:
        pytest.skip("home.CampaignPage does not exist yet")
    from datetime import date

    page = campaign_model(title="Week van de Liefde", slug="week-van-de-liefde", start_date=date(2027, 2, 8))
    page.end_date = date(2027, 2, 12)
    page.title_nl = page.title
    page.slug_nl = page.slug
    home_page.add_child(instance=page)
    page.save_revision().publish()
    response = client.get("/calendar.ics")
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    campaign = next(e for e in events if str(e["uid"]).startswith("campaign-"))
    assert campaign.decoded("dtstart") == date(2027, 2, 8)
    page.refresh_from_db()
    assert campaign.decoded("dtend") == page.end_date + timedelta(days=1)  # exclusive end of an all-day event


def test_upcoming_sessions_tag_shows_seats_and_register_links(rf, training):
    open_session = make_session(training, capacity=3)
    full = make_session(training, capacity=1, days=21)
    booking.register(full.pk, person(1))
    make_session(training, days=-3)
    template = Template("{% load workshop_tags %}{% upcoming_sessions training=page %}")
    with translation.override("en"):
        html = template.render(Context({"page": training, "request": rf.get("/")}))
        assert "3 seats left" in html
        assert "Waiting list" in html
        assert reverse("workshops:register", args=[open_session.pk]) in html
        assert reverse("workshops:register", args=[full.pk]) in html
    assert html.count('class="session"') == 2


def test_session_times_are_shown_in_amsterdam_time(client, training):
    from datetime import UTC, datetime

    session = make_session(training)
    session.starts_at = datetime(2030, 7, 1, 8, 0, tzinfo=UTC)
    session.ends_at = session.starts_at + timedelta(hours=2)
    session.save()
    page = client.get(url("register", "en", session_id=session.pk)).content.decode()
    assert "10:00" in page  # 08:00 UTC is 10:00 in Amsterdam in summer


def test_public_pages_need_no_inline_style_or_script(client, session):
    """The public CSP allows no inline style or script: the honeypot is hidden by a stylesheet class."""
    registration = booking.register(session.pk, person(1))
    for page_url in (
        url("register", "en", session_id=session.pk),
        url("manage", "en", token=make_token(registration, "manage")),
        url("registered", "en", token=make_token(registration, "manage")),
    ):
        html = client.get(page_url).content.decode()
        assert "style=" not in html and "<script>" not in html, page_url
    form = client.get(url("register", "en", session_id=session.pk)).content.decode()
    assert 'class="field-hp visually-hidden" aria-hidden="true"' in form


def test_training_page_lists_its_sessions_with_register_links(client, training, home_page):
    from tests.factories import make_training

    open_session = make_session(training, capacity=3)
    other = make_session(make_training(home_page, slug="training-ouders", title_nl="Ouderavond"), capacity=3)
    with translation.override("nl"):
        page_url = training.url
    response = client.get(page_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("workshops:register", args=[open_session.pk]) in html
    assert reverse("workshops:register", args=[other.pk]) not in html
    assert "nog 3 plaatsen" in html


# --- issue 14: the answer is in the response; GET shows, POST acts -------------------------------------------


def everything_stored():
    """What a request could have changed: registrations, outbox rows and the event log."""
    from events.models import EventLog, OutboxMail

    return (
        list(Registration.objects.order_by("pk").values()),
        list(OutboxMail.objects.order_by("pk").values("pk", "rule_key", "recipient_key", "status")),
        EventLog.objects.count(),
    )


@pytest.mark.parametrize(
    ("language", "busy"),
    [("en", "It is very busy right now"), ("nl", "Het is nu heel druk")],
)
def test_a_busy_session_gives_the_form_back_with_what_was_typed(client, session, language, busy):
    """When the lock is not free in time (booking.SessionBusy; the real lock wait is proven on PostgreSQL in
    tests/integration/test_booking_concurrency.py) the visitor gets the form again, not an error page."""
    with mock.patch.object(booking, "_locked_session", side_effect=booking.SessionBusy()):
        response = client.post(url("register", language, session_id=session.pk), form_data(language=language))
    assert response.status_code == 200
    html = response.content.decode()
    assert busy in html
    for typed in ("Anna de Vries", "Anna@Example.ORG ", "OBS De Linde", "teacher"):
        assert f'value="{typed}"' in html, typed
    assert f'<option value="{language}" selected>' in html and 'name="consent" required id="id_consent" checked' in html
    assert not Registration.objects.exists()


def test_a_session_under_an_unpublished_training_says_registration_is_closed(client, session):
    session.training.unpublish()
    response = client.post(url("register", "en", session_id=session.pk), form_data())
    assert response.status_code == 200
    html = response.content.decode()
    assert "so you cannot register for it now" in html and 'class="registration-form"' not in html
    nl = client.post(url("register", session_id=session.pk), form_data())
    assert nl.status_code == 200 and '<html lang="nl">' in nl.content.decode()
    assert "notice-closed" in nl.content.decode() and 'class="registration-form"' not in nl.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("language", "confirmed", "waiting"),
    [
        ("nl", "Je plaats bij Training sexting is bevestigd", "je staat op de wachtlijst (nummer 1)"),
        ("en", "Your place at Sexting training is confirmed", "you are on the waiting list (number 1)"),
    ],
)
def test_the_next_page_says_confirmed_or_waiting_list_in_the_visitors_language(
    client, session, language, confirmed, waiting
):
    booking.register(session.pk, person(1))
    seat = client.post(url("register", language, session_id=session.pk), form_data(email="a@example.org"))
    full = client.post(url("register", language, session_id=session.pk), form_data(email="b@example.org"))
    assert seat.status_code == full.status_code == 302
    assert confirmed in client.get(seat["Location"]).content.decode()
    assert waiting in client.get(full["Location"]).content.decode()


def test_get_on_the_personal_links_changes_nothing(client, session):
    """Mail scanners fetch every link in a mail: the registered, manage, cancel and calendar links only show."""
    registration = booking.register(session.pk, person(1))
    booking.register(session.pk, person(2))
    booking.register(session.pk, person(3))
    token = make_token(registration, "manage")
    before = everything_stored()
    for name in ("registered", "manage", "cancel", "manage_ics"):
        for language in ("nl", "en"):
            assert client.get(url(name, language, token=token)).status_code == 200, name
    assert everything_stored() == before


def test_posting_the_cancel_page_cancels_mails_once_promotes_and_offers_to_register_again(client, session):
    from events.models import OutboxMail

    first = booking.register(session.pk, person(1, language="en"))
    booking.register(session.pk, person(2))
    waiting = booking.register(session.pk, person(3))
    token = make_token(first, "manage")
    manage = client.get(url("manage", "en", token=token)).content.decode()
    assert "Register again" not in manage

    response = client.post(url("cancel", "en", token=token))
    assert response.status_code == 302
    client.post(url("cancel", "en", token=token))  # a second POST (back button, double click) does nothing more
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert (first.status, waiting.status) == (S.CANCELLED, S.CONFIRMED)
    mails = OutboxMail.objects.filter(scope=session.scope, recipient_key=f"registration:{first.pk}")
    assert list(mails.filter(rule_key="registration_cancelled").values_list("language", flat=True)) == ["en"]
    assert mails.filter(rule_key="registration_cancelled").get().rule.trigger == "registration_cancelled"
    assert OutboxMail.objects.filter(rule_key="promoted", recipient_key=f"registration:{waiting.pk}").count() == 1

    page = client.get(response["Location"]).content.decode()
    assert "Your registration has been cancelled." in page
    assert "Register again" in page and url("register", "en", session_id=session.pk) in page
    assert "Cancel my registration" not in page
    assert "Opnieuw aanmelden" in client.get(url("manage", token=token)).content.decode()
