"""Languages: Dutch at /, English at /en/, a switcher that keeps the page, fallbacks and hreflang."""

import re

import pytest
from django.utils import translation

from home.models import ContentPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def about_page(home_page):
    page = ContentPage(
        title_nl="Over ons",
        title_en="About us",
        slug_nl="over-ons",
        slug_en="about-us",
        intro_nl="Wij geven voorlichting.",
        intro_en="",
        body_nl="<p>Nederlandse tekst</p>",
        body_en="<p>English text</p>",
    )
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def html_lang(response):
    return re.search(r'<html lang="([a-z-]+)"', response.content.decode()).group(1)


def test_dutch_is_the_default_without_prefix(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    assert html_lang(response) == "nl"
    assert "Naar de inhoud" in response.content.decode()


def test_english_under_en_prefix(client, home_page):
    response = client.get("/en/")
    assert response.status_code == 200
    assert html_lang(response) == "en"
    assert "Skip to content" in response.content.decode()
    assert "young people" in response.content.decode()


def test_translated_slugs_serve_each_language(client, about_page):
    nl = client.get("/over-ons/")
    en = client.get("/en/about-us/")
    assert nl.status_code == 200 and en.status_code == 200
    assert "Over ons" in nl.content.decode()
    assert "About us" in en.content.decode()
    assert "English text" in en.content.decode()


def test_language_switcher_keeps_the_visitor_on_the_same_page(client, about_page):
    content = client.get("/over-ons/").content.decode()
    assert 'href="/en/about-us/" hreflang="en"' in content
    content = client.get("/en/about-us/").content.decode()
    assert 'href="/over-ons/" hreflang="nl"' in content


def test_empty_english_field_falls_back_to_dutch(client, about_page):
    content = client.get("/en/about-us/").content.decode()
    assert "Wij geven voorlichting." in content


def test_hreflang_alternates_in_head(client, about_page):
    content = client.get("/en/about-us/").content.decode()
    assert '<link rel="alternate" hreflang="nl" href="http://testserver/over-ons/">' in content
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/about-us/">' in content
    assert 'hreflang="x-default" href="http://testserver/over-ons/"' in content


def test_unknown_page_is_a_translated_404(client, home_page):
    assert "Pagina niet gevonden" in client.get("/bestaat-niet/").content.decode()
    assert "Page not found" in client.get("/en/does-not-exist/").content.decode()


def test_translated_title_follows_active_language(about_page):
    with translation.override("en"):
        assert ContentPage.objects.get(pk=about_page.pk).title == "About us"
    with translation.override("nl"):
        assert ContentPage.objects.get(pk=about_page.pk).title == "Over ons"
