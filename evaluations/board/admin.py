"""The facilitator's side of the board in the Wagtail admin: the list of boards, the controls of one board (steps,
timer, questions, groups, merging duplicates, actions) with its live refresh, and the group results' export.
Who may open which board is decided by workshops.roles (coordinators every session, trainers their own)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from evaluations.board import presenter, services
from evaluations.models import FactorColumn, GroupResult
from evaluations.services.evaluation import room_token
from workshops import roles
from workshops.models import Session


def may_facilitate(user) -> bool:
    """Coordinators and trainers (anyone who can see sessions in the admin)."""
    return bool(user and user.is_active and user.is_authenticated) and (
        roles.is_coordinator(user) or user.groups.filter(name=roles.TRAINERS).exists() or user.is_superuser
    )


class FacilitatorMixin:
    def dispatch(self, request, *args, **kwargs):
        if not may_facilitate(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def session(self):
        return get_object_or_404(
            roles.own_sessions(self.request.user, Session.objects.select_related("training", "lesson")),
            pk=self.kwargs["pk"],
        )


class BoardIndexView(FacilitatorMixin, WagtailAdminTemplateMixin, TemplateView):
    """Sessions of today and the coming and past week the user may run, with their board."""

    template_name = "evaluations/board/admin_index.html"
    page_title = _("Team boards")
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        from datetime import timedelta

        context = super().get_context_data(**kwargs)
        now = timezone.now()
        sessions = (
            roles.own_sessions(self.request.user, Session.objects.select_related("training", "lesson"))
            .filter(starts_at__gte=now - timedelta(days=7), starts_at__lte=now + timedelta(days=30))
            .exclude(status=Session.Status.CANCELLED)
            .order_by("starts_at")[:100]
        )
        context["sessions"] = [{"session": s, "open": services.is_open(s)} for s in sessions]
        return context


class FacilitatorView(FacilitatorMixin, WagtailAdminTemplateMixin, TemplateView):
    """One board's controls. Every control is a form (POST, then back here); with JavaScript they post in the
    background and the page follows the board live."""

    template_name = "evaluations/board/facilitator.html"
    live_template = "evaluations/board/_facilitator.html"
    header_icon = "table"

    def get_page_title(self):
        return _("Team board: %(session)s") % {"session": self.session}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("team_board_admin:index"), "label": _("Team boards")},
            {"url": "", "label": str(self.session)},
        ]

    @cached_property
    def board(self):
        return services.board_for(self.session)

    def get_context_data(self, error="", **kwargs):
        context = super().get_context_data(**kwargs)
        live = services.live_token(self.board)
        self.board.refresh_from_db()
        token = room_token(self.session)
        with translation.override(self.board.language):
            join_path = reverse("evaluation:board", args=[token])
            projector_path = reverse("evaluation:board_projector", args=[token])
        context.update(presenter.snapshot(self.board))
        context.update(
            token=live,
            view="facilitator",
            live_url=reverse("team_board_admin:live", args=[self.session.pk]),
            page_url=reverse("team_board_admin:board", args=[self.session.pk]),
            join_url=self.request.build_absolute_uri(join_path),
            projector_url=projector_path,
            groups=presenter.groups(self.board),
            open=services.is_open(self.session),
            closes_at=services.closes_at(self.session),
            questions_text="\n".join(self.board.questions),
            has_other_result=GroupResult.objects.filter(session=self.session).exists()
            and not self.board.result_saved_at,
            report_url=reverse("evaluation_reports:session", args=[self.session.pk]),
            error=error,
            sequence=[
                {"step": step, "round": round_, "label": _sequence_label(step, round_)}
                for step, round_ in services.SEQUENCE
            ],
        )
        return context

    def post(self, request, pk):
        error = ""
        try:
            self.act(request.POST)
        except services.BoardError as problem:
            error = str(problem)
        if request.headers.get("X-Board-Fetch") == "1" or error:
            context = self.get_context_data(error=error)
            template = self.live_template if request.headers.get("X-Board-Fetch") == "1" else self.template_name
            return self.response_class(
                request=request, template=[template], context=context, status=400 if error else 200
            )
        return redirect(reverse("team_board_admin:board", args=[pk]), permanent=False)

    def act(self, data):
        """Parse one facilitator control and hand it to the service."""
        board_id, op = self.board.pk, data.get("op", "")
        if op in ("next", "back"):
            services.move(board_id, op)
        elif op == "goto":
            services.go_to(board_id, _int(data.get("step")), _int(data.get("round")) or 1)
        elif op == "timer":
            services.timer(board_id, data.get("action", ""))
        elif op == "question":
            services.show_question(board_id, data.get("direction", "next"))
        elif op == "questions":
            services.set_questions(board_id, data.get("questions", ""))
        elif op == "regroup":
            assignments = {}
            for member in self.board.members.all():
                pair, four = _int(data.get(f"pair_{member.pk}")), _int(data.get(f"four_{member.pk}"))
                if pair or four:
                    assignments[member.pk] = (pair or member.pair or 1, four or member.four or 1)
            services.regroup(board_id, assignments)
        elif op == "propose_groups":
            services.repropose_groups(board_id)
        elif op == "merge":
            ids = [_int(v) for v in data.getlist("card")]
            services.merge_cards(board_id, ids, data.get("text", ""))
        elif op == "edit_card":  # "give the ticked note this text": one note, on the flip chart or anywhere
            ticked = data.getlist("card")
            if len(ticked) != 1:
                raise services.BoardError(_("Tick one note to give it a new text."))
            services.edit_card(board_id, _int(ticked[0]), data.get("text", ""))
        elif op == "remove":
            services.remove_card(board_id, None, _int(data.get("card")))
        elif op == "add":
            kind = data.get("kind", "")
            if kind == "action":
                services.add_action(
                    board_id,
                    None,
                    text=data.get("text", ""),
                    owner=data.get("owner", ""),
                    owner_email=data.get("owner_email", ""),
                    due=data.get("due", ""),
                )
            else:
                if kind not in services.Kind.values:
                    raise services.BoardError(_("That did not work; please try again."))
                services.add_card(board_id, None, kind=kind, text=data.get("text", ""), column=data.get("column", ""))
        elif op == "edit_action":
            services.edit_action(
                board_id,
                _int(data.get("action")),
                text=data.get("text", ""),
                owner=data.get("owner", ""),
                owner_email=data.get("owner_email", ""),
                due=data.get("due", ""),
            )
        elif op == "remove_action":
            services.remove_action(board_id, _int(data.get("action")))
        elif op == "contact":
            services.set_contact(board_id, data.get("contact_email", ""))
        elif op == "save_result":
            services.save_result_now(board_id)
        else:
            raise services.BoardError(_("That did not work; please try again."))


def _sequence_label(step, round_):
    label = services.Step(step).label
    if step == services.Step.FACTORS:
        return f"{label}: {services.Round(round_).label}"
    return label


def _int(value) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return 0


class FacilitatorLiveView(FacilitatorView):
    """The facilitator page's poll: 204 while nothing changed, else its fresh fragment."""

    def get(self, request, pk):
        if request.GET.get("v") == services.live_token(self.board):
            return HttpResponse(status=204)
        return self.response_class(request=request, template=[self.live_template], context=self.get_context_data())

    def post(self, request, pk):
        raise Http404


