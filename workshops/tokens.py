"""Signed personal links: a token carries a registration's random public id, signed and time-limited per purpose.

No e-mail address or database id ever appears in a URL. A tampered or expired token reads as None.
"""

from django.conf import settings
from django.core import signing

# How long each kind of link stays valid (seconds); the manage link lives until well after the session.
MAX_AGE = {
    "manage": getattr(settings, "TOKEN_MAX_AGE_MANAGE", 60 * 60 * 24 * 365),
    "homework": getattr(settings, "TOKEN_MAX_AGE_HOMEWORK", 60 * 60 * 24 * 365),
    "evaluation": getattr(settings, "TOKEN_MAX_AGE_EVALUATION", 60 * 60 * 24 * 180),
}


def make_token(registration, purpose: str) -> str:
    return signing.dumps(str(registration.public_id), salt=f"workshops.{purpose}", compress=True)


def read_token(token: str, purpose: str, max_age: int | None = None):
    """The Registration the token was made for, or None when it is forged, expired or the row is gone."""
    from workshops.models import Registration

    try:
        public_id = signing.loads(token, salt=f"workshops.{purpose}", max_age=max_age or MAX_AGE.get(purpose))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    try:
        return Registration.objects.select_related("session").get(public_id=public_id)
    except (Registration.DoesNotExist, ValueError, signing.BadSignature):
        return None
    except Exception:  # e.g. a malformed UUID string from an old token format
        return None
