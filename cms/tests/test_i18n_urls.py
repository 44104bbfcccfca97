"""Public paths in the visitor's language: Dutch at the site root (unchanged), English under /en/, and the Dutch
paths /en/ used before redirecting permanently to the English ones (links in mails sent earlier keep working)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from workshops.models import Registration, Session
from workshops.tokens import make_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(home_page):
    from home.models import TrainingPage

    page = TrainingPage(title_nl="Sexting en grooming", title_en="Sexting and grooming", slug_nl="sg", slug_en="sg-en")
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def session(training):
    start = timezone.now() + timedelta(days=10)
    return Session.objects.create(
        training=training,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        mode=Session.Mode.LOCATION,
        address="Utrecht",
        capacity=10,
        is_public=True,
    )


@pytest.fixture
def registration(session):
    return Registration.objects.create(
        session=session,
        name="Lotte Visser",
        email="lotte@example.org",
        status=Registration.Status.CONFIRMED,
        language="en",
        consent_at=timezone.now(),
    )


def url(name, language, *args):
    with translation.override(language):
        return reverse(name, args=args)


def test_the_registration_and_manage_pages_have_english_urls_under_en(client, session, registration):
    token = make_token(registration, "manage")
    register = url("workshops:register", "en", session.pk)
    manage = url("workshops:manage", "en", token)
    assert register == f"/en/trainings/session/{session.pk}/register/"
    assert manage == f"/en/my-registration/{token}/"
    page = client.get(register)
    assert page.status_code == 200
    assert '<html lang="en">' in page.content.decode()
    assert "Register for Sexting and grooming" in page.content.decode()
    # the language switcher of the Dutch page points at the English path, and back
    assert f'href="{register}"' in client.get(url("workshops:register", "nl", session.pk)).content.decode()
    assert f'href="/trainingen/sessie/{session.pk}/aanmelden/"' in page.content.decode()
    manage_page = client.get(manage)
    assert manage_page.status_code == 200
    assert '<html lang="en">' in manage_page.content.decode()


def test_dutch_paths_are_unchanged(session, registration, training):
    token = make_token(registration, "manage")
    assert url("workshops:register", "nl", session.pk) == f"/trainingen/sessie/{session.pk}/aanmelden/"
    assert url("workshops:session_ics", "nl", session.pk) == f"/trainingen/sessie/{session.pk}/agenda.ics"
    assert url("workshops:registered", "nl", token) == f"/aangemeld/{token}/"
    assert url("workshops:manage", "nl", token) == f"/mijn-aanmelding/{token}/"
    assert url("workshops:manage_ics", "nl", token) == f"/mijn-aanmelding/{token}/agenda.ics"
    assert url("workshops:homework", "nl", "t", "podcast") == "/huiswerk/t/podcast/"
    assert url("workshops:school_request", "nl", 7) == "/lessen/7/schoolaanvraag/"
    assert url("workshops:school_request_sent", "nl") == "/schoolaanvraag/verstuurd/"
    assert url("workshops:school_response", "nl", "t") == "/schoolaanvraag/t/"
    assert url("evaluation:answer", "nl", "t") == "/evaluatie/t/"
    assert url("evaluation:edit", "nl", "t") == "/evaluatie/antwoord/t/"
    assert url("evaluation:room", "nl", "t") == "/evaluatie/sessie/t/"
    assert url("workshops:calendar", "nl") == "/calendar.ics"
    assert url("workshops:training_calendar", "nl", training.pk) == f"/trainingen/{training.pk}/agenda.ics"


def test_every_english_path_is_english():
    english = {
        url("workshops:register", "en", 1): "/en/trainings/session/1/register/",
        url("workshops:session_ics", "en", 1): "/en/trainings/session/1/calendar.ics",
        url("workshops:training_calendar", "en", 2): "/en/trainings/2/calendar.ics",
        url("workshops:registered", "en", "t"): "/en/registered/t/",
        url("workshops:manage_ics", "en", "t"): "/en/my-registration/t/calendar.ics",
        url("workshops:homework", "en", "t", "podcast"): "/en/homework/t/podcast/",
        url("workshops:school_request", "en", 7): "/en/lessons/7/school-request/",
        url("workshops:school_request_sent", "en"): "/en/school-request/sent/",
        url("workshops:school_response", "en", "t"): "/en/school-request/t/",
        url("evaluation:answer", "en", "t"): "/en/evaluation/t/",
        url("evaluation:edit", "en", "t"): "/en/evaluation/answer/t/",
        url("evaluation:room", "en", "t"): "/en/evaluation/session/t/",
        url("workshops:calendar", "en"): "/en/calendar.ics",
        url("home:search", "en"): "/en/search/",
    }
    assert {got: want for got, want in english.items() if got != want} == {}


@pytest.mark.parametrize(
    "old, new",
    [
        ("/en/trainingen/sessie/{pk}/aanmelden/", "/en/trainings/session/{pk}/register/"),
        ("/en/trainingen/sessie/{pk}/agenda.ics", "/en/trainings/session/{pk}/calendar.ics"),
        ("/en/aangemeld/{token}/", "/en/registered/{token}/"),
        ("/en/mijn-aanmelding/{token}/", "/en/my-registration/{token}/"),
        ("/en/mijn-aanmelding/{token}/?notice=homework", "/en/my-registration/{token}/?notice=homework"),
        ("/en/mijn-aanmelding/{token}/agenda.ics", "/en/my-registration/{token}/calendar.ics"),
        ("/en/huiswerk/{token}/podcast/", "/en/homework/{token}/podcast/"),
        ("/en/lessen/12/schoolaanvraag/", "/en/lessons/12/school-request/"),
        ("/en/schoolaanvraag/verstuurd/", "/en/school-request/sent/"),
        ("/en/schoolaanvraag/{token}/", "/en/school-request/{token}/"),
        ("/en/evaluatie/{token}/", "/en/evaluation/{token}/"),
        ("/en/evaluatie/antwoord/{token}/", "/en/evaluation/answer/{token}/"),
        ("/en/evaluatie/sessie/{token}/", "/en/evaluation/session/{token}/"),
    ],
)
def test_old_english_paths_redirect_permanently(client, session, registration, old, new):
    token = make_token(registration, "manage")
    values = {"pk": session.pk, "token": token}
    response = client.get(old.format(**values))
    assert response.status_code == 301
    assert response["Location"] == new.format(**values)


def test_a_form_posted_to_an_old_path_is_posted_again_to_the_new_one(client, session):
    response = client.post(f"/en/trainingen/sessie/{session.pk}/aanmelden/", {"name": "x"})
    assert response.status_code == 308
    assert response["Location"] == f"/en/trainings/session/{session.pk}/register/"
    assert not Registration.objects.exists()


def test_dutch_paths_answer_without_a_redirect(client, session, registration):
    token = make_token(registration, "manage")
    assert client.get(f"/trainingen/sessie/{session.pk}/aanmelden/").status_code == 200
    assert client.get(f"/mijn-aanmelding/{token}/").status_code == 200
    assert client.get(f"/trainingen/sessie/{session.pk}/agenda.ics").status_code == 200


def test_links_in_mails_are_built_in_the_recipients_language(registration):
    from workshops.mail import context_for

    english = context_for(registration, "en")
    dutch = context_for(registration, "nl")
    assert "/en/my-registration/" in english["manage_url"]
    assert "/en/homework/" in english["podcast_url"]
    assert "/en/evaluation/" in english["evaluation_url"]
    assert "/en/" not in dutch["manage_url"] and "/mijn-aanmelding/" in dutch["manage_url"]
    assert "/huiswerk/" in dutch["podcast_url"] and "/evaluatie/" in dutch["evaluation_url"]


def test_a_feed_per_training_and_a_footer_link_to_the_site_feed(client, session, training):
    feed = client.get(f"/trainingen/{training.pk}/agenda.ics")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert "X-WR-CALNAME:Qpido: Sexting en grooming" in body and f"UID:session-{session.pk}@" in body
    english = client.get(f"/en/trainings/{training.pk}/calendar.ics").content.decode()
    assert "X-WR-CALNAME:Qpido: Sexting and grooming" in english
    assert client.get("/trainingen/999999/agenda.ics").status_code == 404
    assert client.post(f"/trainingen/{training.pk}/agenda.ics").status_code == 405
    training_page = client.get(training.url).content.decode()
    assert f'href="webcal://testserver/trainingen/{training.pk}/agenda.ics"' in training_page
    assert 'href="webcal://testserver/calendar.ics"' in training_page  # the footer, on every page
    assert 'href="webcal://testserver/en/calendar.ics"' in client.get("/en/").content.decode()


def test_the_home_title_names_the_site_once_and_every_page_has_a_description(client, session, home_page):
    home = client.get("/").content.decode()
    assert "<title>Qpido</title>" in home
    register = client.get(f"/trainingen/sessie/{session.pk}/aanmelden/").content.decode()
    assert "<title>Aanmelden voor Sexting en grooming | Qpido</title>" in register
    assert '<meta name="description" content="Meld je aan voor de training Sexting en grooming' in register
