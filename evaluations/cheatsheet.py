"""The team tool's flip chart columns, its cheat sheet ("spiekbriefje") and the text hygiene every typed factor
goes through. Models, forms and services read this module; it reads none of them."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class FactorColumn(models.TextChoices):
    """The three columns of the team tool's flip chart (step 2)."""

    PROFESSIONAL = "professional", _("Actions, approach and qualities of the professional")
    ENVIRONMENT = "environment", _("Environmental factors that help")
    VICTIM = "victim", _("What the victim needs in support and help")


# The team tool's cheat sheet ("spiekbriefje"): ready-made success factors per column, offered as suggestions.
SUGGESTIONS = {
    FactorColumn.PROFESSIONAL: [
        (
            _("In prevention"),
            [
                (
                    "prevention",
                    _(
                        "Invest in prevention: don't wait for incidents, proactively support young people in a "
                        "positive sexual development"
                    ),
                ),
                (
                    "positive_approach",
                    _(
                        "A positive approach: sexuality is an important part of health and well-being, and online "
                        "sexuality is part of that"
                    ),
                ),
                ("clear_norm", _("Set a clear norm: violence is never okay, not online either")),
                ("safe_sexting", _("Focus on safe sexting: how do you keep it fun for everyone?")),
                (
                    "equal_judgement",
                    _("Don't judge girls and boys differently for the same sexual behaviour"),
                ),
                ("challenge_stereotypes", _("Challenge stereotyped norms around gender and sexuality")),
                (
                    "campaigns",
                    _("Join national campaigns on preventing sexual harassment and domestic violence"),
                ),
            ],
        ),
        (
            _("At incidents"),
            [
                ("believe_victim", _("Believe and support the victim")),
                ("arrange_help", _("Where needed: arrange help for the victim")),
                ("address_perpetrator", _("Address the perpetrator, with consequences and help where needed")),
                (
                    "counter_blaming",
                    _("Actively counter victim blaming and slut shaming by peers, parents or other professionals"),
                ),
                (
                    "discuss_in_group",
                    _(
                        "Discuss the incident in the class or group: what do we learn from it, how do we prevent "
                        "it in future?"
                    ),
                ),
                ("future_prevention", _("Work on preventing unwanted sexting in the future")),
                ("adjust_policy", _("Adjust the organisation's policy where needed")),
            ],
        ),
    ],
    FactorColumn.ENVIRONMENT: [
        (
            "open_climate",
            _(
                "An open climate around sexuality: it can be discussed openly and young people know where to go "
                "with questions, worries or problems"
            ),
        ),
        (
            "rules_of_conduct",
            _("Clear rules of conduct: wishes and boundaries are discussed and consent goes without saying"),
        ),
        (
            "positive_norms",
            _(
                "Positive norms around gender and sexuality: the focus is on being yourself, not on being a "
                "typical boy or girl"
            ),
        ),
        ("incident_guidelines", _("Guidelines on how to act adequately in incidents")),
        ("supportive_colleagues", _("Colleagues who support your work")),
    ],
    FactorColumn.VICTIM: [
        ("family_friends", _("Support from family and friends")),
        (
            "supportive_surroundings",
            _("Support from the surroundings: hearing that it is not the victim's fault, instead of being shamed"),
        ),
        (
            "know_where_to_go",
            _("Knowing where to go for help, for example Helpwanted and Slachtofferhulp"),
        ),
    ],
}


def suggestion_choices(column):
    """Choices for a column's checkboxes; the professional column is grouped (prevention / incidents)."""
    return SUGGESTIONS[column]


def _flat(column):
    for entry in SUGGESTIONS[column]:
        if isinstance(entry[1], list):
            yield from entry[1]
        else:
            yield entry


SUGGESTION_LABELS = {key: label for column in FactorColumn for key, label in _flat(column)}
SUGGESTION_COLUMN = {key: column for column in FactorColumn for key, _label in _flat(column)}


def suggestion_label(key):
    return SUGGESTION_LABELS.get(key, key)


# --- Text hygiene ------------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_KEEP_IN_TEXT = {"\n", "\t"}


def clean_text(value, *, multiline=False) -> str:
    """NFC-normalised text without control or invisible format characters (NUL, bidi overrides, zero-width)."""
    if value is None:
        return ""
    value = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in value:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            if multiline and char in _KEEP_IN_TEXT:
                kept.append(char)
            elif char in _KEEP_IN_TEXT or char == "\n":
                kept.append(" ")
            continue
        kept.append(char)
    text = "".join(kept)
    if not multiline:
        text = _SPACES.sub(" ", text)
    text = text.strip()
    # Only combining marks or spaces left (e.g. a lone accent): nothing readable, treat as empty.
    if not any(unicodedata.category(char)[0] in "LNPS" for char in text):
        return ""
    return text


def _plain_key(text) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", clean_text(text))).strip().casefold()


_SUGGESTION_BY_TEXT: dict[str, str] = {}


def _suggestion_by_text() -> dict[str, str]:
    """Typed text that equals a cheat-sheet label in Dutch or English counts as that suggestion."""
    if not _SUGGESTION_BY_TEXT:
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                for key, label in SUGGESTION_LABELS.items():
                    _SUGGESTION_BY_TEXT[_plain_key(str(label))] = key
    return _SUGGESTION_BY_TEXT


def normalise(text, suggestion: str = "") -> str:
    """What the report groups by: '#key' for a cheat-sheet factor, else the text case-folded with single spaces."""
    if suggestion:
        return f"#{suggestion}"
    key = _plain_key(text)
    matched = _suggestion_by_text().get(key)
    return f"#{matched}" if matched else key
