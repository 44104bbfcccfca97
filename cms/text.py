"""Hygiene for text that visitors type into public forms, shared by every app (it imports none of them).

* `clean_text`: NFC-normalised, without control characters and invisible format characters (right-to-left and
  other bidirectional overrides, zero-width spaces and joiners, the byte-order mark), so a name cannot display
  reversed or hide characters in the admin, a list or a mail. Length limits are checked on this cleaned value.
* `looks_like_link`: text that a mail client or the admin would turn into a link (a scheme, "www.", an address,
  a host name); single-line fields such as names and towns refuse it, so nobody can make the site carry their
  link to someone else.
"""

from __future__ import annotations

import re
import unicodedata

# Control (Cc), format (Cf: bidi overrides and isolates, zero-width characters, BOM, soft hyphen), surrogate,
# private-use and unassigned code points.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_WHITESPACE = re.compile(r"\s+")
_LINE_SPACES = re.compile(r"[^\S\n]+")
_LINK = re.compile(
    r"""
    [a-z][a-z0-9+.-]*:/{1,3}              # a scheme: http://, https://, ftp://, file:///
    | \b(?:https?|ftp|mailto|javascript|data|tel|sms):  # a bare scheme
    | \bwww\d{0,3}\.                      # www.example
    | [<>@]                               # markup or an address
    | \b[a-z0-9](?:[a-z0-9-]{0,62}\.)+    # a host name: label(s) and a dot …
      (?:com|net|org|nl|be|de|eu|uk|fr|info|biz|io|co|me|app|dev|link|click|top|site|online|xyz|ru|cn|tk|ly|gl
         |example|test|invalid|localhost)\b  # … and a top-level domain
    """,
    re.IGNORECASE | re.VERBOSE,
)


def clean_text(value, *, multiline: bool = False) -> str:
    """The value as NFC text without control or invisible format characters; single-line text has its runs of
    whitespace collapsed to one space, multi-line text keeps its line breaks (CR LF and CR become LF)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in text:
        if unicodedata.category(char) in _DROPPED_CATEGORIES:
            if char == "\n" or char == "\t":
                kept.append("\n" if multiline and char == "\n" else " ")
            continue
        kept.append(char)
    text = "".join(kept)
    text = _LINE_SPACES.sub(" ", text) if multiline else _WHITESPACE.sub(" ", text)
    if multiline:
        text = "\n".join(line.strip() for line in text.split("\n"))
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def looks_like_link(text: str) -> bool:
    """True when a mail client or browser could make a link of (part of) the text, also once NFKC-normalised
    (full-width letters such as "ｗｗｗ．" turn into "www.")."""
    if not text:
        return False
    return bool(_LINK.search(text) or _LINK.search(unicodedata.normalize("NFKC", text)))
