"""One source → subject, plain text and HTML (CSS inlined) in the recipient's language.

What reads well in every mail client:

* Hard line breaks that an editor typed inside a sentence are joined (`unwrap`); list items, a line that is only a
  placeholder or a link, and a line after a colon keep their break.
* In the HTML part a link placeholder ({manage_url}, {evaluation_url}, …) becomes a button or link with a short
  text ("Your registration") instead of a raw 150-character URL; the plain text keeps the URL.
* Text a visitor typed ({first_name}, {school_name}, {town}) is never a link and never HTML: it is escaped, and
  anything that looks like a web or mail address is broken ("evil[.]example", "http[:]//") so that mail clients do
  not link it either. Links come only from the template and from the links the site itself makes.
"""

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
from django.utils.translation import gettext_lazy

from events.contract import PLACEHOLDERS

_URL = re.compile(r"^https?://\S+$")

# The short text of each link the site makes, shown in the HTML part instead of the URL.
LINK_TEXTS = {
    "manage_url": gettext_lazy("Your registration"),
    "join_url": gettext_lazy("Join the session"),
    "where": gettext_lazy("Join the session"),
    "podcast_url": gettext_lazy("Listen to the episode"),
    "background_url": gettext_lazy("Read the background information"),
    "cheat_sheet_url": gettext_lazy("Open the cheat sheet"),
    "evaluation_url": gettext_lazy("Fill in the evaluation"),
    "respond_url": gettext_lazy("Answer the proposal"),
    "admin_url": gettext_lazy("Open the request"),
}
# Placeholders filled with what a visitor typed in a public form: shown as text, never as a link.
VISITOR_TEXT = frozenset({"first_name", "school_name", "town"})


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


