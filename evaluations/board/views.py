"""The board's public screens: a participant's phone (join with the session's room link, no account, no e-mail) and
the projector (large type, no names); the follow-up page of the agreed actions.

Live without reloads: every screen polls `live` about once a second with the token it holds; the answer is an empty
204 while nothing changed (one cache read, no database) and the screen's fragment when something did. Without
JavaScript every control is a plain form (POST, then a redirect to the page) and the projector refreshes itself.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited

from evaluations.board import followup, presenter, services
from evaluations.services.evaluation import read_room_token, room_session_id, room_token

PARTICIPANT = "evaluations/board/participant.html"
PARTICIPANT_LIVE = "evaluations/board/_participant.html"
PROJECTOR = "evaluations/board/projector.html"
PROJECTOR_LIVE = "evaluations/board/_projector.html"
MESSAGE = "evaluations/board/message.html"
MEMBER_RATE = "90/m"  # per participant: a busy round of notes, never a flood
_BOARD_OF_SESSION: dict[int, int] = {}  # a session's board never changes: the poll needs no query to find it


def _message(request, title, text, status=200, session=None):
    return render(request, MESSAGE, {"title": title, "text": text, "session": session}, status=status)


def _invalid(request):
    return _message(
        request,
        _("This link does not work"),
        _("The link is incomplete or changed. Scan the code on the screen again, or ask the trainer for the link."),
        status=404,
    )


def _board_or_page(request, token):
    session = read_room_token(token)
    if session is None:
        return None, _invalid(request)
    if not services.is_open(session):
        return None, _message(
            request,
            _("This board is closed"),
            _("The board of this session is closed. Its result is kept as the session's group result."),
            status=410,
            session=session,
        )
    return services.board_for(session), None


def cookie_name(board) -> str:
    return f"qpido_board_{board.pk}"


def _member(request, board):
    key = request.get_signed_cookie(cookie_name(board), default=None, salt=services.COOKIE_SALT)
    return services.member_for_key(board, key)


def _urls(token):
    return {
        "page_url": reverse("evaluation:board", args=[token]),
        "live_url": reverse("evaluation:board_live", args=[token]),
        "projector_url": reverse("evaluation:board_projector", args=[token]),
    }


def _participant_context(request, board, token, member, error=""):
    context = presenter.snapshot(board, member)
    context.update(_urls(token), token=services.live_token(board), error=error, view="participant")
    return context


def _is_fetch(request) -> bool:
    return request.headers.get("X-Board-Fetch") == "1"


@never_cache
@require_http_methods(["GET", "POST"])
def participant(request, token):
    """A participant's phone: the join form first, then the step the board is in."""
    board, page = _board_or_page(request, token)
    if page:
        return page
    member = _member(request, board)
    if request.method == "POST":
        return _act(request, board, token, member)
    if member is None:
        return render(request, PARTICIPANT, {"joining": True, "session": board.session, **_urls(token)})
    # read the live token before the board: a change in between makes the next poll fetch again
    live = services.live_token(board)
    board.refresh_from_db()
    context = presenter.snapshot(board, member, live)
    context.update(_urls(token), token=live, view="participant")
    return render(request, PARTICIPANT, context)


participant.own_rate_limit = True  # limited per participant below: a whole room shares one address