class GroupResultExportView(SpreadsheetExportMixin, View):
    """The group results (from the board or recorded by hand) of a session or a training: one row per item."""

    list_export = ["session", "date", "part", "column", "text", "votes", "owner", "due_date", "status", "comment"]
    by_training = False

    @property
    def export_headings(self):
        return {
            "session": _("Session"),
            "date": _("Session date"),
            "part": _("Part"),
            "column": _("Column"),
            "text": _("Text"),
            "votes": _("Place in the top three"),
            "owner": _("Who"),
            "due_date": _("When"),
            "status": _("Follow-up status"),
            "comment": _("Follow-up comment"),
        }

    def get(self, request, pk):
        from home.models import TrainingPage

        if not may_facilitate(request.user):
            raise PermissionDenied
        export_format = request.GET.get("export", self.FORMAT_CSV)
        if export_format not in self.FORMATS:
            raise Http404
        if self.by_training:
            training = get_object_or_404(TrainingPage, pk=pk)
            sessions = roles.own_sessions(request.user, Session.objects.filter(training=training))
            self.export_filename = f"group-results-training-{training.pk}"
        else:
            session = get_object_or_404(roles.own_sessions(request.user), pk=pk)
            sessions = Session.objects.filter(pk=session.pk)
            self.export_filename = f"group-results-session-{session.pk}"
        return self.as_spreadsheet(list(rows_for(sessions)), export_format)

    def to_row_dict(self, item):
        return item


def rows_for(sessions):
    labels = dict(FactorColumn.choices)
    results = (
        GroupResult.objects.filter(session__in=sessions)
        .select_related("session", "session__training", "session__lesson")
        .prefetch_related("factors", "top_items", "actions")
        .order_by("session__starts_at")
    )
    for result in results:
        base = {"session": result.session.title, "date": result.session.starts_at.date()}
        empty = {"column": "", "votes": "", "owner": "", "due_date": "", "status": "", "comment": ""}
        for factor in result.factors.all():
            yield {**base, **empty, "part": _("Success factor"), "column": labels.get(factor.column, ""),
                   "text": factor.text}  # fmt: skip
        for place, item in enumerate(result.top_items.all(), start=1):
            yield {**base, **empty, "part": _("Top three"), "text": item.text, "votes": place}
        for action in result.actions.all():
            yield {**base, **empty, "part": _("Action"), "text": action.text, "owner": action.owner,
                   "due_date": action.due_date or "", "status": action.get_status_display() if action.status else "",
                   "comment": action.status_comment}  # fmt: skip
        for line in [line for line in (result.notes or "").splitlines() if line.strip()]:
            yield {**base, **empty, "part": _("Notes"), "text": line}


def admin_urls():
    return [
        path("", BoardIndexView.as_view(), name="index"),
        path("<int:pk>/", FacilitatorView.as_view(), name="board"),
        path("<int:pk>/live/", FacilitatorLiveView.as_view(), name="live"),
        path("export/session/<int:pk>/", GroupResultExportView.as_view(), name="export_session"),
        path("export/training/<int:pk>/", GroupResultExportView.as_view(by_training=True), name="export_training"),
    ]
