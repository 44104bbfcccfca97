"""Evaluation rules: the cheat sheet, text hygiene, when the form is open, saving answers, and the report figures.

How an answer stays unlinkable yet editable: when an answer is first saved we create a random edit key, keep
only its SHA-256 on the answer, and give the key back to the participant (a signed cookie on their device and a
signed edit link on the thank-you page). Nothing on the server maps a registration to that key, so the database
cannot join answers to people; the registration only gets `evaluation_responded_at`, which makes the personal
link single-use and tells the reminder rule to skip it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Avg, Case, Count, F, IntegerField, Min, Q, Sum, Value, When, Window
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.cheatsheet import normalise, suggestion_label
from evaluations.models import (
    EvaluationAction,
    EvaluationAnswer,
    EvaluationFactor,
    EvaluationTopItem,
    FactorColumn,
    GroupResult,
)

OPEN_DAYS_AFTER_SESSION = settings.EVALUATION_OPEN_DAYS
MAX_ITEMS_PER_COLUMN = 25
MAX_ACTIONS = 15
ROOM_SALT = "workshops.evaluation.room"
EDIT_SALT = "workshops.evaluation.edit"
COOKIE_SALT = "workshops.evaluation.cookie"

# --- When the form is open ---------------------------------------------------------------------------------


class State:
    NOT_OPEN = "not_open"
    OPEN = "open"
    CLOSED = "closed"


def closes_at(session):
    return session.ends_at + timedelta(days=OPEN_DAYS_AFTER_SESSION)


def form_state(session, now=None) -> str:
    now = now or timezone.now()
    if session.status == session.Status.CANCELLED:
        return State.CLOSED
    if now < session.starts_at:
        return State.NOT_OPEN
    if now >= closes_at(session):
        return State.CLOSED
    return State.OPEN


# --- Who is expected to answer -----------------------------------------------------------------------------


def eligible_statuses():
    from workshops.models import Registration

    return [Registration.Status.CONFIRMED, Registration.Status.ATTENDED]


def participants(sessions):
    """Registrations that are asked to evaluate: confirmed or attended."""
    from workshops.models import Registration

    return Registration.objects.filter(session__in=sessions, status__in=eligible_statuses())


def non_respondents(sessions):
    """The reminder audience "not yet evaluated": participants whose registration has no responded mark."""
    return participants(sessions).filter(evaluation_responded_at__isnull=True)


# --- Links and keys ----------------------------------------------------------------------------------------


def room_token(session) -> str:
    """A session-level link for the room (QR code): identifies the session, never a person.

    The link is the same every time it is made (no timestamp in it), so a QR code printed or shown on
    a slide yesterday and the one on the report page today are one and the same link.
    """
    return signing.Signer(salt=ROOM_SALT).sign_object({"s": session.pk}, compress=True)


def room_session_id(token) -> int | None:
    """The session a room link names, without a query (the live board polls with it); None if not ours."""
    try:
        if str(token).count(":") >= 2:
            # links made before room links were stable carry a timestamp; they keep working
            data = signing.loads(token, salt=ROOM_SALT)
        else:
            data = signing.Signer(salt=ROOM_SALT).unsign_object(token)
        return int(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def read_room_token(token):
    from workshops.models import Session

    session_id = room_session_id(token)
    if session_id is None:
        return None
    return Session.objects.select_related("training", "lesson").filter(pk=session_id).first()


def hash_key(edit_key: str) -> str:
    return hashlib.sha256(edit_key.encode()).hexdigest()


def edit_token(edit_key: str) -> str:
    return signing.dumps(edit_key, salt=EDIT_SALT)


def answer_for_edit_token(token):
    try:
        edit_key = signing.loads(token, salt=EDIT_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None, None
    if not isinstance(edit_key, str):
        return None, None
    answer = EvaluationAnswer.objects.select_related("session").filter(edit_key_hash=hash_key(edit_key)).first()
    return answer, (edit_key if answer else None)


def cookie_name(session) -> str:
    return f"qpido_evaluation_{session.pk}"


def answer_for_cookie(request, session):
    """The answer this browser saved for the session earlier (signed cookie holding the edit key), or None."""
    edit_key = request.get_signed_cookie(cookie_name(session), default=None, salt=COOKIE_SALT)
    if not edit_key:
        return None, None
    answer = EvaluationAnswer.objects.filter(session=session, edit_key_hash=hash_key(edit_key)).first()
    return answer, (edit_key if answer else None)


# --- Saving ------------------------------------------------------------------------------------------------


class EvaluationError(Exception):
    """A rule stops the save; the message is shown to the participant."""


@dataclass
class Saved:
    answer: EvaluationAnswer
    edit_key: str


def _key(text, suggestion=""):
    """The report's grouping key, never longer than its column (the form already refuses text whose key grows
    past it under NFKC; this keeps any other caller from a database error)."""
    return normalise(text, suggestion)[: EvaluationFactor._meta.get_field("normalised").max_length]


def _write_children(answer, data):
    EvaluationFactor.objects.filter(answer=answer).delete()
    EvaluationTopItem.objects.filter(answer=answer).delete()
    EvaluationAction.objects.filter(answer=answer).delete()
    factors, seen = [], set()
    for column in FactorColumn:
        position = 0
        entries = [("", key) for key in data.get(f"suggestions_{column}", [])]
        entries += [(text, "") for text in data.get(f"factors_{column}", [])]
        for text, suggestion in entries:
            if suggestion:
                text = str(suggestion_label(suggestion))
            norm = _key(text, suggestion)
            if not norm or (column, norm) in seen:
                continue
            seen.add((column, norm))
            suggestion = suggestion or (norm[1:] if norm.startswith("#") else "")
            factors.append(
                EvaluationFactor(
                    answer=answer, column=column, text=text, normalised=norm, suggestion=suggestion, position=position
                )
            )
            position += 1
    EvaluationFactor.objects.bulk_create(factors)
    EvaluationTopItem.objects.bulk_create(
        EvaluationTopItem(answer=answer, rank=rank, text=text, normalised=_key(text))
        for rank, text in enumerate(data.get("top_three", []), start=1)
        if text
    )
    EvaluationAction.objects.bulk_create(
        EvaluationAction(
            answer=answer, text=row["text"], owner=row.get("owner", ""), due_date=row.get("due_date"), position=i
        )
        for i, row in enumerate(data.get("actions", []))
    )


SCALAR_FIELDS = (
    "respondent_name",
    "new_insights",
    "learned",
    "needs",
    "rating_session",
    "rating_material",
    "did_homework",
    "comment",
)


def submit_answer(session, data, *, via, language, registration=None) -> Saved:
    """Store a new answer; with a personal link, mark the registration responded (once: a second submit fails)."""
    from workshops.models import Registration

    with transaction.atomic():
        if registration is not None:
            registration = Registration.objects.select_for_update().get(pk=registration.pk)
            if registration.evaluation_responded_at is not None:
                raise EvaluationError(_("This link has already been used to answer the evaluation."))
        if form_state(session) != State.OPEN:
            raise EvaluationError(_("The evaluation of this session is closed."))
        edit_key = secrets.token_urlsafe(32)
        answer = EvaluationAnswer.objects.create(
            session=session,
            via=via,
            language=language[:2],
            edit_key_hash=hash_key(edit_key),
            **{name: data.get(name) if data.get(name) is not None else _blank(name) for name in SCALAR_FIELDS},
        )
        _write_children(answer, data)
        if registration is not None:
            Registration.objects.filter(pk=registration.pk).update(evaluation_responded_at=timezone.now())
    return Saved(answer=answer, edit_key=edit_key)


def update_answer(answer, data) -> EvaluationAnswer:
    with transaction.atomic():
        answer = EvaluationAnswer.objects.select_for_update().select_related("session").get(pk=answer.pk)
        if form_state(answer.session) != State.OPEN:
            raise EvaluationError(_("The evaluation of this session is closed."))
        for name in SCALAR_FIELDS:
            value = data.get(name)
            setattr(answer, name, value if value is not None else _blank(name))
        answer.save()
        _write_children(answer, data)
    return answer


def _blank(name):
    return None if name.startswith("rating_") else ""


def initial_from_answer(answer) -> dict:
    """Form initial data for editing an answer (three small queries)."""
    initial = {name: getattr(answer, name) for name in SCALAR_FIELDS}
    for column in FactorColumn:
        initial[f"suggestions_{column}"] = []
        initial[f"factors_{column}"] = []
    for factor in answer.factors.all():
        if factor.suggestion:
            initial[f"suggestions_{factor.column}"].append(factor.suggestion)
        else:
            initial[f"factors_{factor.column}"].append(factor.text)
    tops = {item.rank: item.text for item in answer.top_items.all()}
    initial["top_three"] = [tops.get(rank, "") for rank in (1, 2, 3)]
    initial["actions"] = [{"text": a.text, "owner": a.owner, "due_date": a.due_date} for a in answer.actions.all()]
    return initial


# --- Reports -----------------------------------------------------------------------------------------------
#
# Small groups stay anonymous: a report (of a session, a training, or any part of one) shows its figures, success
# factors, top three, actions and written answers only when it holds at least EVALUATION_MIN_GROUP_SIZE answers
# (k). A smaller group shows its counts and "too few answers to show"; its answers still count in the training's
# report, where nothing says which session they came from. The names of participants who have not answered (for
# the reminder) are never on a page or in an export that shows answers: see `non_respondent_names`.


def min_group_size() -> int:
    """k: the fewest answers a report may show figures or texts for (setting EVALUATION_MIN_GROUP_SIZE)."""
    return max(1, settings.EVALUATION_MIN_GROUP_SIZE)


def answer_count(sessions) -> int:
    return EvaluationAnswer.objects.filter(session__in=sessions).count()


def too_few(count: int) -> bool:
    return count < min_group_size()


def small_session_ids(sessions) -> set[int]:
    """The sessions among `sessions` with fewer than k answers (one grouped query)."""
    counts = dict(
        EvaluationAnswer.objects.filter(session__in=sessions)
        .order_by()
        .values("session")
        .annotate(n=Count("id"))
        .values_list("session", "n")
    )
    return {pk for pk in sessions.values_list("pk", flat=True) if too_few(counts.get(pk, 0))}


TOP_FACTORS_PER_COLUMN = 10
# The report page shows the first rows of the free texts and of the actions; the rest is one click away (a paged
# list of each, see report_texts/report_actions) and in the downloads. Rendering 10,000 texts made the page slow.
REPORT_LIST_LIMIT = 50
_WITH_TEXT = ~Q(new_insights="") | ~Q(learned="") | ~Q(needs="") | ~Q(comment="")


def _label(norm, text):
    return str(suggestion_label(norm[1:])) if norm.startswith("#") else text


def _bars(rows, total=None):
    top = max([row["count"] for row in rows] + [1])
    for row in rows:
        row["pct"] = round(100 * row["count"] / (total or top)) if (total or top) else 0
    return rows


def build_report(sessions) -> dict:
    """Every figure of the report for a queryset of sessions, in a fixed number of queries. With fewer than k
    answers only the counts (answers, participants, responses) and the group results: `too_few` is True."""
    answers = EvaluationAnswer.objects.filter(session__in=sessions)
    rating_counts = {}
    for field in ("rating_session", "rating_material"):
        for value in range(1, 6):
            rating_counts[f"{field}_{value}"] = Count("id", filter=Q(**{field: value}))
    homework_counts = {
        f"homework_{choice}": Count("id", filter=Q(did_homework=choice)) for choice in EvaluationAnswer.Homework.values
    }
    totals = answers.aggregate(
        answers=Count("id"),
        personal=Count("id", filter=Q(via=EvaluationAnswer.Via.PERSONAL)),
        room=Count("id", filter=Q(via=EvaluationAnswer.Via.ROOM)),
        named=Count("id", filter=~Q(respondent_name="")),
        texts=Count("id", filter=_WITH_TEXT),
        avg_session=Avg("rating_session"),
        avg_material=Avg("rating_material"),
        rated_session=Count("rating_session"),
        rated_material=Count("rating_material"),
        **rating_counts,
        **homework_counts,
    )
    people = participants(sessions).aggregate(
        participants=Count("id"), responded=Count("id", filter=Q(evaluation_responded_at__isnull=False))
    )
    n_participants = people["participants"]
    response_rate = round(100 * people["responded"] / n_participants, 1) if n_participants else None
    counts = {
        "answers": totals["answers"],
        "personal": totals["personal"],
        "room": totals["room"],
        "named": totals["named"],
        "participants": n_participants,
        "responded": people["responded"],
        "non_respondents": n_participants - people["responded"],
        "response_rate": response_rate,
        "min_group_size": min_group_size(),
        "too_few": too_few(totals["answers"]),
    }
    if counts["too_few"]:
        return {**counts, **_hidden_figures(), "group_results": _group_results(sessions)}

    factor_rows = (
        EvaluationFactor.objects.filter(answer__session__in=sessions)
        .values("column", "normalised")
        # one row per (answer, column, normalised) is a database constraint (evaluation_factor_once), so counting
        # rows counts answers; COUNT(DISTINCT) would force a sort of every factor
        .annotate(count=Count("id"), text=Min("text"))
        .order_by("column", "-count", "normalised")
    )
    columns = {column: [] for column in FactorColumn}
    for row in factor_rows:
        bucket = columns[row["column"]]
        if len(bucket) < TOP_FACTORS_PER_COLUMN:
            bucket.append({"label": _label(row["normalised"], row["text"]), "count": row["count"]})
    factor_columns = [
        {"column": column, "label": column.label, "rows": _bars(columns[column], totals["answers"])}
        for column in FactorColumn
    ]

    top_rows = list(
        EvaluationTopItem.objects.filter(answer__session__in=sessions)
        .values("normalised")
        .annotate(
            count=Count("id"),
            points=Coalesce(Sum(4 - F("rank"), output_field=IntegerField()), 0),
            first=Count("id", filter=Q(rank=1)),
            text=Min("text"),
        )
        .order_by("-points", "-count", "normalised")[:TOP_FACTORS_PER_COLUMN]
    )
    top_three = [
        {"label": _label(r["normalised"], r["text"]), "count": r["points"], "named": r["count"], "first": r["first"]}
        for r in top_rows
    ]
    _bars(top_three)

    # the first rows only, each carrying the number of all rows (a window count: no extra query)
    actions = list(report_actions(sessions).annotate(total=Window(Count("id")))[:REPORT_LIST_LIMIT])
    texts = list(report_texts(sessions)[:REPORT_LIST_LIMIT])
    groups = _group_results(sessions)

    def distribution(field):
        counts = [{"label": str(v), "count": totals[f"{field}_{v}"]} for v in range(1, 6)]
        return _bars(counts)

    return {
        **counts,
        "avg_session": _round(totals["avg_session"]),
        "avg_material": _round(totals["avg_material"]),
        "rated_session": totals["rated_session"],
        "rated_material": totals["rated_material"],
        "session_distribution": distribution("rating_session"),
        "material_distribution": distribution("rating_material"),
        "homework": _bars(
            [
                {"label": str(label), "count": totals[f"homework_{value}"]}
                for value, label in EvaluationAnswer.Homework.choices
            ],
            totals["answers"],
        ),
        "factor_columns": factor_columns,
        "top_three": top_three,
        "actions": actions,
        "actions_total": actions[0]["total"] if actions else 0,
        "texts": texts,
        "texts_total": totals["texts"],
        "group_results": groups,
    }


def _hidden_figures() -> dict:
    """What a report of fewer than k answers shows instead of its figures: nothing."""
    return {
        "avg_session": None,
        "avg_material": None,
        "rated_session": 0,
        "rated_material": 0,
        "session_distribution": [],
        "material_distribution": [],
        "homework": [],
        "factor_columns": [],
        "top_three": [],
        "actions": [],
        "actions_total": 0,
        "texts": [],
        "texts_total": 0,
    }


def _group_results(sessions) -> list:
    """The group's own flip-chart results (recorded by the facilitator, not anyone's answer), per session."""
    groups = list(
        GroupResult.objects.filter(session__in=sessions)
        .select_related("session", "session__training", "session__lesson")
        .prefetch_related("factors", "top_items", "actions")
        .order_by("session__starts_at")
    )
    for group in groups:
        group.columns = [
            {"column": column, "label": column.label, "items": [f for f in group.factors.all() if f.column == column]}
            for column in FactorColumn
        ]
    return groups


def non_respondent_names(sessions) -> list[str]:
    """Names of the participants who have not answered by their personal link, for the reminder. Shown on a page
    of their own (coordinators only), never beside the answers of the same group."""
    return list(non_respondents(sessions).order_by("name").values_list("name", flat=True))


def report_actions(sessions):
    """Every action participants named, soonest first (undated last); the report shows the first rows. Nothing
    says which session or answer an action came from."""
    return (
        EvaluationAction.objects.filter(answer__session__in=sessions)
        .order_by(F("due_date").asc(nulls_last=True), "text", "id")
        .values("text", "owner", "due_date")
    )


def report_texts(sessions):
    """Every answer with something written in it (insights, lessons, needs, comment); the report shows the first.
    In the order of the answers' random edit-key hashes: stable from page to page, but following neither session
    nor time, so a training's list does not put a session's texts together."""
    return (
        EvaluationAnswer.objects.filter(session__in=sessions)
        .filter(_WITH_TEXT)
        .order_by("edit_key_hash", "id")
        .values("new_insights", "learned", "needs", "comment", "respondent_name")
    )


def _round(value):
    return None if value is None else round(float(value), 2)


def export_queryset(sessions, small: set[int] = frozenset()):
    """The answers to export, a session's answers together. Answers of the `small` sessions (fewer than k answers,
    see `small_session_ids`) come last, in an order that follows neither session nor time; the export leaves out
    which session they belong to."""
    order = ["session__starts_at", "session_id", "edit_key_hash"]
    if small:
        ids = list(small)
        order = [
            Case(When(session_id__in=ids, then=Value(1)), default=Value(0)),
            Case(When(session_id__in=ids, then=F("edit_key_hash")), default=Value("")),
            *order,
        ]
    return (
        EvaluationAnswer.objects.filter(session__in=sessions)
        .select_related("session", "session__training", "session__lesson")
        .prefetch_related("factors", "top_items", "actions")
        .order_by(*order)
    )
