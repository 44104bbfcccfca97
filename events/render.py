"""One source → subject, plain text and HTML (CSS inlined) in the recipient's language."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from functools import lru_cache

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape, urlizer
from django.utils.translation import gettext as _

from events.contract import PLACEHOLDERS

_URL = re.compile(r"^https?://\S+$")


@dataclass
class RenderedMail:
    subject: str
    text: str
    html: str


class _Values(dict):
    """Missing values render as empty text rather than failing a mail that is already on its way."""

    def __missing__(self, key):
        return ""


def fill(text: str, context: dict) -> str:
    values = _Values({k: ("" if v is None else str(v)) for k, v in (context or {}).items() if k in PLACEHOLDERS})
    return (text or "").format_map(values)


# a word as Django's urlize splits text (runs of characters other than white space, <, >, " and ') that holds
# ".", "@" or ":": the only words urlize looks at further; it escapes every other word and separator
_LINK_CANDIDATE = re.compile(r"""([^\s<>"']*[.@:][^\s<>"']*)""")


def _maybe_link(word: str) -> bool:
    """False when Django's Urlizer would surely only escape `word`: without brackets, "&" or ";" it trims just
    trailing ".,:!" and then needs a ".", "@" or ":" in what is left (a scheme, a dot of a domain, an @)."""
    if "(" in word or ")" in word or "[" in word or "]" in word or "&" in word or ";" in word:
        return True
    rest = word.rstrip(".,:!")
    return "." in rest or "@" in rest or ":" in rest


def urlize(line: str) -> str:
    """Django's `urlize(line, autoescape=True)`, the same output, without its cost for text that cannot be a link:
    only words that may be one go to Django's own Urlizer; the rest is escaped, as urlize escapes it. (Profiled:
    urlize was half the render time; sentence ends like "uitnodiging." cost it 10 µs each.)"""
    pieces = _LINK_CANDIDATE.split(line)
    for index, piece in enumerate(pieces):
        if index % 2 and _maybe_link(piece):
            pieces[index] = urlizer.handle_word(piece, safe_input=False, autoescape=True)
        else:
            pieces[index] = html_lib.escape(piece)
    return "".join(pieces)


def _paragraph_html(paragraph: str) -> str:
    lines = paragraph.split("\n")
    if all(line.lstrip().startswith("- ") for line in lines if line.strip()):
        items = "".join(f"<li>{urlize(line.lstrip()[2:])}</li>" for line in lines if line.strip())
        return f"<ul>{items}</ul>"
    if len(lines) == 1 and _URL.match(lines[0].strip()):
        url = escape(lines[0].strip())
        return f'<p><a class="button" href="{url}">{url}</a></p>'
    return "<p>" + "<br>".join(urlize(line) for line in lines) + "</p>"


def text_to_html(text: str) -> str:
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "\n".join(_paragraph_html(p) for p in paragraphs)


_BODY = "qpido-mail-body-9f41c7"  # where the body goes in the layout: plain text, kept as it is by css_inline
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)


@lru_cache(maxsize=256)
def _layout(language: str, subject: str) -> tuple[str, str, str] | None:
    """The page around the body (events/mail.html) for one language and subject, with its CSS inlined, and the CSS
    for the body: the same for every recipient, so done once per process. None when the marker does not come out
    exactly once."""
    page = render_to_string("events/mail.html", {"subject": subject, "body": _BODY, "language": language})
    inlined = css_inline.inline(page)
    if page.count(_BODY) != 1 or inlined.count(_BODY) != 1:
        return None
    before, _marker, after = inlined.partition(_BODY)
    return before, after, "\n".join(_STYLE.findall(page))


def render(template, language: str, context: dict) -> RenderedMail:
    """Render `template` for one recipient inside their language; HTML gets its CSS inlined. The page around the
    body (events/mail.html, which sees subject, body and language) is rendered and inlined once per language and
    subject; per mail only the body is inlined, with the page's CSS. That gives the page a full inline gives as long
    as the CSS rules for the body do not depend on what surrounds it (no ".wrap p"); tests/test_mail_sending.py
    compares the two for every template."""
    with translation.override(language):
        subject = " ".join(fill(template.subject_for(language), context).split())
        text = fill(template.body_for(language), context).strip() + "\n"
        body = text_to_html(text)
        layout = None if settings.DEBUG else _layout(language, subject)  # DEBUG: an edited layout shows at once
        if layout is None:
            page = render_to_string("events/mail.html", {"subject": subject, "body": body, "language": language})
            html = css_inline.inline(page)
        else:
            before, after, css = layout
            html = before + css_inline.inline_fragment(body, css) + after
    return RenderedMail(subject=subject[:250], text=text, html=html)


def sample_context(language: str) -> dict:
    """Example values for the admin preview."""
    with translation.override(language):
        return {
            "first_name": "Sam",
            "training": _("Example training"),
            "session_start": _("Tuesday 3 March 2026, 19:30"),
            "session_end": "21:30",
            "join_url": "https://meet.example.org/abc-defg-hij",
            "location": "",
            "where": "https://meet.example.org/abc-defg-hij",
            "school_name": _("Example school"),
            "proposed_start": _("Tuesday 3 March 2026, 19:30"),
            "respond_url": "https://example.org/respond",
            "podcast_title": _("Example podcast episode"),
            "podcast_url": "https://example.org/h/podcast",
            "background_url": "https://example.org/h/background",
            "cheat_sheet_url": "https://example.org/documents/cheat-sheet.pdf",
            "online_rules": _("- Use your full name as your user name\n- Keep your microphone muted"),
            "manage_url": "https://example.org/my-registration",
            "evaluation_url": "https://example.org/evaluation",
            "organisation": "Qpido",
        }
