"""What each screen of the board shows, read in a fixed number of queries: the projector (large type, no names),
a participant's phone and the facilitator's controls."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from evaluations.board import services
from evaluations.board_models import BoardCard
from evaluations.cheatsheet import FactorColumn, suggestion_choices

Step, Round, Kind, Level = services.Step, services.Round, services.Kind, services.Level

ROUND_HELP = {
    Round.ALONE: _("Write down as many success factors as you can, in all three columns."),
    Round.PAIRS: _("Together, make one list of success factors: remove doubles, add what is missing."),
    Round.FOURS: _("Find the other pair and merge your lists into one."),
    Round.ALL: _("Each group presents its list; the facilitator puts them on the flip chart and merges duplicates."),
}
STEP_HELP = {
    Step.LOBBY: _("Scan the code or open the link on your phone to join. A first name is optional."),
    Step.PODCAST: _("Share your first impressions briefly. Keep it short so everyone gets a turn."),
    Step.DEEPER: _("Which new insights do the factors give? Then give your three votes to the factors to work on."),
    Step.ACTION: _("What do we learn from this, what do we need to put it into practice, and which actions?"),
    Step.DONE: _("Thank you. The board's result is saved as the session's group result."),
}


def stage(board) -> str:
    return f"{board.step}-{board.round if board.step == Step.FACTORS else 0}-{board.question}"


_SHARED: dict[int, tuple[str, tuple]] = {}  # board id → (live token, (cards, members, actions)), per process


def _shared(board, token):
    """The notes, people and actions of a board, read once per live token in each process: thirty phones polling
    after one change cost one read, not thirty. The token was read before the board, so what is kept under a token
    is never older than that token says."""
    if token:
        token = f"{token}:{board.version}"  # the database's version too: a change whose cache update was lost
        kept = _SHARED.get(board.pk)
        if kept is not None and kept[0] == token:
            return kept[1]
    data = (
        list(board.cards.annotate(dots=Count("votes")).order_by("id")),
        list(board.members.all()),
        list(board.actions.order_by("id")),
    )
    if token:
        if len(_SHARED) > 200:
            _SHARED.clear()
        _SHARED[board.pk] = (token, data)
    return data


def snapshot(board, member=None, token=None) -> dict:
    """Everything a screen needs: cards grouped by list, dot counts, members, actions, the timer."""
    cards, members, actions = _shared(board, token)
    my_votes = set()
    if member is not None and board.step == Step.DEEPER:
        my_votes = set(member.votes.values_list("card_id", flat=True))
    chart = [c for c in cards if c.kind == Kind.FACTOR and c.level == Level.CHART]
    columns = []
    for column in FactorColumn:
        items = [c for c in chart if c.column == column]
        columns.append({"value": column.value, "label": column.label, "cards": items})
    top = sorted((c for c in chart if c.dots), key=lambda c: (-c.dots, c.id))[:3]
    data = {
        "board": board,
        "session": board.session,
        "stage": stage(board),
        "step_label": Step(board.step).label,
        "round_label": Round(board.round).label if board.step == Step.FACTORS else "",
        "help": ROUND_HELP.get(board.round) if board.step == Step.FACTORS else STEP_HELP.get(board.step, ""),
        "timer": services.timer_state(board),
        "members": members,
        "member_count": len(members),
        "columns": columns,
        "chart_count": len(chart),
        "top_three": top,
        "question": board.questions[board.question] if board.questions and board.step == Step.PODCAST else "",
        "question_number": board.question + 1,
        "question_total": len(board.questions),
        "answers": [c for c in cards if c.kind == Kind.ANSWER and c.question == board.question],
        "insights": [c for c in cards if c.kind == Kind.INSIGHT],
        "learn": [c for c in cards if c.kind == Kind.LEARN],
        "need": [c for c in cards if c.kind == Kind.NEED],
        "actions": actions,
        "is_factors": board.step == Step.FACTORS,
        "is_chart_round": board.step == Step.FACTORS and board.round == Round.ALL,
        "votes_left": services.VOTES_PER_MEMBER - len(my_votes),
        "my_votes": my_votes,
        "Step": Step,
        "Round": Round,
    }
    # progress per list in rounds 1-3 (the projector shows counts, never names)
    if board.step == Step.FACTORS and board.round != Round.ALL:
        level = {Round.ALONE: Level.OWN, Round.PAIRS: Level.PAIR, Round.FOURS: Level.FOUR}[Round(board.round)]
        per_column = {column.value: 0 for column in FactorColumn}
        lists = set()
        for card in cards:
            if card.kind == Kind.FACTOR and card.level == level:
                per_column[card.column] += 1
                lists.add(card.group)
        data["round_counts"] = [{"label": c.label, "count": per_column[c.value]} for c in FactorColumn]
        data["round_lists"] = len(lists)
    if member is not None:
        data["member"] = member
        level, group = services.current_list(board, member)
        data["my_level"] = level
        mine = [c for c in cards if c.kind == Kind.FACTOR and c.level == level and c.group == group]
        if board.step == Step.FACTORS and level != Level.CHART:
            data["my_columns"] = [
                {"value": col.value, "label": col.label, "cards": [c for c in mine if c.column == col]}
                for col in FactorColumn
            ]
            if board.round == Round.PAIRS:
                data["partners"] = [m for m in members if m.pair == member.pair and m.pk != member.pk]
            elif board.round == Round.FOURS:
                data["partners"] = [m for m in members if m.four == member.four and m.pk != member.pk]
        data["my_cards"] = {c.pk for c in cards if c.author_id == member.pk}
    if board.step == Step.FACTORS:
        suggestions = services.suggestion_set(board)
        data["suggestions"] = [
            {"value": col.value, "label": col.label, "choices": _flat(suggestion_choices(col, suggestions))}
            for col in FactorColumn
        ]
    return data


def _flat(choices):
    flat = []
    for key, label in choices:
        if isinstance(label, list | tuple):
            flat.extend(label)
        else:
            flat.append((key, label))
    return flat


def groups(board) -> list[dict]:
    """The pairs and fours with their members, for the facilitator (names only there)."""
    members = list(board.members.all())
    fours: dict[int, dict] = {}
    for member in members:
        four = fours.setdefault(member.four or 0, {"four": member.four, "pairs": {}})
        four["pairs"].setdefault(member.pair or 0, []).append(member)
    return [
        {"four": f["four"], "pairs": [{"pair": p, "members": ms} for p, ms in sorted(f["pairs"].items())]}
        for _k, f in sorted(fours.items())
    ]


def kinds():
    return BoardCard.Kind
