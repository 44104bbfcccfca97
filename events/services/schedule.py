"""Which timed mails are due: the minute tick asks the registered providers, per active rule.

Due mail is found by state: a rule's moment (N hours before the start, N hours after the end) has passed and no
outbox row exists yet for (rule, scope, recipient, occurrence). So a session whose end is edited into the past, or
a tick that did not run for hours, still gets its mail, once, within the catch-up horizon (MAIL_CATCH_UP_DAYS,
by default EVALUATION_OPEN_DAYS). A provider that does not answer by state (it takes no `rule_key`) is asked for
the window since the rule's last tick (`checked_until`) instead. Inserts are idempotent (the outbox's dedupe key),
so a tick that runs twice or overlaps changes nothing.

Looking at the whole horizon every minute would cost every tick a query per rule. So a tick first asks the
provider's cheap `anything_due` (did a moment pass since the last tick, did anyone register?) and looks by state
only when it did, when `rescan()` was called (a session's time was changed), or when the last look at the whole
horizon is MAIL_FULL_SCAN_MINUTES old: what changed in other ways (a status, a rule) is found within that time.
"""

from __future__ import annotations

import inspect
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from events.contract import Trigger, providers
from events.models import MailRule
from events.services import outbox

logger = logging.getLogger("events.schedule")

FIRST_LOOK_BACK = timedelta(hours=1)  # windowed providers: a new rule does not mail moments from long ago
FULL_SCAN_KEY = "events:schedule:full-scan-at"


def catch_up_horizon() -> timedelta:
    """How far back a missed moment is still mailed."""
    return timedelta(days=settings.MAIL_CATCH_UP_DAYS)


def _windows(rules: list[MailRule], now: datetime) -> list[tuple[MailRule, datetime]]:
    windows = []
    for rule in rules:
        if not rule.is_active:
            continue
        since = rule.checked_until or (now - FIRST_LOOK_BACK)
        since = max(since, now - catch_up_horizon())
        windows.append((rule, min(since, now)))
    return windows


def rescan() -> None:
    """The next tick looks at the whole horizon (call it when a session's time changed)."""
    try:
        cache.delete(FULL_SCAN_KEY)
    except Exception:  # the cache is down: every tick looks at the whole horizon anyway
        pass


def _full_scan_due(now: datetime) -> bool:
    minutes = settings.MAIL_FULL_SCAN_MINUTES
    try:
        last = cache.get(FULL_SCAN_KEY)
    except Exception:
        return True
    return last is None or minutes <= 0 or not (last <= now < last + timedelta(minutes=minutes))


def _full_scan_done(now: datetime) -> None:
    try:
        cache.set(FULL_SCAN_KEY, now, timeout=24 * 60 * 60)
    except Exception:
        pass


def _by_state(provider) -> bool:
    """Whether the provider finds due mail by state (its `due` takes `rule_key`)."""
    try:
        parameters = inspect.signature(provider.due).parameters
    except (TypeError, ValueError):
        return False
    return "rule_key" in parameters or any(p.kind == p.VAR_KEYWORD for p in parameters.values())


def _overrides(rules: list[MailRule]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(key, trigger) → trainings that have their own rule (active or not) replacing the general one."""
    found: dict[tuple[str, str], list[str]] = {}
    for rule in rules:
        if rule.training_key:
            found.setdefault((rule.key, rule.trigger), []).append(rule.training_key)
    return {key: tuple(value) for key, value in found.items()}


def due_rows(windows, overrides, now: datetime) -> list:
    rows = []
    full_scan = _full_scan_due(now)
    scanned = False
    for provider in providers():
        triggers = getattr(provider, "triggers", ())
        mine = [(rule, since) for rule, since in windows if rule.trigger in triggers]
        if not mine:
            continue
        by_state = _by_state(provider)
        anything_due = getattr(provider, "anything_due", None)
        specs = [(rule.trigger, rule.offset, since, rule.send_late) for rule, since in mine]
        if not (by_state and full_scan) and anything_due is not None and not anything_due(specs, now):
            continue  # one cheap indexed look instead of a query per rule when nothing is due
        scanned = scanned or by_state
        for rule, since in mine:
            state = {"rule_key": rule.key, "horizon": catch_up_horizon(), "not_before": rule.created_at}
            for due in provider.due(
                trigger=rule.trigger,
                offset=rule.offset,
                audience=rule.audience,
                training_key=rule.training_key or None,
                now=now,
                since=since,
                send_late=rule.send_late,
                exclude_training_keys=() if rule.training_key else overrides.get((rule.key, rule.trigger), ()),
                **(state if by_state else {}),
            ):
                rows.append(outbox.build_row(rule, due.scope, due.recipient, due.occurrence))
    if scanned:
        _full_scan_done(now)
    return rows


def tick(now: datetime | None = None) -> dict:
    """The minute tick: timed rules → outbox rows for every mail that is due and not queued yet; then hand over
    queued rows that are due (new or waiting for a retry). Rules are locked (skip locked) so overlapping ticks do
    not do work twice."""
    now = now or timezone.now()
    created = 0
    with transaction.atomic():
        rules = list(
            MailRule.objects.select_for_update(skip_locked=True)
            .select_related("template")
            .filter(trigger__in=Trigger.TIMED)
            .order_by("pk")
        )
        windows = _windows(rules, now)
        if windows:
            created = len(outbox.queue_rows(due_rows(windows, _overrides(rules), now)))
            MailRule.objects.filter(pk__in=[rule.pk for rule, _since in windows]).update(checked_until=now)
    requeued = outbox.requeue_stuck(now)  # a worker died while sending: its rows move again within two minutes
    enqueued = outbox.enqueue_due(now)
    if created or enqueued:
        logger.info("tick: %d mails created, %d handed to the worker", created, enqueued)
    return {"created": created, "enqueued": enqueued, "requeued": requeued}


def send_now(rule: MailRule, scope: str) -> int:
    """The admin's "send now": the rule's mail to everyone in its audience for one scope, at once (once each)."""
    rows = []
    for provider in providers():
        audience_for = getattr(provider, "audience_for", None)
        if audience_for is None:
            continue
        for due in audience_for(scope, rule.audience):
            rows.append(outbox.build_row(rule, due.scope, due.recipient, due.occurrence))
    return len(outbox.queue_rows(rows))
