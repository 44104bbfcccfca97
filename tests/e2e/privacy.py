"""Checks that a journey leaked no personal data: not in a URL, a log line, an EventLog payload or a mail subject."""

from __future__ import annotations

import json
import re
from urllib.parse import quote, quote_plus, unquote, urlsplit


def _variants(value: str) -> set[str]:
    value = value.strip()
    if not value:
        return set()
    return {value, value.lower(), quote(value), quote_plus(value), quote(value).lower()}


def personal_values(*people) -> set[str]:
    """E-mail addresses, full names and the parts of names longer than 3 letters, as typed and URL-encoded."""
    values: set[str] = set()
    for person in people:
        for attribute in ("email", "name", "contact_name"):
            value = getattr(person, attribute, "") or ""
            values |= _variants(value)
            if attribute != "email":
                values |= {part for part in value.split() if len(part) > 3}
    return values


def numeric_segments(url: str) -> set[str]:
    parts = urlsplit(url)
    segments = set(unquote(parts.path).split("/"))
    for pair in parts.query.split("&"):
        segments.add(unquote(pair.partition("=")[2]))
    return {s for s in segments if s.isdigit()}


def assert_urls_are_clean(urls, people, *, registration_ids=(), allowed_numbers=()):
    """No URL holds an e-mail address, a name, a public id or a registration's database id."""
    secrets = personal_values(*people)
    public_ids = {str(getattr(p, "public_id", "")) for p in people if getattr(p, "public_id", None)}
    public_ids |= {p.replace("-", "") for p in public_ids}
    forbidden_numbers = {str(pk) for pk in registration_ids} - {str(n) for n in allowed_numbers}
    for url in urls:
        if not url or url.startswith(("data:", "blob:", "about:")):
            continue
        lowered = unquote(url).lower()
        for secret in secrets:
            assert secret.lower() not in lowered, f"personal data in a URL: {url}"
        for public_id in public_ids:
            assert public_id not in lowered, f"a public id in a URL: {url}"
        leaked = numeric_segments(url) & forbidden_numbers
        assert not leaked, f"a registration id in a URL: {url}"


def assert_text_is_clean(text: str, people, what: str):
    for secret in personal_values(*people):
        if re.search(re.escape(secret), text, re.IGNORECASE):
            raise AssertionError(f"personal data ({secret[:3]}…) found in {what}")


def assert_event_log_is_clean(people):
    try:
        from events.models import EventLog
    except ImportError:  # pragma: no cover - the engine is part of the project
        return
    payloads = json.dumps([[e.action, e.object_type, e.object_id, e.payload] for e in EventLog.objects.all()])
    assert_text_is_clean(payloads, people, "the EventLog")
