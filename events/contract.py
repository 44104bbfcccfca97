"""The event engine's contract: the names a source of mail (workshops, evaluations, a campaign) and the engine
share. This module imports nothing else of the engine, so it can be read on its own; `events.api` adds the two
calls (`fire`, `cancel_pending`) on top of it.

* Immediate triggers: a source app calls `events.api.fire(trigger, recipients, scope=..., training_key=...)` inside
  its transaction. For every active MailRule with that trigger (a per-training override first), one OutboxMail per
  recipient is inserted with the unique dedupe key (rule, scope, recipient.key, occurrence); a second call with the
  same key inserts nothing. Sending is enqueued with `transaction.on_commit`.
* Time triggers (N hours before start / after end): a source app registers a `TimeProvider` with
  `register_provider`; the minute `tick` asks it which recipients are due and inserts outbox rows the same way.
* Context at send time: a source app may register a context provider for a recipient-key prefix
  (`register_context_provider("registration", provider)`). A row whose recipient has that prefix and that was
  fired with an empty context and no attachments keeps only ids; the worker asks the provider for the context and
  the attachments when it renders the mail, in the row's language.
* Placeholders: the names a template may use and a source may fill (`PLACEHOLDERS`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from django.utils.translation import gettext_lazy as _


class Trigger:
    REGISTRATION_CONFIRMED = "registration_confirmed"
    WAITLISTED = "registration_waitlisted"
    PROMOTED = "promoted_from_waitlist"
    SESSION_CANCELLED = "session_cancelled"
    REGISTRATION_CANCELLED = "registration_cancelled"  # the participant cancelled their own place
    DEMOTED = "moved_to_waitlist"  # the capacity was lowered: back on the waiting list
    SESSION_CHANGED = "session_changed"  # start, end, place, meeting link or language changed: old → new
    SCHOOL_PROPOSAL = "school_proposal_made"
    SCHOOL_REQUEST_RECEIVED = "school_request_received"  # to the school: we have your request
    SCHOOL_REQUEST_NEW = "school_request_new"  # to the coordinators: a school asks for a lesson
    BEFORE_START = "before_start"
    AFTER_END = "after_end"
    ACTIONS_FOLLOW_UP = "actions_follow_up"  # weeks after a session (per training): how far are the agreed actions?
    ACTIONS_FOLLOW_UP_REMINDER = "actions_follow_up_reminder"  # N hours after it, when nobody answered

    IMMEDIATE = (
        REGISTRATION_CONFIRMED,
        WAITLISTED,
        PROMOTED,
        SESSION_CANCELLED,
        REGISTRATION_CANCELLED,
        DEMOTED,
        SESSION_CHANGED,
        SCHOOL_PROPOSAL,
        SCHOOL_REQUEST_RECEIVED,
        SCHOOL_REQUEST_NEW,
    )
    TIMED = (BEFORE_START, AFTER_END, ACTIONS_FOLLOW_UP, ACTIONS_FOLLOW_UP_REMINDER)


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
        rule_key: str = "",
        horizon: timedelta | None = None,
        not_before: datetime | None = None,
    ) -> Iterable[Due]:
        """Recipients in the audience whose moment (start - offset, or end + offset) lies in (since, now].

        A provider that accepts `rule_key` finds them by state instead: every recipient whose moment has passed
        (for AFTER_END within `horizon`, MAIL_CATCH_UP_DAYS; for BEFORE_START while the session has not started)
        and who has no outbox row yet for (rule_key, scope, recipient key, occurrence); moments before
        `not_before` (when the rule was made) do not count. A tick that did not run for hours, or a session whose
        end was edited into the past, then still gets its mail, once. Without `send_late` a BEFORE_START rule only
        reaches people who were there at the moment; with it, also those who joined later, while the session has
        not started. A BEFORE_START rule never yields a session that has already started.
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
    def __call__(
        self, recipient_key: str, language: str, scope: str, *, trigger: str | None = None, occurrence: str = ""
    ) -> tuple[dict, list[Attachment]] | None:
        """The placeholder values and attachments of one recipient, built now in `language`; None when the
        recipient no longer exists (the mail is then not sent). `trigger` and `occurrence` are the mail's (its
        rule's trigger, e.g. a session change "v3"): they say which attachment the mail needs and which change
        it is about."""
        ...


_context_providers: dict[str, ContextProvider] = {}


def register_context_provider(prefix: str, provider: ContextProvider) -> None:
    """Build the context of rows whose recipient key starts with "<prefix>:" at send time (see the module doc)."""
    _context_providers[prefix] = provider


def context_provider(recipient_key: str) -> ContextProvider | None:
    prefix, sep, _rest = (recipient_key or "").partition(":")
    return _context_providers.get(prefix) if sep else None


# Every placeholder a template may use. An editor who types another one gets a field error on save.
PLACEHOLDERS = {
    "first_name": _("first name of the participant"),
    "training": _("title of the training"),
    "session_start": _("date and time the session starts (Amsterdam time)"),
    "session_end": _("time the session ends"),
    "join_url": _("link to join the online session"),
    "location": _("address of a session on location"),
    "where": _("how to take part: the join link of an online session or the address"),
    "podcast_title": _("title of the podcast episode"),
    "podcast_url": _("personal link to the podcast episode (records that it was opened)"),
    "background_url": _("personal link to the background reading (records that it was opened)"),
    "cheat_sheet_url": _("link to the cheat sheet"),
    "online_rules": _("the practical rules for online sessions"),
    "manage_url": _("personal link to see or cancel the registration"),
    "evaluation_url": _("personal link to the evaluation form"),
    "organisation": _("name of the organisation"),
    "school_name": _("name of the school (school requests)"),
    "proposed_start": _("proposed date and time (school requests)"),
    "respond_url": _("personal link to answer a proposal (school requests)"),
    "lesson": _("title of the requested lesson (school requests)"),
    "town": _("town of the school (school requests)"),
    "admin_url": _("link to the request in the admin (mail to coordinators)"),
    "changes": _("what changed in the session, old → new, one line each (session changed)"),
    "calendar_note": _("a sentence about the attached calendar file, empty when there is none"),
    "preparation": _("when the preparation is sent: on a given date, or at once for a late registration"),
    "actions": _("the actions a team agreed on, one line each with who and when (follow-up)"),
    "follow_up_url": _("link to the page where the team marks how far each action is (follow-up)"),
}
