"""The quick exit is on every public page (GOV.UK's "Exit this page" pattern: a visible button, the Shift key three
times), with a "browse safely" page linked beside it, in Dutch and in English. The browser behaviour is tested in
tests/e2e/test_visitor_journeys.py."""

import datetime
import os
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation


@pytest.fixture
def demo(db):
    from django.core.management import call_command

    call_command("load_initial_data", verbosity=0, stdout=open(os.devnull, "w"))


def html(response) -> str:
    return response.content.decode()


def first_links(page: str) -> list[str]:
    body = page.split("<body", 1)[1]
    return [chunk.split(">", 1)[0] for chunk in body.split("<a ")[1:]]


def public_urls() -> list[str]:
    """Every live page in both languages, the forms, the personal pages and the error pages."""
    from wagtail.models import Page

    from home.models import TrainingPage
    from workshops import tokens
    from workshops.models import Registration, Session

    urls = []
    for page in Page.objects.live().public().specific().exclude(depth=1):
        for language in ("nl", "en"):
            with translation.override(language):
                url = page.get_url()
            if url:
                urls.append(url)
    training = TrainingPage.objects.live().first()
    start = timezone.now() + datetime.timedelta(days=10)
    session = Session.objects.create(
        training_id=training.pk, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    person = Registration.objects.create(
        session=session, name="Anna", email="anna@example.org", status="confirmed", consent_at=start
    )
    for language in ("nl", "en"):
        with translation.override(language):
            urls += [
                reverse("workshops:register", args=[session.pk]),
                reverse("workshops:manage", args=[tokens.make_token(person, "manage")]),
                reverse("workshops:cancel", args=[tokens.make_token(person, "manage")]),
                reverse("home:search") + "?q=sexting",
                reverse("browse_safely"),
                reverse("workshops:manage", args=["not-a-token"]),  # the friendly 404 of a broken link
            ]
    urls += ["/bestaat-niet/", "/en/does-not-exist/"]
    return urls


@pytest.mark.django_db
def test_every_public_page_starts_with_the_quick_exit_and_the_browse_safely_link(demo):
    client = Client()
    urls = public_urls()
    assert len(urls) > 30
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), f"{url}: {response.status_code}"
        page = html(response)
        links = first_links(page)
        assert 'class="skip-link"' in links[0], url
        assert "data-quick-exit" in links[1] and 'href="https://' in links[1] and "noreferrer" in links[1], url
        assert 'class="quick-exit__safely"' in links[2], url
        language = "en" if url.startswith("/en/") else "nl"
        assert f'href="{"/en/browse-safely/" if language == "en" else "/veilig-browsen/"}"' in links[2], url
        assert ("Quick exit" if language == "en" else "Snel weg") in page, url
        assert 'role="status" data-quick-exit-status' in page, url  # where screen readers hear "press 2 more times"


@pytest.mark.django_db
def test_error_and_limit_pages_have_the_quick_exit_too(demo, settings):
    client = Client()
    for response in (
        client.generic(
            "POST", "/i18n/setlang/", b"language=%E9", content_type="application/x-www-form-urlencoded; charset=latin-1"
        ),
        client.get("/bestaat-niet/"),
    ):
        assert "data-quick-exit" in html(response)
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_PUBLIC_POST = ["1/m"]
    limited = Client(REMOTE_ADDR="10.77.0.1")
    limited.post("/i18n/setlang/", {"language": "nl"})
    response = limited.post("/i18n/setlang/", {"language": "nl"})
    assert response.status_code == 429 and "data-quick-exit" in html(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,language,heading,other",
    [
        ("/veilig-browsen/", "nl", "Veilig browsen", "/en/browse-safely/"),
        ("/en/browse-safely/", "en", "Browse safely", "/veilig-browsen/"),
    ],
)
def test_the_browse_safely_page_in_both_languages(demo, url, language, heading, other):
    response = Client().get(url)
    assert response.status_code == 200
    page = html(response)
    assert f'<html lang="{language}"' in page and f"<h1>{heading}</h1>" in page
    for topic in ("privévenster", "Ctrl+H", "Shift") if language == "nl" else ("private window", "Ctrl+H", "Shift"):
        assert topic in page
    assert f'hreflang="{"en" if language == "nl" else "nl"}" href="http://testserver{other}"' in page
    help_url = "/en/help/" if language == "en" else "/hulp/"
    assert re.search(rf'class="button" href="{help_url}"', page)


def test_the_quick_exit_does_not_follow_an_editor_into_the_admin(admin_client):
    assert "data-quick-exit" not in html(admin_client.get("/admin/"))
