"""Which timed mails are due: the minute tick asks the registered providers, per active rule, for a time window.

Each rule keeps a watermark (`checked_until`): a tick looks only at moments in (checked_until, now], so the work of a
tick grows with the mail that is due, not with the number of sessions or registrations. Inserts are idempotent
(the outbox's dedupe key), so a tick that runs twice or overlaps changes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from events.api import Trigger, providers
from events.models import MailRule
from events.services import outbox

logger = logging.getLogger("events.schedule")

FIRST_LOOK_BACK = timedelta(hours=1)  # a new rule does not mail moments from long ago
MAX_LOOK_BACK = timedelta(days=7)  # after a long outage, catch up at most this far


def _overridden_trainings(rule: MailRule) -> tuple[str, ...]:
    if rule.training_key:
        return ()
    return tuple(
        MailRule.objects.filter(key=rule.key, trigger=rule.trigger)
        .exclude(training_key="")
        .values_list("training_key", flat=True)
    )


def due_rows(rule: MailRule, since: datetime, now: datetime) -> list:
    rows = []
    for provider in providers():
        if rule.trigger not in getattr(provider, "triggers", ()):
            continue
        for due in provider.due(
            trigger=rule.trigger,
            offset=rule.offset,
            audience=rule.audience,
            training_key=rule.training_key or None,
            now=now,
            since=since,
            send_late=rule.send_late,
            exclude_training_keys=_overridden_trainings(rule),
        ):
            rows.append(outbox.build_row(rule, due.scope, due.recipient, due.occurrence))
    return rows


def run_rule(rule_id: int, now: datetime) -> int:
    """Insert the due mails of one rule for (checked_until, now] and move its watermark; returns rows created."""
    with transaction.atomic():
        rule = (
            MailRule.objects.select_for_update(skip_locked=True)
            .select_related("template")
            .filter(pk=rule_id, is_active=True)
            .first()
        )
        if rule is None:
            return 0
        since = rule.checked_until or (now - FIRST_LOOK_BACK)
        since = max(since, now - MAX_LOOK_BACK)
        if since >= now:
            return 0
        created = outbox.queue_rows(due_rows(rule, since, now))
        MailRule.objects.filter(pk=rule.pk).update(checked_until=now)
    return len(created)


def tick(now: datetime | None = None) -> dict:
    """The minute tick: timed rules → outbox rows; then hand over queued rows that are due (new or retrying)."""
    now = now or timezone.now()
    created = 0
    rule_ids = MailRule.objects.filter(is_active=True, trigger__in=Trigger.TIMED).values_list("pk", flat=True)
    for rule_id in list(rule_ids):
        created += run_rule(rule_id, now)
    enqueued = outbox.enqueue_due(now)
    logger.info("tick: %d mails created, %d handed to the worker", created, enqueued)
    return {"created": created, "enqueued": enqueued}


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
