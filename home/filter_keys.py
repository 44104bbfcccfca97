"""Filter keys in the visitor's language: /hulp/?topic=relaties, /en/help/?topic=relationships.

A key is the slug of the option's label in the active language ("Liefde en relaties" → "liefde-en-relaties").
The stored value (a theme's slug, a choice value, which is English) is still understood, so links made before
keys were translated keep working; the links a page renders use the key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.text import slugify


@dataclass(frozen=True)
class Option:
    key: str
    value: str
    label: str


def options(pairs: Iterable[tuple[str, object]]) -> list[Option]:
    """(value, label) pairs → options with a key per language; a label without a usable slug, or one that two
    options share, keeps the value as its key."""
    pairs = [(str(value), str(label)) for value, label in pairs]
    keys = [slugify(label) or value for value, label in pairs]
    taken = {key for key in keys if keys.count(key) == 1}
    return [
        Option(key if key in taken else value, value, label) for (value, label), key in zip(pairs, keys, strict=True)
    ]


def selected_value(choices: list[Option], requested: str) -> str:
    """The value the request asks for, by key (or by stored value, from older links); "" for none or unknown."""
    requested = (requested or "")[:100]
    for option in choices:
        if requested == option.key:
            return option.value
    for option in choices:
        if requested == option.value:
            return option.value
    return ""
