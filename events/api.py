"""The event engine's public API: what other apps call. `events` imports no other app of ours.

The shared names (triggers, audiences, recipients, attachments, the provider registries, placeholders) live in
`events.contract` and are repeated here, so a source app needs this one module; `fire` and `cancel_pending` are the
two calls into the engine.
"""

from __future__ import annotations

from collections.abc import Iterable

from events.contract import (
    PLACEHOLDERS,
    Attachment,
    Audience,
    ContextProvider,
    Due,
    Recipient,
    TimeProvider,
    Trigger,
    context_provider,
    providers,
    register_context_provider,
    register_provider,
)

__all__ = [
    "PLACEHOLDERS",
    "Attachment",
    "Audience",
    "ContextProvider",
    "Due",
    "Recipient",
    "TimeProvider",
    "Trigger",
    "cancel_pending",
    "context_provider",
    "fire",
    "providers",
    "register_context_provider",
    "register_provider",
]


def fire(
    trigger: str,
    recipients: Iterable[Recipient],
    *,
    scope: str,
    training_key: str | None = None,
    occurrence: str = "",
) -> int:
    """Queue the mails of every active rule for this immediate trigger; returns how many outbox rows were created."""
    from events.services.outbox import fire_rules  # implemented by the event engine

    return fire_rules(trigger, list(recipients), scope=scope, training_key=training_key, occurrence=occurrence)


def cancel_pending(scope: str, rule_keys: Iterable[str] | None = None) -> int:
    """Cancel mail still queued for a scope (e.g. call it when a session is cancelled, before firing
    SESSION_CANCELLED, so no reminder goes out for it); returns how many were cancelled."""
    from events.services.outbox import cancel_pending as cancel_queued

    return cancel_queued(scope, rule_keys)
