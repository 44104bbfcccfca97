"""The live team board's rules: steps and rounds with their minutes, the timer, joining, notes, 1-2-4-all lists,
dot votes, actions, and writing the result into the session's group result.

Every change runs in one transaction that locks the board row (so join numbers, groups and votes stay consistent
with thirty phones at once) and raises the board's version; after the commit the live token in the cache moves, so
every screen's next poll (about once a second) sees that something changed and fetches the board again.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from evaluations.board_models import (
    ACTION_TEXT_MAX,
    BOARD_TEXT_MAX,
    Board,
    BoardAction,
    BoardCard,
    BoardMember,
    BoardVote,
)
from evaluations.cheatsheet import FactorColumn, clean_text, normalise, set_for_training, suggestion_label

Step = Board.Step
Round = Board.Round
Kind = BoardCard.Kind
Level = BoardCard.Level

DEFAULT_STEP_MINUTES = {1: 20, 2: 30, 3: 15, 4: 10}  # the team tool's steps
ROUND_MINUTES = {Round.ALONE: 3, Round.PAIRS: 6, Round.FOURS: 6, Round.ALL: 10}  # step 2's 1-2-4-all
VOTES_PER_MEMBER = 3
MAX_MEMBERS = 60
MAX_CARDS_PER_MEMBER = 80
NAME_MAX = 40
LIVE_KEY = "team-board:live:{}"
COOKIE_SALT = "evaluations.board.member"


class BoardError(Exception):
    """A rule stops the change; the message is shown to the person who tried."""


def close_hours() -> int:
    return settings.TEAM_BOARD_CLOSE_HOURS


def closes_at(session):
    return session.ends_at + timedelta(hours=close_hours())


def is_open(session, now=None) -> bool:
    """Open from when it is made until TEAM_BOARD_CLOSE_HOURS after the session (never for a cancelled one)."""
    now = now or timezone.now()
    return session.status != session.Status.CANCELLED and now < closes_at(session)


def default_questions(language: str) -> list[str]:
    """Step 1's questions from the team tool, in the board's language."""
    with override(language):
        return [
            str(_("What stood out to you, and which questions stayed with you?")),
            str(_("What made the approach of the professional succeed?")),
            str(_("What would the victim have needed from us in this situation?")),
            str(_("What is our task here?")),
            str(_("How does this play out with us?")),
        ]


def step_minutes(session) -> dict[int, int]:
    """The minutes of steps 1–4: the training's agenda when it has four or more steps, else the team tool's."""
    training = session.training
    steps = list(training.agenda_steps.all()[:4]) if training is not None else []
    if len(steps) == 4:
        return {number: step.minutes or DEFAULT_STEP_MINUTES[number] for number, step in enumerate(steps, start=1)}
    return dict(DEFAULT_STEP_MINUTES)


def board_for(session) -> Board:
    """The session's board, made on first use in the session's language with the team tool's questions."""
    board = Board.objects.filter(session=session).first()
    if board is not None:
        return board
    language = session.language if session.language in ("nl", "en") else "nl"
    try:
        with transaction.atomic():
            return Board.objects.create(session=session, language=language, questions=default_questions(language))
    except IntegrityError:  # made by another request at the same moment
        return Board.objects.get(session=session)


def suggestion_set(board):
    return set_for_training(board.session.training_id)


# --- the live token ----------------------------------------------------------------------------------------------


def live_token(board) -> str:
    """What a screen compares with the token it holds: a number in the cache that moves on every change (read before
    the board itself, so a screen never holds a token newer than what it shows). Without a cache: the board's
    version from the database."""
    key = LIVE_KEY.format(board.pk)
    value = cache.get(key)
    if value is None:
        cache.add(key, random.randint(1, 2**31), timeout=None)
        value = cache.get(key)
    if value is None:  # the cache is unreachable
        version = Board.objects.filter(pk=board.pk).values_list("version", flat=True).first()
        return f"d{version}"
    return str(value)


