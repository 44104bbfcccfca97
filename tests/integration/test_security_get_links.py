"""No GET changes anything: mail scanners of schools and companies fetch every link in a mail (and send HEAD
requests), so every personal link only shows a page; acting takes a POST from that page.

The audited links, each in Dutch and English, fetched with GET and HEAD by a client without cookies, also with the
query strings a scanner or an old link might carry (?action=accept, ?confirm=1, ...):

| link (mail)                                      | GET / HEAD shows               | POST acts                      |
| ------------------------------------------------ | ------------------------------ | ------------------------------ |
| registered page (after booking)                  | the place                      | -                              |
| manage page (every participant mail)             | details, homework, cancel link | "homework done"                |
| calendar file of the registration                | the .ics                       | -                              |
| cancel page (manage page, confirmation mail)     | "are you sure?"                | cancels, mails                 |
| homework: podcast, background (homework mail)    | a page with a button           | "opened" / "done"              |
| evaluation: personal link (evaluation mail)      | the form                       | stores the answer              |
| evaluation: session link (QR code in the room)   | the form                       | stores the answer              |
| evaluation: edit link (thank-you page)           | the filled-in form             | changes the answer             |
| school proposal: accept / decline / withdraw     | the proposal with buttons      | accepts / declines / withdraws |
"""

import datetime

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from evaluations.services import evaluation
from tests.factories import make_lesson, make_training
from workshops import tokens
from workshops.models import Registration, SchoolBookingRequest, Session

PROJECT_APPS = ("workshops", "evaluations", "events", "home", "sessions", "wagtailcore", "auth")
SCANNER_QUERIES = ["", "?action=accept", "?action=decline", "?action=withdraw", "?action=cancel", "?confirm=1"]
SCANNER_QUERIES += ["?action=done", "?action=homework_done", "?save=1&rating_session=5"]


def database_state() -> dict:
    """Every row of every table of the project's apps (and sessions, Wagtail's log, users), as plain values."""
    state = {}
    with translation.override("nl"):  # translated fields read in one language, whatever a request activated
        for model in apps.get_models():
            if model._meta.app_label in PROJECT_APPS and not model._meta.proxy:
                state[model._meta.label] = list(model.objects.order_by("pk").values())
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after.get(label)]


@pytest.fixture
def links(home_page):
    training = make_training(home_page)
    lesson = make_lesson(home_page)
    now = timezone.now()
    upcoming = Session.objects.create(
        training=training, starts_at=now + datetime.timedelta(days=9), ends_at=now + datetime.timedelta(days=9, hours=2)
    )
    past = Session.objects.create(
        training=training, starts_at=now - datetime.timedelta(hours=4), ends_at=now - datetime.timedelta(hours=2)
    )
    person = Registration.objects.create(
        session=upcoming, name="Anna de Vries", email="anna@example.org", status="confirmed", consent_at=now
    )
    participant = Registration.objects.create(
        session=past, name="Bram Jansen", email="bram@example.org", status="attended", consent_at=now
    )
    saved = evaluation.submit_answer(past, {"rating_session": 4, "comment": "Goed"}, via="room", language="nl")
    school = SchoolBookingRequest.objects.create(
        lesson=lesson,
        school_name="De Regenboog",
        contact_name="Mirjam Bakker",
        email="mirjam@school.example",
        phone="020 123 4567",
        town="Amsterdam",
        school_type="primary",
        year_group="7",
        groups=1,
        pupils=25,
        date_1=(now + datetime.timedelta(days=30)).date(),
        status=SchoolBookingRequest.Status.PROPOSED,
        proposed_starts_at=now + datetime.timedelta(days=30),
        proposed_ends_at=now + datetime.timedelta(days=30, hours=1),
        proposed_at=now,
    )
    manage = tokens.make_token(person, "manage")
    homework = tokens.make_token(person, "homework")
    urls = []
    for language in ("nl", "en"):
        with translation.override(language):
            urls += [
                ("registered page", reverse("workshops:registered", args=[manage])),
                ("manage page", reverse("workshops:manage", args=[manage])),
                ("calendar file", reverse("workshops:manage_ics", args=[manage])),
                ("cancel page", reverse("workshops:cancel", args=[manage])),
                ("homework: podcast", reverse("workshops:homework", args=[homework, "podcast"])),
                ("homework: background", reverse("workshops:homework", args=[homework, "background"])),
                (
                    "evaluation: personal link",
                    reverse("evaluation:answer", args=[tokens.make_token(participant, "evaluation")]),
                ),
                ("evaluation: session link", reverse("evaluation:room", args=[evaluation.room_token(past)])),
                ("evaluation: edit link", reverse("evaluation:edit", args=[evaluation.edit_token(saved.edit_key)])),
                ("school proposal", reverse("workshops:school_response", args=[tokens.make_token(school, "school")])),
            ]
    return {"urls": urls, "person": person, "participant": participant, "school": school, "answer": saved.answer}


@pytest.mark.django_db
def test_fetching_every_mail_link_with_get_or_head_changes_nothing(links):
    scanner = Client()  # no cookies, no session: as a mail scanner or a link preview
    before = database_state()
    answered = []
    for label, url in links["urls"]:
        for query in SCANNER_QUERIES:
            for method in ("get", "head"):
                response = getattr(scanner, method)(url + query)
                assert response.status_code < 500, f"{method.upper()} {label}{query}: {response.status_code}"
                answered.append(response.status_code)
                changed = changed_tables(before, database_state())
                assert not changed, f"{method.upper()} {label}{query} changed {changed}"
    assert answered.count(200) >= len(links["urls"])  # the pages were shown, not refused
    person = Registration.objects.get(pk=links["person"].pk)
    assert person.status == "confirmed" and person.homework_opened_at is None and person.homework_done_at is None
    assert SchoolBookingRequest.objects.get(pk=links["school"].pk).status == SchoolBookingRequest.Status.PROPOSED


@pytest.mark.django_db
def test_the_pages_behind_the_links_act_on_a_post(links):
    """The same links do act when the person presses the button (so the GET test above is not vacuous)."""
    client = Client()
    urls = dict(links["urls"][:10])  # the Dutch ones
    client.post(urls["cancel page"])
    assert Registration.objects.get(pk=links["person"].pk).status == Registration.Status.CANCELLED
    client.post(urls["school proposal"], {"action": "decline"})
    assert SchoolBookingRequest.objects.get(pk=links["school"].pk).status != SchoolBookingRequest.Status.PROPOSED
    response = client.post(urls["evaluation: edit link"], {"rating_session": "2", "comment": "Anders"})
    assert response.status_code == 302
    links["answer"].refresh_from_db()
    assert (links["answer"].rating_session, links["answer"].comment) == (2, "Anders")
