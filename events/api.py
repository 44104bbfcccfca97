"""The event engine's public API: what other apps call. `events` imports no other app of ours.

Contract (the event engine issue implements the bodies; callers rely on these names and signatures):

* Immediate triggers: a source app calls `fire(trigger, recipients, scope=..., training_key=...)` inside its
  transaction. For every active MailRule with that trigger (a per-training override first), one OutboxMail per
  recipient is inserted with the unique dedupe key (rule, scope, recipient.key, occurrence); a second call with the
  same key inserts nothing. Sending is enqueued with `transaction.on_commit`.
* Time triggers (N hours before start / after end): a source app registers a `TimeProvider` with
  `register_provider`; the minute `tick` asks it which recipients are due and inserts outbox rows the same way.
* Context at send time: a source app may register a context provider for a recipient-key prefix
  (`register_context_provider("registration", provider)`). A row whose recipient has that prefix and that was
  fired with an empty context and no attachments keeps only ids; the worker asks the provider for the context and
  the attachments when it renders the mail, in the row's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol


class Trigger:
    REGISTRATION_CONFIRMED = "registration_confirmed"
    WAITLISTED = "registration_waitlisted"
    PROMOTED = "promoted_from_waitlist"
    SESSION_CANCELLED = "session_cancelled"
    SCHOOL_PROPOSAL = "school_proposal_made"
    SCHOOL_REQUEST_RECEIVED = "school_request_received"  # to the school: we have your request
    SCHOOL_REQUEST_NEW = "school_request_new"  # to the coordinators: a school asks for a lesson
    BEFORE_START = "before_start"
    AFTER_END = "after_end"

    IMMEDIATE = (
        REGISTRATION_CONFIRMED,
        WAITLISTED,
        PROMOTED,
        SESSION_CANCELLED,
        SCHOOL_PROPOSAL,
        SCHOOL_REQUEST_RECEIVED,
        SCHOOL_REQUEST_NEW,
    )
    TIMED = (BEFORE_START, AFTER_END)


class Audience:
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    NOT_PREPARED = "not_prepared"  # confirmed, homework neither opened nor marked done
    NOT_EVALUATED = "not_evaluated"  # attended or confirmed, no evaluation answer yet
    ALL = "all"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class Recipient:
    """One addressee. `key` identifies them within the source without personal data, e.g. "registration:42"."""

    key: str
    email: str
    language: str
    context: dict = field(default_factory=dict)  # placeholder values: first_name, training, session_start, …
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Due:
    """A recipient that a time rule should mail now, for one scope (e.g. "session:7")."""

    scope: str
    recipient: Recipient
    training_key: str | None = None
    occurrence: str = ""


class TimeProvider(Protocol):
    triggers: tuple[str, ...]

    def due(
        self,
        *,
        trigger: str,
        offset: timedelta,
        audience: str,
        training_key: str | None,
        now: datetime,
        since: datetime | None = None,
        send_late: bool = False,
        exclude_training_keys: tuple[str, ...] = (),
    ) -> Iterable[Due]:
        """Recipients whose moment (start - offset, or end + offset) lies in (since, now] and who are in the
        audience. With `send_late`, also those who joined in (since, now] after their moment had passed, while the
        session has not started. A BEFORE_START rule never yields a session that has already started.
        `exclude_training_keys` lists trainings that have their own override of this rule.
        Must be one bounded, indexed query, not a loop over every session."""
        ...

    # Optional:
    #   joined(scope=, recipient_keys=, offset=, audience=, now=) -> Iterable[Due]
    #       called when REGISTRATION_CONFIRMED or PROMOTED fires: of these recipients, those whose BEFORE_START
    #       moment already passed while the scope has not started ("send late" rules go out at once)
    # used by the admin's "send now" and the scope page:
    #   audience_for(scope: str, audience: str) -> Iterable[Due]       everyone in the audience of one scope, now
    #   summary(scope: str) -> dict                                   {"title": str, "rows": [(label, value)], ...}


_providers: list[TimeProvider] = []


def register_provider(provider: TimeProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def providers() -> list[TimeProvider]:
    return list(_providers)


class ContextProvider(Protocol):
    def __call__(self, recipient_key: str, language: str, scope: str) -> tuple[dict, list[Attachment]] | None:
        """The placeholder values and attachments of one recipient, built now in `language`; None when the
        recipient no longer exists (the mail is then not sent)."""
        ...


_context_providers: dict[str, ContextProvider] = {}


def register_context_provider(prefix: str, provider: ContextProvider) -> None:
    """Build the context of rows whose recipient key starts with "<prefix>:" at send time (see the module doc)."""
    _context_providers[prefix] = provider


def context_provider(recipient_key: str) -> ContextProvider | None:
    prefix, sep, _rest = (recipient_key or "").partition(":")
    return _context_providers.get(prefix) if sep else None


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