def _moved(board_id: int) -> None:
    key = LIVE_KEY.format(board_id)
    try:
        cache.incr(key)
    except ValueError:  # not in the cache (first change, or evicted): any new number will do
        cache.set(key, random.randint(1, 2**31), timeout=None)
    except Exception:  # the cache is unreachable: screens fall back to the database version
        pass


@dataclass
class Change:
    board: Board
    now: object = field(default_factory=timezone.now)


class changing:
    """`with changing(board_id) as change:` locks the board row, and on success raises its version and moves the
    live token after the commit."""

    def __init__(self, board_id: int, *, allow_closed: bool = False):
        self.board_id = board_id
        self.allow_closed = allow_closed

    def __enter__(self) -> Change:
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        try:
            board = (
                Board.objects.select_for_update(of=("self",))
                .select_related("session", "session__training")
                .get(pk=self.board_id)
            )
            if not self.allow_closed and not is_open(board.session):
                raise BoardError(_("This board is closed."))
        except BaseException:
            self.atomic.__exit__(*__import__("sys").exc_info())
            raise
        self.change = Change(board=board)
        return self.change

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            Board.objects.filter(pk=self.board_id).update(version=F("version") + 1)
            transaction.on_commit(lambda: _moved(self.board_id))
        return self.atomic.__exit__(exc_type, exc, tb)


# --- the timer ---------------------------------------------------------------------------------------------------


def timer_state(board, now=None) -> dict:
    """Seconds left, whether it runs, and when it ends (for the screens' own countdown)."""
    now = now or timezone.now()
    left = board.timer_left
    running = board.timer_started_at is not None
    if running:
        left = max(0, board.timer_left - int((now - board.timer_started_at).total_seconds()))
    return {
        "left": left,
        "total": board.timer_total,
        "running": running and left > 0,
        "ends_at_ms": int((now + timedelta(seconds=left)).timestamp() * 1000) if running else 0,
        "now_ms": int(now.timestamp() * 1000),
        "clock": f"{left // 60}:{left % 60:02d}",
    }


def _start_timer(board, minutes, now) -> None:
    board.timer_total = board.timer_left = int(minutes * 60)
    board.timer_started_at = now


def minutes_for(board, step=None, round_=None) -> int:
    step = board.step if step is None else step
    round_ = board.round if round_ is None else round_
    if step == Step.FACTORS:
        return ROUND_MINUTES[Round(round_)]
    return step_minutes(board.session).get(step, 0)


def timer(board_id: int, action: str) -> None:
    """pause | resume | add (one minute) | add5 | restart (the step's or round's minutes)."""
    with changing(board_id) as change:
        board, now = change.board, change.now
        state = timer_state(board, now)
        if action == "pause" and board.timer_started_at is not None:
            board.timer_left, board.timer_started_at = state["left"], None
        elif action == "resume" and board.timer_started_at is None:
            board.timer_started_at = now
        elif action in ("add", "add5"):
            extra = 60 if action == "add" else 300
            board.timer_left = state["left"] + extra
            board.timer_total += extra
            if board.timer_started_at is not None:
                board.timer_started_at = now
        elif action == "restart":
            _start_timer(board, minutes_for(board), now)
        else:
            raise BoardError(_("Unknown timer action."))
        board.save(update_fields=["timer_left", "timer_total", "timer_started_at"])


# --- joining -----------------------------------------------------------------------------------------------------


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def member_for_key(board, key):
    if not key or not isinstance(key, str):
        return None
    return BoardMember.objects.filter(board=board, key_hash=hash_key(key)).first()


def clean_name(value) -> str:
    name = clean_text(value)
    if len(name) > NAME_MAX:
        raise BoardError(_("A first name of at most %(max)s characters, please.") % {"max": NAME_MAX})
    return name


