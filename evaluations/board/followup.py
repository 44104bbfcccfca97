"""Follow-up on the actions a team agreed ("Stuur op actie"): a set number of weeks after the session (per training,
default 12) the action owners, or the session's contact, get a mail listing the actions with a link to a page where
each is marked done, in progress, not started or dropped, with a comment (GET shows, POST saves). One reminder goes
when nobody answered. The training's report shows the answers.

The mail comes from the event engine's minute tick: `FollowUpProvider` is a time provider that finds follow-ups by
their state (due and not yet mailed; mailed, not answered, reminder due and not yet sent), never only within the last
minute's window, so a tick that did not run (a beat restart, an outage) loses nothing. It marks what it hands over in
the tick's own transaction; the outbox's dedupe key makes a second hand-over a no-op anyway.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from evaluations.board_models import purge_days
from events.api import Due, Recipient, Trigger, register_provider

TOKEN_SALT = "evaluations.board.follow-up"
MAX_RECIPIENTS = 20


def follow_up_weeks(session) -> int:
    from evaluations.board_models import DEFAULT_FOLLOW_UP_WEEKS, TrainingTeamTool

    if session.training_id:
        weeks = TrainingTeamTool.objects.filter(training_id=session.training_id).values_list(
            "follow_up_weeks", flat=True
        )
        if weeks:
            return weeks[0]
    return DEFAULT_FOLLOW_UP_WEEKS


def schedule(result) -> None:
    """Make sure a group result with actions has its follow-up, due the training's weeks after the session."""
    from evaluations.board_models import ActionFollowUp

    session = result.session
    if not result.actions.exists():
        return
    due_at = session.ends_at + timedelta(weeks=follow_up_weeks(session))
    follow_up, created = ActionFollowUp.objects.get_or_create(group_result=result, defaults={"due_at": due_at})
    if not created and follow_up.mailed_at is None and follow_up.due_at != due_at:
        ActionFollowUp.objects.filter(pk=follow_up.pk).update(due_at=due_at)


def on_group_result_saved(sender, instance=None, **kwargs) -> None:
    """A group result recorded in the admin (not only one from the board) gets its follow-up too."""
    if instance is not None and instance.pk:
        transaction.on_commit(lambda: schedule(instance))


# --- links ---------------------------------------------------------------------------------------------------------


def make_token(follow_up) -> str:
    return signing.dumps({"f": follow_up.pk}, salt=TOKEN_SALT, compress=True)


