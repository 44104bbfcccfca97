"""The demo content is data: structure.yaml and one file of words per language, read by home/demo/loader.py. It
holds an accessibility statement and a privacy statement, linked from the footer of every page."""

import re
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from home.demo import loader

pytestmark = pytest.mark.django_db


def test_every_item_has_its_words_in_both_languages_and_the_same_shape():
    structure, words = loader.read()
    for code in loader.LANGUAGES:
        assert set(words[code]["pages"]) == {page["key"] for page in structure["pages"]}, code
        assert set(words[code]["themes"]) == set(structure["themes"]), code
        assert set(words[code]["help_links"]) == {link["key"] for link in structure["help_links"]}, code
        for page in structure["pages"]:
            entry = words[code]["pages"][page["key"]]
            assert entry.get("slug") and entry.get("title"), (code, page["key"])
            if "agenda" in page:
                assert len(entry["agenda"]) == len(page["agenda"]), (code, page["key"])
    assert set(words["nl"]["pages"]["privacy"]) == set(words["en"]["pages"]["privacy"])


def test_the_words_live_in_yaml_not_in_python():
    source = (loader.DEMO_DIR / "loader.py").read_text(encoding="utf-8")
    for phrase in ("Voorlichtingslessen", "Privacyverklaring", "grooming", "Baarsjesweg"):
        assert phrase not in source
    for name in ("structure.yaml", "nl.yaml", "en.yaml"):
        assert yaml.safe_load((loader.DEMO_DIR / name).read_text(encoding="utf-8"))


def _text(response):
    assert response.status_code == 200, response
    return re.sub(r"\s+", " ", response.content.decode())


def test_statements_are_pages_linked_from_every_footer(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    settings.PURGE_PERSONAL_DATA_AFTER_DAYS = 45
    call_command("load_initial_data", stdout=StringIO())

    accessibility_nl = _text(client.get("/toegankelijkheid/"))
    assert "<h1>Toegankelijkheidsverklaring</h1>" in accessibility_nl and "WCAG" in accessibility_nl
    accessibility_en = _text(client.get("/en/accessibility/"))
    assert "<h1>Accessibility statement</h1>" in accessibility_en
    privacy_nl = _text(client.get("/privacy/"))
    assert "45 dagen na een bijeenkomst" in privacy_nl and "Autoriteit Persoonsgegevens" in privacy_nl
    privacy_en = _text(client.get("/en/privacy/"))
    assert "45 days after a session" in privacy_en and "info@qpido.nl" in privacy_en

    for path, links in (
        ("/", ('href="/toegankelijkheid/"', 'href="/privacy/"')),
        ("/trainingen/", ('href="/toegankelijkheid/"', 'href="/privacy/"')),
        ("/en/help/", ('href="/en/accessibility/"', 'href="/en/privacy/"')),
    ):
        footer = _text(client.get(path)).split('<footer class="site-footer">', 1)[1]
        for link in links:
            assert link in footer, (path, link)
