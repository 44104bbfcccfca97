"""Mail that reads well in every client: buttons with short texts instead of raw links, no line breaks inside a
sentence, a Date with the real time-zone offset, a Reply-To to the organisation, every mail valid under the strict
e-mail policy; and text a visitor typed never becomes a link or HTML."""

import email
import re
from email.policy import strict
from html.parser import HTMLParser

import pytest
from wagtail.models import Site

from events import render
from events.models import MailTemplate, OutboxMail
from events.render import sample_context, unlinkable, unwrap
from events.services import outbox

pytestmark = pytest.mark.django_db

ATTACK = {
    "first_name": "http://evil.example/x",
    "school_name": '<a href="https://evil.example">Klik</a> www.evil.example',
    "town": "evil.example",
}


def _templates():
    return list(MailTemplate.objects.all())


class _Links(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.hrefs, self.tags = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.hrefs += [value for name, value in attrs if name == "href"]


def test_html_shows_short_button_texts_and_the_text_part_keeps_the_links():
    template = MailTemplate.objects.get(name="Voorbereiding (huiswerk)")
    for language, label in (("nl", "Luister de aflevering"), ("en", "Listen to the episode")):
        mail = render.render(template, language, sample_context(language))
        assert "https://example.org/h/podcast" in mail.text  # plain text: the link itself
        assert 'href="https://example.org/h/podcast"' in mail.html
        assert label in mail.html
        shown = re.sub(r"<[^>]+>", " ", mail.html)  # what the reader sees: no raw URL anywhere
        assert "https://" not in shown, shown


def test_no_line_of_any_seeded_mail_breaks_inside_a_sentence():
    for template in _templates():
        for language in ("nl", "en"):
            text = render.render(template, language, sample_context(language)).text
            lines = text.split("\n")
            for before, after in zip(lines, lines[1:], strict=False):
                wrapped = before.strip() and after[:1].islower() and not after.startswith("http")
                assert not wrapped, (template.name, language, before, after)
            html = render.render(template, language, sample_context(language)).html
            assert "<br>\n" not in html


def test_unwrap_keeps_lists_links_and_greetings_apart():
    source = "Als er plek is,\ndan welkom bij de\ntraining.\nZo doe je mee:\n{where}\n- een\n- twee\nGroet,\n"
    source += "{organisation}"
    assert unwrap(source) == (
        "Als er plek is, dan welkom bij de training.\nZo doe je mee:\n{where}\n- een\n- twee\nGroet,\n{organisation}"
    )
    assert unwrap("Lees dit:\nnu meteen") == "Lees dit:\nnu meteen"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("http://evil.example/x", "http[:]//evil[.]example/x"),
        ("www.evil.nl", "www[.]evil[.]nl"),
        ("jan@evil.example", "jan[at]evil[.]example"),
        ("javascript:alert(1)", "javascript[:]alert(1)"),
        ("J.P. Coen", "J.P. Coen"),
        ("Den Haag", "Den Haag"),
        ("Sint-Michielsgestel", "Sint-Michielsgestel"),
        ("Zoë", "Zoë"),
    ],
)
def test_visitor_text_is_broken_where_it_looks_like_an_address(typed, shown):
    assert unlinkable(typed) == shown


def test_text_a_visitor_typed_is_never_a_link_nor_html():
    for template in _templates():
        for language in ("nl", "en"):
            mail = render.render(template, language, {**sample_context(language), **ATTACK})
            assert "evil.example" not in mail.text and "evil.example" not in mail.html, template.name
            links = _Links(mail.html)
            assert all("evil" not in href for href in links.hrefs), links.hrefs
            assert links.tags.count("a") == len(links.hrefs)  # only the site's own links are anchors
    proposal = MailTemplate.objects.get(name="Voorstel voor een school")
    html = render.render(proposal, "nl", {**sample_context("nl"), **ATTACK}).html
    assert "&lt;a href=" in html  # the typed markup is shown as text


def test_the_school_acknowledgement_holds_no_free_text(home_page):
    from tests.factories import make_lesson
    from workshops.services import schools

    lesson = make_lesson(home_page)
    request = schools.create_request(
        lesson.pk,
        {
            "school_name": "http://evil.example",
            "contact_name": "Klik hier www.evil.example",
            "email": "someone@example.org",
            "phone": "020 123 4567",
            "town": "https://evil.example",
            "school_type": "primary",
            "year_group": "7",
            "groups": 1,
            "pupils": 20,
            "date_1": "2030-01-07",
            "remarks": "http://evil.example",
        },
    )
    row = OutboxMail.objects.get(rule_key="school_request_received", to_email=request.email)
    outbox.send_batch([row.pk])
    row.refresh_from_db()
    for part in (row.subject, row.body_text, row.body_html):
        assert "evil" not in part and "Klik" not in part
    assert row.body_text.startswith("Hallo,") and "Sexting & Grooming" in row.body_text


def test_every_mail_parses_strictly_with_a_real_offset_and_a_reply_to(home_page):
    from home.models import SiteSettings

    settings_row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.email = "info@qpido.example"
    settings_row.save()
    outbox._REPLY_TO = None
    for template in _templates():
        for language in ("nl", "en"):
            mail = render.render(template, language, {**sample_context(language), **ATTACK})
            row = OutboxMail(
                subject=mail.subject,
                body_text=mail.text,
                body_html=mail.html,
                to_email="sam@example.org",
                message_id="<1.2@qpido.example>",
                attachments=[],
            )
            raw = outbox._message(row, "Qpido <no-reply@qpido.example>", None).message().as_bytes()
            parsed = email.message_from_bytes(raw, policy=strict)
            assert parsed["Reply-To"] == "info@qpido.example"
            assert re.search(r"[+-](0100|0200)$", parsed["Date"]), parsed["Date"]
            for part in parsed.walk():
                assert not part.defects, (template.name, part.defects)
            assert parsed.get_body(("html",)).get_content().count("<a ") >= 0