def read_token(token):
    from evaluations.board_models import ActionFollowUp

    try:
        data = signing.loads(token, salt=TOKEN_SALT)
        return (
            ActionFollowUp.objects.select_related("group_result__session__training", "group_result__session__lesson")
            .filter(pk=int(data["f"]))
            .first()
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def page_url(follow_up, language: str) -> str:
    with translation.override(language):
        path = reverse("evaluation:follow_up", args=[make_token(follow_up)])
    return settings.SITE_BASE_URL.rstrip("/") + path


# --- answering ---------------------------------------------------------------------------------------------------


class FollowUpError(Exception):
    pass


def save_answers(follow_up, answers: dict[int, tuple[str, str]]) -> int:
    """action id → (status, comment). Returns how many actions changed."""
    from evaluations.cheatsheet import clean_text
    from evaluations.models import GroupAction

    valid = {value for value, _label in GroupAction.Status.choices if value}
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        actions = {a.pk: a for a in GroupAction.objects.select_for_update().filter(result=follow_up.group_result)}
        for action_id, (status, comment) in answers.items():
            action = actions.get(action_id)
            if action is None:
                continue
            comment = clean_text(comment, multiline=True)
            if len(comment) > 1000:
                raise FollowUpError(_("A comment of at most 1000 characters, please."))
            if status and status not in valid:
                raise FollowUpError(_("Choose one of the statuses for every action."))
            if (action.status, action.status_comment) != (status, comment):
                action.status, action.status_comment, action.status_updated_at = status, comment, now
                action.save(update_fields=["status", "status_comment", "status_updated_at"])
                changed += 1
        follow_up.answered_at = now
        follow_up.save(update_fields=["answered_at"])
    return changed


# --- the mail ----------------------------------------------------------------------------------------------------


def _contacts(result, board):
    """Who gets the follow-up when no action has an owner's address: the board's contact, the school's contact
    person, else the session's trainers."""
    session = result.session
    if board is not None and board.contact_email:
        return [("", board.contact_email, session.language)]
    request = getattr(session, "school_request", None)
    try:
        if request is not None and request.email:
            return [(request.contact_name.split(" ")[0], request.email, request.language or session.language)]
    except Exception:
        pass
    return [(t.first_name, t.email, session.language) for t in session.trainers.exclude(email="").order_by("pk")]


def recipients(follow_up) -> list[tuple[str, str, str, str]]:
    """(recipient key, first name, address, language) for one follow-up: each owner address once, else contacts."""
    from evaluations.board_models import Board

    result = follow_up.group_result
    board = Board.objects.filter(session_id=result.session_id).first()
    found, seen = [], set()
    for action in result.actions.exclude(owner_email="").order_by("sort_order", "pk"):
        address = action.owner_email.strip().lower()
        if address in seen:
            continue
        seen.add(address)
        first = action.owner.split(" ")[0] if action.owner else ""
        language = board.language if board else result.session.language
        found.append((f"followup:{follow_up.pk}:a{action.pk}", first, action.owner_email, language))
    if not found:
        for index, (first, address, language) in enumerate(_contacts(result, board)):
            if address and address.lower() not in seen:
                seen.add(address.lower())
                found.append((f"followup:{follow_up.pk}:c{index}", first, address, language))
    return found[:MAX_RECIPIENTS]


def _actions_text(result, language: str) -> str:
    from django.utils import formats

    lines = []
    with translation.override(language):
        for action in result.actions.order_by("sort_order", "pk"):
            extra = ", ".join(
                part
                for part in (action.owner, formats.date_format(action.due_date, "j F Y") if action.due_date else "")
                if part
            )
            lines.append(f"- {action.text}" + (f" ({extra})" if extra else ""))
    return "\n".join(lines)


def context(follow_up, first_name: str, language: str) -> dict:
    from workshops.mail import _format_start, _organisation_name

    result = follow_up.group_result
    session = result.session
    with translation.override(language):
        return {
            "first_name": first_name or _("team"),
            "training": session.title,
            "session_start": _format_start(session.starts_at, language),
            "actions": _actions_text(result, language),
            "follow_up_url": page_url(follow_up, language),
            "organisation": _organisation_name() or "Qpido",
        }


class FollowUpProvider:
    """The event engine's time provider for the two follow-up triggers (found by state, see the module doc)."""

    triggers = (Trigger.ACTIONS_FOLLOW_UP, Trigger.ACTIONS_FOLLOW_UP_REMINDER)

    def _candidates(self, trigger, offset, training_key, now, exclude_training_keys):
        from evaluations.board_models import ActionFollowUp

        qs = ActionFollowUp.objects.select_related("group_result__session__training").exclude(
            group_result__session__status="cancelled"
        )
        if trigger == Trigger.ACTIONS_FOLLOW_UP:
            qs = qs.filter(mailed_at__isnull=True, due_at__lte=now)
        else:
            qs = qs.filter(
                mailed_at__isnull=False,
                mailed_at__lte=now - offset,
                reminded_at__isnull=True,
                answered_at__isnull=True,
            )
        training_ids = _training_ids([training_key] if training_key else [])
        if training_key:
            qs = qs.filter(group_result__session__training_id__in=training_ids)
        elif exclude_training_keys:
            qs = qs.exclude(group_result__session__training_id__in=_training_ids(exclude_training_keys))
        # not older than the purge: those addresses are gone
        return qs.filter(group_result__session__ends_at__gt=now - timedelta(days=purge_days())).order_by("pk")[:500]

    def anything_due(self, specs, now) -> bool:
        from evaluations.board_models import ActionFollowUp

        return ActionFollowUp.objects.filter(
            Q(mailed_at__isnull=True, due_at__lte=now)
            | Q(mailed_at__isnull=False, reminded_at__isnull=True, answered_at__isnull=True)
        ).exists()

    def due(
        self, *, trigger, offset, audience, training_key, now, since=None, send_late=False, exclude_training_keys=()
    ):
        from evaluations.board_models import ActionFollowUp

        if trigger not in self.triggers:
            return []
        dues, handed = [], []
        for follow_up in self._candidates(trigger, offset, training_key, now, exclude_training_keys):
            people = recipients(follow_up)
            session = follow_up.group_result.session
            for key, first_name, address, language in people:
                dues.append(
                    Due(
                        scope=f"session:{session.pk}",
                        recipient=Recipient(
                            key=key, email=address, language=language, context=context(follow_up, first_name, language)
                        ),
                        training_key=f"training:{session.training_id}" if session.training_id else None,
                    )
                )
            handed.append((follow_up.pk, len(people)))
        field = "mailed_at" if trigger == Trigger.ACTIONS_FOLLOW_UP else "reminded_at"
        for pk, count in handed:  # inside the tick's transaction: marked only if the outbox rows are stored too
            ActionFollowUp.objects.filter(pk=pk).update(**{field: now, "recipients": count})
        return dues

    def audience_for(self, scope: str, audience: str):
        """The admin's "send now" for one session: the follow-up's recipients, now."""
        from evaluations.board_models import ActionFollowUp

        kind, _sep, pk = scope.partition(":")
        if kind != "session" or not pk.isdigit():
            return []
        follow_up = ActionFollowUp.objects.filter(group_result__session_id=int(pk)).first()
        if follow_up is None:
            return []
        session = follow_up.group_result.session
        return [
            Due(
                scope=scope,
                recipient=Recipient(key=key, email=address, language=language, context=context(follow_up, n, language)),
                training_key=f"training:{session.training_id}" if session.training_id else None,
            )
            for key, n, address, language in recipients(follow_up)
        ]


def _training_ids(keys) -> list[int]:
    ids = []
    for key in keys:
        value = str(key).rsplit(":", 1)[-1].strip()
        if value.isdigit():
            ids.append(int(value))
    return ids


provider = FollowUpProvider()


def register() -> None:
    register_provider(provider)


# --- the report --------------------------------------------------------------------------------------------------


def status_rows(sessions):
    """Per session with a follow-up: its state and each action's answer, for the training's report."""
    from evaluations.board_models import ActionFollowUp

    rows = []
    for follow_up in (
        ActionFollowUp.objects.filter(group_result__session__in=sessions)
        .select_related("group_result__session__training", "group_result__session__lesson")
        .prefetch_related("group_result__actions")
        .order_by("group_result__session__starts_at")
    ):
        actions = list(follow_up.group_result.actions.all())
        counts = {}
        for action in actions:
            counts[action.status] = counts.get(action.status, 0) + 1
        rows.append({"follow_up": follow_up, "session": follow_up.group_result.session, "actions": actions})
    return rows