# --- text a visitor typed ------------------------------------------------------------------------------------
# a scheme ("http://", "mailto:") and a dot between a name and two or more letters ("evil.example", "x.nl"): the
# two things mail clients look for before they make text a link
_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*):(//)?")
_DOMAIN_DOT = re.compile(r"(?i)(?<=[a-z0-9-])\.(?=[a-z]{2,})")
_KNOWN_SCHEMES = {"http", "https", "ftp", "mailto", "www", "file", "javascript", "data", "tel", "sms"}


def unlinkable(value: str) -> str:
    """Visitor text that no mail client turns into a link: "http://evil.example" → "http[:]//evil[.]example".
    Ordinary names and towns ("J.P. Coen", "Den Haag") are left as they are."""
    value = _SCHEME.sub(
        lambda m: f"{m.group(1)}[:]{m.group(2) or ''}" if m.group(1).lower() in _KNOWN_SCHEMES or m.group(2) else m[0],
        value,
    )
    value = _DOMAIN_DOT.sub("[.]", value)
    return value.replace("@", "[at]")


def _text_values(context: dict) -> dict:
    values = dict(context or {})
    for key in VISITOR_TEXT & values.keys():
        values[key] = unlinkable("" if values[key] is None else " ".join(str(values[key]).split()))
    return values


# --- hard line breaks ----------------------------------------------------------------------------------------
_PLACEHOLDER_LINE = re.compile(r"^\{\w+\}$")
_ITEM = re.compile(r"^(- |\d+[.)] )")


def _standalone(line: str) -> bool:
    line = line.strip()
    return bool(_PLACEHOLDER_LINE.match(line) or _URL.match(line) or _ITEM.match(line))


def unwrap(text: str) -> str:
    """Join the lines of a paragraph that were broken inside a sentence: a line is joined to the one before when
    it starts with a small letter (or with a placeholder after a word), unless either is a list item, a lone
    placeholder or a lone link, or the line before ends with a colon."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    out: list[str] = []
    for line in lines:
        if out and out[-1].strip() and line.strip() and not _standalone(out[-1]) and not _standalone(line):
            previous, current = out[-1].rstrip(), line.strip()
            if previous.endswith(":"):
                out.append(line)
                continue
            if current[0].islower() or (current[0] == "{" and previous[-1:].isalnum()):
                out[-1] = f"{previous} {current}"
                continue
        out.append(line)
    return "\n".join(out)


# --- HTML ----------------------------------------------------------------------------------------------------
# a word as Django's urlize splits text (runs of characters other than white space, <, >, " and ') that holds
# ".", "@" or ":": the only words urlize looks at further; it escapes every other word and separator
_LINK_CANDIDATE = re.compile(r"""([^\s<>"']*[.@:][^\s<>"']*)""")


def _maybe_link(word: str) -> bool:
    """False when Django's Urlizer would surely only escape `word`: without brackets, "&" or ";" it trims just
    trailing ".,:!" and then needs a "." or "@" in what is left (a dot of a domain, an @), or "://" (a link
    without a dot, http://localhost). A time ("15:35") or "Tijd:" is only escaped."""
    if "(" in word or ")" in word or "[" in word or "]" in word or "&" in word or ";" in word:
        return True
    rest = word.rstrip(".,:!")
    return "." in rest or "@" in rest or "://" in rest


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
    if len(lines) == 1 and _SLOT.fullmatch(lines[0].strip()):
        return lines[0].strip().replace("slot", "block", 1)  # a placeholder alone: its value decides the markup
    if all(line.lstrip().startswith("- ") for line in lines if line.strip()):
        items = "".join(f"<li>{urlize(line.lstrip()[2:])}</li>" for line in lines if line.strip())
        return f"<ul>{items}</ul>"
    if len(lines) == 1 and _URL.match(lines[0].strip()):
        return f"<p>{_link(lines[0].strip(), _host(lines[0].strip()), button=True)}</p>"
    return "<p>" + "<br>".join(urlize(line) for line in lines) + "</p>"


def text_to_html(text: str) -> str:
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "\n".join(_paragraph_html(p) for p in paragraphs)


def _host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0] or url


def _link(url: str, label, *, button: bool) -> str:
    css = ' class="button"' if button else ""
    return f'<a{css} href="{escape(url)}">{escape(str(label))}</a>'


# The HTML of a template is built once per text ("skeleton") with a slot for every placeholder; per mail only the
# slots are filled. A placeholder alone on its line becomes a paragraph of its own (a button for a link).
_NAMES = sorted(PLACEHOLDERS)
_SLOT = re.compile(r"qpidoslot(\d+)x")
_FILLED = re.compile(r"qpido(slot|block)(\d+)x")


@lru_cache(maxsize=256)
def _skeleton(body: str, urlize_line) -> str:
    marked = fill(body, {name: f"qpidoslot{index}x" for index, name in enumerate(_NAMES)})
    lines = []
    for line in marked.split("\n"):
        if _SLOT.fullmatch(line.strip()):
            lines += ["", line.strip(), ""]
        else:
            lines.append(line)
    return text_to_html("\n".join(lines))


def _value_html(name: str, value, block: bool) -> str:
    value = "" if value is None else str(value)
    if name in VISITOR_TEXT:
        shown = escape(unlinkable(" ".join(value.split())))
        return f"<p>{shown}</p>" if block and shown else shown
    if name in LINK_TEXTS and _URL.match(value.strip()):
        link = _link(value.strip(), LINK_TEXTS[name], button=block)
        return f"<p>{link}</p>" if block else link
    if block:
        return text_to_html(value)
    return "<br>".join(urlize(line) for line in value.strip("\n").split("\n"))


def body_html(body: str, context: dict) -> str:
    """The HTML body of one mail: the template's skeleton with every placeholder's value put in its slot."""
    values = {k: v for k, v in (context or {}).items() if k in PLACEHOLDERS}
    return _FILLED.sub(
        lambda m: _value_html(_NAMES[int(m[2])], values.get(_NAMES[int(m[2])]), m[1] == "block"),
        _skeleton(body, urlize),
    )


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
        values = _text_values(context)
        subject = " ".join(fill(template.subject_for(language), values).split())
        source = unwrap(template.body_for(language)).strip()
        text = fill(source, values).strip() + "\n"
        body = body_html(source, context)
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
            "changes": _(
                "- When: Tuesday 3 March 2026, 19:30–21:30 → Wednesday 4 March 2026, 19:30–21:30\n"
                "- Where: Online → Stationsplein 1, Utrecht"
            ),
            "calendar_note": _("The attached calendar file adds the session to your calendar or updates it there."),
            "preparation": _(
                "On Tuesday 24 February we will send you the preparation: a podcast episode and background reading."
            ),
        }
