"""One source → subject, plain text and HTML (CSS inlined) in the recipient's language."""

from __future__ import annotations

import re
from dataclasses import dataclass

import css_inline
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape, urlize
from django.utils.translation import gettext as _

from events.models import PLACEHOLDERS

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


def _paragraph_html(paragraph: str) -> str:
    lines = paragraph.split("\n")
    if all(line.lstrip().startswith("- ") for line in lines if line.strip()):
        items = "".join(f"<li>{urlize(line.lstrip()[2:], autoescape=True)}</li>" for line in lines if line.strip())
        return f"<ul>{items}</ul>"
    if len(lines) == 1 and _URL.match(lines[0].strip()):
        url = escape(lines[0].strip())
        return f'<p><a class="button" href="{url}">{url}</a></p>'
    return "<p>" + "<br>".join(urlize(line, autoescape=True) for line in lines) + "</p>"


def text_to_html(text: str) -> str:
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "\n".join(_paragraph_html(p) for p in paragraphs)


def render(template, language: str, context: dict) -> RenderedMail:
    """Render `template` for one recipient inside their language; HTML gets its CSS inlined."""
    with translation.override(language):
        subject = " ".join(fill(template.subject_for(language), context).split())
        text = fill(template.body_for(language), context).strip() + "\n"
        html = render_to_string(
            "events/mail.html",
            {"subject": subject, "body": text_to_html(text), "language": language, "context": context},
        )
        html = css_inline.inline(html)
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
