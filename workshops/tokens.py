"""Signed personal links: a token carries a row's random public id, signed and time-limited per purpose.

No e-mail address or database id ever appears in a URL. A tampered or expired token reads as None;
`load` also tells which of the two it was, so the page can say "expired" (410) or "not valid" (404).
"""

from django.conf import settings
from django.core import signing

# How long each kind of link stays valid (seconds); the manage link lives until well after the session.
MAX_AGE = {
    "manage": settings.TOKEN_MAX_AGE_MANAGE,
    "homework": settings.TOKEN_MAX_AGE_HOMEWORK,
    "evaluation": settings.TOKEN_MAX_AGE_EVALUATION,
    "school": settings.TOKEN_MAX_AGE_SCHOOL,
}

VALID, INVALID, EXPIRED = "valid", "invalid", "expired"


def make_token(obj, purpose: str) -> str:
    """A signed token for a Registration (or any row with a `public_id`, e.g. a SchoolBookingRequest)."""
    return signing.dumps(str(obj.public_id), salt=f"workshops.{purpose}", compress=True)


def load(token: str, purpose: str, model=None, max_age: int | None = None):
    """(row, VALID) or (None, INVALID | EXPIRED). `model` defaults to Registration."""
    from workshops.models import Registration

    model = model or Registration
    try:
        public_id = signing.loads(token, salt=f"workshops.{purpose}", max_age=max_age or MAX_AGE.get(purpose))
    except signing.SignatureExpired:
        return None, EXPIRED
    except (signing.BadSignature, TypeError, ValueError):
        return None, INVALID
    queryset = model.objects.all()
    if model is Registration:
        queryset = queryset.select_related("session", "session__training", "session__lesson")
    try:
        return queryset.get(public_id=public_id), VALID
    except Exception:  # missing row, or a malformed UUID string from an old token format
        return None, INVALID


def read_token(token: str, purpose: str, max_age: int | None = None):
    """The Registration the token was made for, or None when it is forged, expired or the row is gone."""
    return load(token, purpose, max_age=max_age)[0]