def join(board_id: int, first_name: str = "") -> tuple[BoardMember, str]:
    """A new participant: the next join number, a random key (returned once, kept in their browser), groups when
    the pairs are already made."""
    first_name = clean_name(first_name)
    with changing(board_id) as change:
        board = change.board
        top = board.members.aggregate(top=Max("number"))["top"] or 0
        if board.members.count() >= MAX_MEMBERS:
            raise BoardError(_("This board is full."))
        key = secrets.token_urlsafe(24)
        member = BoardMember(board=board, number=top + 1, key_hash=hash_key(key), first_name=first_name)
        if board.members.filter(pair__isnull=False).exists():
            _place_late_member(board, member)
        member.save()
    return member, key


def rename(board_id: int, member, first_name: str) -> None:
    first_name = clean_name(first_name)
    with changing(board_id):
        BoardMember.objects.filter(pk=member.pk).update(first_name=first_name)


def propose_groups(board) -> None:
    """Pairs and fours by join order: 1+2, 3+4, …; an odd one out joins the last pair, an odd pair the last four."""
    members = list(board.members.order_by("number"))
    pairs = max(1, len(members) // 2)
    for index, member in enumerate(members):
        member.pair = min(index // 2, pairs - 1) + 1
    fours = max(1, pairs // 2)
    for member in members:
        member.four = min((member.pair - 1) // 2, fours - 1) + 1
    BoardMember.objects.bulk_update(members, ["pair", "four"])


def _place_late_member(board, member) -> None:
    """Someone who joins after the groups were made: a pair with a single member, else the smallest pair."""
    sizes = list(
        board.members.filter(pair__isnull=False).values("pair", "four").annotate(n=Count("id")).order_by("n", "pair")
    )
    member.pair, member.four = sizes[0]["pair"], sizes[0]["four"]


def regroup(board_id: int, assignments: dict[int, tuple[int, int]]) -> None:
    """The facilitator's groups: member id → (pair, four)."""
    with changing(board_id) as change:
        members = {m.pk: m for m in change.board.members.all()}
        changed = []
        for member_id, (pair, four) in assignments.items():
            member = members.get(member_id)
            if member is None:
                continue
            if not (1 <= pair <= MAX_MEMBERS and 1 <= four <= MAX_MEMBERS):
                raise BoardError(_("Group numbers run from 1 to %(max)s.") % {"max": MAX_MEMBERS})
            member.pair, member.four = pair, four
            changed.append(member)
        BoardMember.objects.bulk_update(changed, ["pair", "four"])


def repropose_groups(board_id: int) -> None:
    with changing(board_id) as change:
        propose_groups(change.board)


# --- moving through the steps ------------------------------------------------------------------------------------

SEQUENCE = (
    [(Step.LOBBY, 1), (Step.PODCAST, 1)]
    + [(Step.FACTORS, r) for r in Round]
    + [
        (Step.DEEPER, 1),
        (Step.ACTION, 1),
        (Step.DONE, 1),
    ]
)


def _position(board) -> int:
    round_ = board.round if board.step == Step.FACTORS else 1
    try:
        return SEQUENCE.index((board.step, round_))
    except ValueError:
        return 0


def move(board_id: int, direction: str) -> None:
    """next | back: the next step or round, with its timer started and its lists prepared."""
    with changing(board_id) as change:
        board, now = change.board, change.now
        position = _position(board) + (1 if direction == "next" else -1)
        position = max(0, min(position, len(SEQUENCE) - 1))
        _go(board, *SEQUENCE[position], now)


def go_to(board_id: int, step: int, round_: int = 1) -> None:
    if (step, round_ if step == Step.FACTORS else 1) not in SEQUENCE:
        raise BoardError(_("That step does not exist."))
    with changing(board_id) as change:
        _go(change.board, step, round_ if step == Step.FACTORS else 1, change.now)


def _go(board, step, round_, now) -> None:
    board.step, board.round = step, round_
    if step == Step.FACTORS and round_ >= Round.PAIRS:
        if not board.members.filter(pair__isnull=False).exists():
            propose_groups(board)
        _merge_lists(board, {Round.PAIRS: Level.PAIR, Round.FOURS: Level.FOUR, Round.ALL: Level.CHART}[round_])
    if step in (Step.PODCAST, Step.FACTORS, Step.DEEPER, Step.ACTION):
        _start_timer(board, minutes_for(board, step, round_), now)
    else:
        board.timer_total = board.timer_left = 0
        board.timer_started_at = None
    if step == Step.DONE:
        board.finished_at = board.finished_at or now
    board.save(update_fields=["step", "round", "timer_total", "timer_left", "timer_started_at", "finished_at"])
    if step == Step.DONE or (step == Step.ACTION and board.result_saved_at):
        save_result(board, now)


def _merge_lists(board, level) -> None:
    """The first time a round starts, its lists are the union of the lists below them (exact duplicates merged):
    a pair starts from both members' notes, a four from its pairs' lists, the flip chart from every four's list."""
    if board.cards.filter(kind=Kind.FACTOR, level=level).exists():
        return  # lists made before (the facilitator went back and forth): keep what the groups did with them
    members = list(board.members.all())
    below = level - 1
    # which list of the level below feeds which list of this level
    if level == Level.PAIR:
        feeds = {m.number: {m.pair} for m in members if m.pair}
    elif level == Level.FOUR:
        feeds = {}
        for m in members:
            if m.pair and m.four:
                feeds.setdefault(m.pair, set()).add(m.four)
    else:
        feeds = None  # everything goes onto the flip chart
    merged: dict[tuple, BoardCard] = {}
    for card in board.cards.filter(kind=Kind.FACTOR, level=below).order_by("id"):
        targets = {0} if feeds is None else feeds.get(card.group, set())
        for target in targets:
            key = (target, card.column, card.normalised)
            if key in merged:
                merged[key].merged += card.merged
                continue
            merged[key] = BoardCard(
                board=board,
                kind=Kind.FACTOR,
                level=level,
                group=target,
                column=card.column,
                text=card.text,
                normalised=card.normalised,
                suggestion=card.suggestion,
                merged=card.merged,
                author=None,
            )
    BoardCard.objects.bulk_create(merged.values())


def current_list(board, member) -> tuple[int, int]:
    """(level, group) of the list a participant works on now."""
    if board.step == Step.FACTORS:
        if board.round == Round.ALONE:
            return Level.OWN, member.number
        if board.round == Round.PAIRS:
            return Level.PAIR, member.pair or 0
        if board.round == Round.FOURS:
            return Level.FOUR, member.four or 0
    return Level.CHART, 0


# --- notes -------------------------------------------------------------------------------------------------------


def _clean_item(text, max_length=BOARD_TEXT_MAX) -> str:
    text = clean_text(text)
    if not text:
        raise BoardError(_("Type something first."))
    if len(text) > max_length:
        raise BoardError(
            _("At most %(max)s characters, please (this one has %(length)s).")
            % {"max": max_length, "length": len(text)}
        )
    return text


STEP_KINDS = {
    Step.PODCAST: {Kind.ANSWER},
    Step.FACTORS: {Kind.FACTOR},
    Step.DEEPER: {Kind.INSIGHT},
    Step.ACTION: {Kind.LEARN, Kind.NEED},
}


def add_card(board_id: int, member, *, kind: str, text: str = "", column: str = "", suggestion: str = "") -> BoardCard:
    """A participant's note for the step the board is in; a ticked cheat-sheet suggestion counts as its text."""
    if suggestion:
        text = str(suggestion_label(suggestion))
        if text == suggestion:
            raise BoardError(_("That suggestion does not exist."))
    text = _clean_item(text)
    with changing(board_id) as change:
        board = change.board
        if kind not in STEP_KINDS.get(board.step, set()):
            raise BoardError(_("The board has moved on to another step; your note was not added."))
        if kind == Kind.FACTOR and column not in FactorColumn.values:
            raise BoardError(_("Choose one of the three columns."))
        if member is not None and BoardCard.objects.filter(board=board, author=member).count() >= MAX_CARDS_PER_MEMBER:
            raise BoardError(_("That is a lot of notes already; merge or remove some first."))
        level, group = current_list(board, member) if member is not None else (Level.CHART, 0)
        if kind == Kind.FACTOR and level != Level.CHART and not group:
            raise BoardError(_("You are not in a group yet; ask the facilitator."))
        normalised = normalise(text, suggestion)
        existing = BoardCard.objects.filter(
            board=board, kind=kind, level=level, group=group, column=column if kind == Kind.FACTOR else "",
            normalised=normalised, question=board.question if kind == Kind.ANSWER else None,
        ).first()  # fmt: skip
        if existing is not None and kind == Kind.FACTOR:
            return existing  # already on this list
        return BoardCard.objects.create(
            board=board,
            kind=kind,
            level=level,
            group=group,
            column=column if kind == Kind.FACTOR else "",
            question=board.question if kind == Kind.ANSWER else None,
            text=text,
            normalised=normalised,
            suggestion=suggestion if normalised.startswith("#") else "",
            author=member,
        )


def remove_card(board_id: int, member, card_id: int) -> None:
    """A participant removes a note from the list they work on now (their own notes anywhere on the flip chart)."""
    with changing(board_id) as change:
        board = change.board
        card = BoardCard.objects.filter(board=board, pk=card_id).first()
        if card is None:
            return
        if member is not None:
            level, group = current_list(board, member)
            own_on_chart = card.level == Level.CHART and card.author_id == member.pk
            if not own_on_chart and (card.level, card.group) != (level, group):
                raise BoardError(_("You can only remove notes from your own list."))
        card.delete()


def edit_card(board_id: int, card_id: int, text: str) -> None:
    text = _clean_item(text)
    with changing(board_id) as change:
        card = BoardCard.objects.filter(board=change.board, pk=card_id).first()
        if card is None:
            raise BoardError(_("That note is gone."))
        card.text, card.normalised, card.suggestion = text, normalise(text), ""
        card.save(update_fields=["text", "normalised", "suggestion"])


def merge_cards(board_id: int, card_ids: list[int], text: str = "") -> BoardCard:
    """The facilitator merges duplicates on the flip chart: the first note stays (with the given text), the others
    go; their dots move to it and it counts how many notes it stands for."""
    with changing(board_id) as change:
        cards = list(
            BoardCard.objects.filter(board=change.board, pk__in=card_ids, kind=Kind.FACTOR, level=Level.CHART).order_by(
                "id"
            )
        )
        if len(cards) < 2:
            raise BoardError(_("Tick at least two notes on the flip chart to merge them."))
        keep, others = cards[0], cards[1:]
        if text.strip():
            keep.text = _clean_item(text)
            keep.normalised, keep.suggestion = normalise(keep.text), ""
        keep.merged = sum(card.merged for card in cards)
        keep.save(update_fields=["text", "normalised", "suggestion", "merged"])
        voters = set(BoardVote.objects.filter(card=keep).values_list("member_id", flat=True))
        for vote in BoardVote.objects.filter(card__in=others):
            if vote.member_id not in voters:
                voters.add(vote.member_id)
                BoardVote.objects.create(member_id=vote.member_id, card=keep)
        BoardCard.objects.filter(pk__in=[c.pk for c in others]).delete()
        return keep


def toggle_vote(board_id: int, member, card_id: int) -> None:
    """A dot on a flip-chart factor, or taken back; three per participant, one per factor."""
    with changing(board_id) as change:
        board = change.board
        if board.step != Step.DEEPER:
            raise BoardError(_("Voting is part of step 3."))
        card = BoardCard.objects.filter(board=board, pk=card_id, kind=Kind.FACTOR, level=Level.CHART).first()
        if card is None:
            raise BoardError(_("That success factor is no longer on the flip chart."))
        existing = BoardVote.objects.filter(member=member, card=card)
        if existing.exists():
            existing.delete()
            return
        if BoardVote.objects.filter(member=member, card__board=board).count() >= VOTES_PER_MEMBER:
            raise BoardError(_("You have used your three votes; take one back first."))
        BoardVote.objects.create(member=member, card=card)


def top_three(board) -> list[BoardCard]:
    """The three flip-chart factors with the most dots (earlier notes first on a tie); none without votes."""
    return list(
        BoardCard.objects.filter(board=board, kind=Kind.FACTOR, level=Level.CHART)
        .annotate(dots=Count("votes"))
        .filter(dots__gt=0)
        .order_by("-dots", "id")[:3]
    )


# --- step 1 questions --------------------------------------------------------------------------------------------


def set_questions(board_id: int, text: str) -> None:
    lines = [clean_text(line) for line in (text or "").splitlines()]
    lines = [line[:BOARD_TEXT_MAX] for line in lines if line][:12]
    if not lines:
        raise BoardError(_("Give at least one question, one per line."))
    with changing(board_id) as change:
        board = change.board
        board.questions = lines
        board.question = min(board.question, len(lines) - 1)
        board.save(update_fields=["questions", "question"])


def show_question(board_id: int, direction: str) -> None:
    with changing(board_id) as change:
        board = change.board
        step = 1 if direction == "next" else -1
        board.question = max(0, min(board.question + step, max(len(board.questions) - 1, 0)))
        board.save(update_fields=["question"])


# --- step 4 actions ----------------------------------------------------------------------------------------------


def _clean_action(text, owner, owner_email, due) -> dict:
    from django import forms

    values = {
        "text": _clean_item(text, ACTION_TEXT_MAX),
        "owner": clean_text(owner)[:BOARD_TEXT_MAX],
        "owner_email": "",
        "due_date": None,
    }
    email = clean_text(owner_email)
    if email:
        try:
            values["owner_email"] = forms.EmailField(max_length=254).clean(email)
        except forms.ValidationError as error:
            raise BoardError(_("“%(value)s” is not an e-mail address.") % {"value": email[:60]}) from error
    due = clean_text(due)
    if due:
        try:
            values["due_date"] = forms.DateField().clean(due)
        except forms.ValidationError:
            values["due_date"] = None
        if values["due_date"] is None or not (2000 <= values["due_date"].year <= 2100):
            raise BoardError(_("“%(value)s” is not a date; use the form 2026-12-31.") % {"value": due[:20]})
    return values


def add_action(board_id: int, member, *, text, owner="", owner_email="", due="") -> BoardAction:
    values = _clean_action(text, owner, owner_email, due)
    with changing(board_id) as change:
        board = change.board
        if member is not None and board.step != Step.ACTION:
            raise BoardError(_("Actions are agreed in step 4."))
        if board.actions.count() >= 30:
            raise BoardError(_("Please keep it to at most %(max)s actions.") % {"max": 30})
        action = BoardAction.objects.create(board=board, author=member, **values)
        if board.result_saved_at:
            save_result(board, change.now)
        return action


def edit_action(board_id: int, action_id: int, *, text, owner="", owner_email="", due="") -> None:
    values = _clean_action(text, owner, owner_email, due)
    with changing(board_id, allow_closed=True) as change:
        BoardAction.objects.filter(board=change.board, pk=action_id).update(**values)
        if change.board.result_saved_at:
            save_result(change.board, change.now)


def remove_action(board_id: int, action_id: int) -> None:
    with changing(board_id, allow_closed=True) as change:
        BoardAction.objects.filter(board=change.board, pk=action_id).delete()
        if change.board.result_saved_at:
            save_result(change.board, change.now)


def set_contact(board_id: int, email: str) -> None:
    from django import forms

    email = clean_text(email)
    if email:
        try:
            email = forms.EmailField(max_length=254).clean(email)
        except forms.ValidationError as error:
            raise BoardError(_("“%(value)s” is not an e-mail address.") % {"value": email[:60]}) from error
    with changing(board_id, allow_closed=True) as change:
        Board.objects.filter(pk=change.board.pk).update(contact_email=email)


# --- the result --------------------------------------------------------------------------------------------------


def save_result(board, now=None) -> object:
    """Write the board into the session's group result (three columns, top three, actions, notes), so the report
    and the exports show it without anyone typing it again. Called inside `changing` (the board row is locked).
    Actions keep their follow-up answers: they are matched by text, not replaced."""
    from evaluations.board.followup import schedule
    from evaluations.models import GroupAction, GroupFactor, GroupResult, GroupTopItem

    now = now or timezone.now()
    result, _created = GroupResult.objects.get_or_create(session_id=board.session_id)
    chart = list(board.cards.filter(kind=Kind.FACTOR, level=Level.CHART).order_by("column", "id"))
    GroupFactor.objects.filter(result=result).delete()
    GroupFactor.objects.bulk_create(
        GroupFactor(result=result, column=card.column, text=card.text, normalised=card.normalised, sort_order=i)
        for i, card in enumerate(chart)
    )
    GroupTopItem.objects.filter(result=result).delete()
    GroupTopItem.objects.bulk_create(
        GroupTopItem(result=result, text=card.text, sort_order=i) for i, card in enumerate(top_three(board))
    )
    existing = {action.text.casefold(): action for action in GroupAction.objects.filter(result=result)}
    keep = []
    for position, action in enumerate(board.actions.order_by("id")):
        row = existing.pop(action.text.casefold(), None) or GroupAction(result=result, text=action.text)
        row.owner, row.owner_email, row.due_date, row.sort_order = (
            action.owner,
            action.owner_email,
            action.due_date,
            position,
        )
        row.save()
        keep.append(row.pk)
    GroupAction.objects.filter(result=result).exclude(pk__in=keep).delete()
    result.notes = _notes(board)
    result.save(update_fields=["notes", "updated_at"])
    Board.objects.filter(pk=board.pk).update(result_saved_at=now)
    board.result_saved_at = now
    schedule(result)
    return result


def _notes(board) -> str:
    """The result's notes: step 1's answers under their questions, then steps 3 and 4 (insights, what we learn,
    what we need). No names: the notes never carried their authors."""
    cards = list(board.cards.filter(kind__in=[Kind.ANSWER, Kind.INSIGHT, Kind.LEARN, Kind.NEED]).order_by("id"))
    parts = []
    with override(board.language):
        answers = [card for card in cards if card.kind == Kind.ANSWER]
        if answers:
            questions = list(board.questions or [])
            lines = [str(_("Step 1: discussing the podcast"))]
            for index in sorted({card.question for card in answers}, key=lambda q: (q is None, q or 0)):
                if index is not None and 0 <= index < len(questions):
                    lines.append(questions[index])
                lines += [f"- {card.text}" for card in answers if card.question == index]
            parts.append("\n".join(lines))
        for kind, heading in (
            (Kind.INSIGHT, _("New insights")),
            (Kind.LEARN, _("What do we learn from this?")),
            (Kind.NEED, _("What do we need to put this into practice?")),
        ):
            lines = [f"- {card.text}" for card in cards if card.kind == kind]
            if lines:
                parts.append(f"{heading}\n" + "\n".join(lines))
    return "\n\n".join(parts)


def save_result_now(board_id: int) -> None:
    with changing(board_id, allow_closed=True) as change:
        save_result(change.board, change.now)
