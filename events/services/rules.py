"""The mail rules (with their templates), read once and kept in the default cache.

Every registration fires one or two triggers, and reading the rules and their translated templates cost more than
the registration itself. The rules table is small and changes rarely, so all rules are kept in the cache (Redis
in production, shared by every process) for `MAIL_SETTINGS_CACHE_SECONDS`; saving or deleting a rule or a template
empties it at once. A cache that cannot be reached is skipped: the rules are then read from the database.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from events.models import MailRule, MailTemplate

logger = logging.getLogger(__name__)
CACHE_KEY = "events:mail-rules:v1"


def _seconds() -> int:
    return int(settings.MAIL_SETTINGS_CACHE_SECONDS)


def _from_database() -> list[MailRule]:
    return list(MailRule.objects.select_related("template").order_by("pk"))


# What this process read last, and when: a registration asks twice within milliseconds (once while preparing its
# mail, once under the session lock), so the second answer comes from memory. Kept LOCAL_SECONDS at most.
LOCAL_SECONDS = 1.0
_local: tuple[float, list[MailRule]] | None = None


def all_rules() -> list[MailRule]:
    """Every rule (active or not) with its template: from the cache when it holds them, else from the database."""
    global _local
    seconds = _seconds()
    if seconds <= 0:
        return _from_database()
    if _local is not None and time.monotonic() - _local[0] < LOCAL_SECONDS:
        return _local[1]
    try:
        rules = cache.get(CACHE_KEY)
    except Exception as exc:  # the cache is down: the database still answers
        logger.warning("mail rules not read from the cache: %s", type(exc).__name__)
        return _from_database()
    if rules is None:
        rules = _from_database()
        try:
            cache.set(CACHE_KEY, rules, timeout=seconds)
        except Exception as exc:
            logger.warning("mail rules not cached: %s", type(exc).__name__)
    _local = (time.monotonic(), rules)
    return rules


def forget_local() -> None:
    global _local
    _local = None


def forget(**kwargs) -> None:
    """A rule or template changed: the next trigger reads them afresh (in every process sharing the cache)."""
    forget_local()
    try:
        cache.delete(CACHE_KEY)
    except Exception as exc:
        logger.warning("mail rules cache not emptied: %s", type(exc).__name__)


def connect_signals() -> None:
    for model in (MailRule, MailTemplate):
        post_save.connect(forget, sender=model, dispatch_uid=f"mail-rules-forget-save-{model.__name__}")
        post_delete.connect(forget, sender=model, dispatch_uid=f"mail-rules-forget-delete-{model.__name__}")