def _act(request, board, token, member):
    op = request.POST.get("op", "")
    if op == "join":
        if member is None:
            try:
                member, key = services.join(board.pk, request.POST.get("first_name", ""))
            except services.BoardError as error:
                return render(
                    request,
                    PARTICIPANT,
                    {"joining": True, "session": board.session, "error": str(error), **_urls(token)},
                    status=400,
                )
            response = redirect(reverse("evaluation:board", args=[token]))
            response.status_code = 303
            response.set_signed_cookie(
                cookie_name(board),
                key,
                salt=services.COOKIE_SALT,
                max_age=int((services.closes_at(board.session) - board.created_at).total_seconds()) + 86400,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
            return response
        return redirect(reverse("evaluation:board", args=[token]))
    if member is None:
        return redirect(reverse("evaluation:board", args=[token]))
    if is_ratelimited(request, group="team-board", key=lambda g, r: str(member.pk), rate=MEMBER_RATE, increment=True):
        return _after(request, board, token, member, _("Slow down a little: too many notes in a minute."), 429)
    error = ""
    try:
        _do(board, member, op, request.POST)
    except services.BoardError as problem:
        error = str(problem)
    return _after(request, board, token, member, error, 400 if error else 200)


def _do(board, member, op, data):
    """Parse one participant action and hand it to the service."""
    kind_for_op = {"answer": services.Kind.ANSWER, "insight": services.Kind.INSIGHT}
    if op in ("answer", "insight"):
        services.add_card(board.pk, member, kind=kind_for_op[op], text=data.get("text", ""))
    elif op == "learn":
        kind = services.Kind.NEED if data.get("kind") == "need" else services.Kind.LEARN
        services.add_card(board.pk, member, kind=kind, text=data.get("text", ""))
    elif op == "factor":
        services.add_card(
            board.pk,
            member,
            kind=services.Kind.FACTOR,
            text=data.get("text", ""),
            column=data.get("column", ""),
            suggestion=data.get("suggestion", "")[:40],
        )
    elif op == "remove":
        services.remove_card(board.pk, member, _int(data.get("card")))
    elif op == "vote":
        services.toggle_vote(board.pk, member, _int(data.get("card")))
    elif op == "action":
        services.add_action(
            board.pk, member, text=data.get("text", ""), owner=data.get("owner", ""), due=data.get("due", "")
        )
    elif op == "name":
        services.rename(board.pk, member, data.get("first_name", ""))
    else:
        raise services.BoardError(_("That did not work; please try again."))


def _int(value) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return 0


def _after(request, board, token, member, error, status):
    """A fetch gets the fresh fragment (the error in it); a plain form goes back to the page (303), or shows the
    page with the error."""
    if _is_fetch(request) or error:
        live = services.live_token(board)
        board.refresh_from_db()
        context = presenter.snapshot(board, member, live)
        context.update(_urls(token), token=live, error=error, view="participant")
        template = PARTICIPANT_LIVE if _is_fetch(request) else PARTICIPANT
        return render(request, template, context, status=status)
    response = redirect(reverse("evaluation:board", args=[token]))
    response.status_code = 303
    return response


@never_cache
@require_GET
def projector(request, token):
    """The projector: large type, no names; the room link and QR code while people join."""
    board, page = _board_or_page(request, token)
    if page:
        return page
    live = services.live_token(board)
    return render(request, PROJECTOR, _projector_context(request, board, token, live))


def _projector_context(request, board, token, live):
    import segno

    context = presenter.snapshot(board, None, live)
    context.update(_urls(token), token=live, view="projector")
    if board.step == services.Step.LOBBY:  # the room link and its QR code while people join
        join_url = request.build_absolute_uri(reverse("evaluation:board", args=[token]))
        context.update(join_url=join_url, join_qr=segno.make(join_url, error="m").svg_inline(scale=6, dark="#1d1d2c"))
    return context


@never_cache
@require_GET
def live(request, token):
    """The poll: 204 while the screen's token is current, else the screen's fresh fragment (410 once closed)."""
    session_id = room_session_id(token)
    if session_id is None:
        return HttpResponse(status=404)
    from evaluations.board_models import Board

    board_id = _BOARD_OF_SESSION.get(session_id)
    if board_id is None:
        board_id = Board.objects.filter(session_id=session_id).values_list("pk", flat=True).first()
        if board_id is None:
            return HttpResponse(status=404)
        _BOARD_OF_SESSION[session_id] = board_id
    current = services.live_token(Board(pk=board_id))
    if request.GET.get("v") == current:
        return HttpResponse(status=204)  # the usual answer: one cache read, no database
    board = Board.objects.select_related("session", "session__training").filter(pk=board_id).first()
    if board is None:
        _BOARD_OF_SESSION.pop(session_id, None)
        return HttpResponse(status=404)
    if not services.is_open(board.session):
        return HttpResponse(status=410)
    if request.GET.get("view") == "projector":
        return render(request, PROJECTOR_LIVE, _projector_context(request, board, token, current))
    member = _member(request, board)
    if member is None:
        return HttpResponse(status=410)
    context = presenter.snapshot(board, member, current)
    context.update(_urls(token), token=current, view="participant")
    return render(request, PARTICIPANT_LIVE, context)


def join_path(session) -> str:
    return reverse("evaluation:board", args=[room_token(session)])


# --- the follow-up page ------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def follow_up(request, token):
    """How far each agreed action is: GET shows, POST saves (link scanners only ever GET)."""
    from evaluations.models import GroupAction

    item = followup.read_token(token)
    if item is None:
        return _message(
            request,
            _("This link does not work"),
            _("The link is incomplete or changed. Please use the link from the e-mail exactly as you received it."),
            status=404,
        )
    result = item.group_result
    actions = list(result.actions.order_by("sort_order", "pk"))
    error, saved = "", request.GET.get("saved") == "1"
    if request.method == "POST":
        answers = {}
        for action in actions:
            answers[action.pk] = (
                request.POST.get(f"status_{action.pk}", "")[:20],
                request.POST.get(f"comment_{action.pk}", "")[:5000],
            )
        try:
            followup.save_answers(item, answers)
        except followup.FollowUpError as problem:
            error = str(problem)
        else:
            return redirect(reverse("evaluation:follow_up", args=[token]) + "?saved=1")
        for action in actions:
            action.status, action.status_comment = answers[action.pk]
    return render(
        request,
        "evaluations/board/follow_up.html",
        {
            "session": result.session,
            "actions": actions,
            "statuses": [(v, label) for v, label in GroupAction.Status.choices if v],
            "error": error,
            "saved": saved,
        },
        status=400 if error else 200,
    )
