"""Outbox mail: the HTML is the one Django's urlize and a full template render give."""

import random

import pytest
from django.utils.html import urlize as django_urlize

from events.models import MailTemplate
from events.services import render
from events.services.render import sample_context
from tests.integration.test_engine_smtp_sink import seed_defaults

pytestmark = pytest.mark.django_db

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nSUMMARY:Tr\xc3\xa4ining\r\nEND:VCALENDAR\r\n"


@pytest.fixture(autouse=True)
def defaults(db):
    seed_defaults()


# --- rendering ------------------------------------------------------------------------------------------------
TRICKY_LINES = [
    "",
    "Beste Zoë & <Jan> \"Q\" 'O'Neil',",
    "Kijk op https://example.org/a?b=1&c=2. Of www.example.com, of (https://example.org/x).",
    "Mail ons: info@example.org; of [hulp@example.nl]!",
    "Om 19:30. Daarna: pauze… en &amp; &lt; &#x27; &nbsp; rest;",
    "http://[::1]/x https://x.y/z). (a) [b] {c}",
    "- https://example.org/list-item",
    "example.org/pad en voorbeeld.net, niet voorbeeld.nl",
    "mailto:iemand@example.org en javascript:alert(1)",
]


def test_urlize_gives_djangos_output_word_for_word():
    lines = list(TRICKY_LINES)
    for template in MailTemplate.objects.all():
        for language in ("nl", "en"):
            lines += render.fill(template.body_for(language), sample_context(language)).split("\n")
    pieces = ["a", "b.", ".", "@", ":", ";", "&", "&amp;", "(", ")", "[", "]", "<", ">", '"', "'", " ", "\t", "é"]
    pieces += ["http://", "https://", "www.", ".com", ".org", "x@y.nl", "mailto:", "!", ","]
    generator = random.Random(7)
    lines += ["".join(generator.choice(pieces) for _ in range(generator.randint(0, 14))) for _ in range(3000)]
    for line in lines:
        assert render.urlize(line) == django_urlize(line, autoescape=True), line


def test_render_gives_the_html_of_a_full_template_render_with_djangos_urlize(monkeypatch):
    contexts = [sample_context("nl"), sample_context("en")]
    contexts.append(dict(sample_context("nl"), first_name="Zoë & <Jan>", online_rules="\n".join(TRICKY_LINES)))
    fast = [
        render.render(template, language, context)
        for template in MailTemplate.objects.all()
        for language in ("nl", "en")
        for context in contexts
    ]
    # the reference: Django's urlize, and the whole template rendered for every mail (no cached layout)
    monkeypatch.setattr(render, "urlize", lambda line: django_urlize(line, autoescape=True))
    monkeypatch.setattr(render, "_layout", lambda language, subject: None)
    reference = [
        render.render(template, language, context)
        for template in MailTemplate.objects.all()
        for language in ("nl", "en")
        for context in contexts
    ]
    assert fast == reference
    assert all('style="' in mail.html and "<style" not in mail.html for mail in fast)
