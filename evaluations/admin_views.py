"""Evaluation reports, exports, the room link (QR code) and group results in the Wagtail admin (evaluation issue).

Who may read which report is decided by workshops/roles.py and the evaluations' model permissions (Coordinators
and Trainers hold `evaluations.view_evaluationanswer`); a trainer reaches only the sessions they train, in every
report, list, export and group result. Small groups stay anonymous (evaluations/services/evaluation.py): below
EVALUATION_MIN_GROUP_SIZE answers a report shows counts only and its export is refused. The names of registrants
who have not answered are on a page of their own, for coordinators only, never beside answers.
"""

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin.menu import MenuItem
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from cms.exports import ExcelCsvMixin
from evaluations.models import EvaluationAnswer, FactorColumn, GroupResult
from evaluations.services import evaluation as service
from home.models import TrainingPage
from workshops import roles
from workshops.models import Registration, Session

answer_policy = ModelPermissionPolicy(EvaluationAnswer)
group_result_policy = ModelPermissionPolicy(GroupResult)


def can_read_reports(user) -> bool:
    """Coordinators and trainers (the view permission on answers, granted to both groups) read reports."""
    return bool(user and user.is_active) and answer_policy.user_has_permission(user, "view")


def visible_sessions(user, queryset=None):
    """Coordinators read every session's evaluation; a trainer only the sessions they train (workshops.roles)."""
    return roles.own_sessions(user, queryset)


class ReportPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_read_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _count_per_session(queryset):
    """A correlated COUNT per session row (an index range each), instead of joining answers and registrations."""
    counted = queryset.filter(session=OuterRef("pk")).order_by().values("session").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _sessions_with_counts(queryset):
    eligible = Registration.objects.filter(status__in=service.eligible_statuses())
    return queryset.select_related("training", "lesson").annotate(
        n_answers=_count_per_session(EvaluationAnswer.objects.all()),
        n_participants=_count_per_session(eligible),
        n_responded=_count_per_session(eligible.filter(evaluation_responded_at__isnull=False)),
    )


class EvaluationIndexView(ReportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """Sessions that have started, newest first, with answer counts; links to the reports per session and training."""

    template_name = "evaluations/admin/index.html"
    page_title = _("Evaluations")
    header_icon = "doc-full-inverse"
    limit = 200

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        from django.utils import timezone

        context = super().get_context_data(**kwargs)
        visible = visible_sessions(self.request.user, Session.objects.filter(starts_at__lte=timezone.now()))
        sessions = _sessions_with_counts(visible).order_by("-starts_at")[: self.limit]
        context["sessions"] = sessions
        mine = visible_sessions(self.request.user)
        context["trainings"] = (
            TrainingPage.objects.filter(sessions__in=mine, sessions__evaluation_answers__isnull=False)
            .annotate(n_answers=Count("sessions__evaluation_answers", filter=Q(sessions__in=mine), distinct=True))
            .order_by("title")
        )
        return context


def visible_session_or_404(user, pk):
    """The session with this id if this user may see its evaluation (coordinators all, trainers their own)."""
    return get_object_or_404(visible_sessions(user, Session.objects.select_related("training", "lesson")), pk=pk)


class SessionScopeMixin:
    """The report of one session: a trainer only reaches the sessions they train."""

    report_url_name = "evaluation_reports:session"
    export_url_name = "evaluation_reports:session_export"
    texts_url_name = "evaluation_reports:session_texts"
    actions_url_name = "evaluation_reports:session_actions"
    not_answered_url_name = "evaluation_reports:session_not_answered"

    @cached_property
    def session(self):
        return visible_session_or_404(self.request.user, self.kwargs["pk"])

    def get_report_title(self):
        return _("Evaluation of %(session)s") % {"session": self.session}

    def get_sessions(self):
        return Session.objects.filter(pk=self.session.pk)


class TrainingScopeMixin:
    """The report of every session of a training the user may read."""

    report_url_name = "evaluation_reports:training"
    export_url_name = "evaluation_reports:training_export"
    texts_url_name = "evaluation_reports:training_texts"
    actions_url_name = "evaluation_reports:training_actions"
    not_answered_url_name = "evaluation_reports:training_not_answered"

    @cached_property
    def training(self):
        return get_object_or_404(TrainingPage, pk=self.kwargs["pk"])

    def get_report_title(self):
        return _("Evaluation of the training %(training)s") % {"training": self.training.title}

    def get_sessions(self):
        return visible_sessions(self.request.user, Session.objects.filter(training=self.training))


class BaseReportView(ReportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "evaluations/admin/report.html"
    header_icon = "doc-full-inverse"

    def get_page_title(self):
        return self.get_report_title()

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("evaluation_reports:index"), "label": _("Evaluations")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sessions = self.get_sessions()
        coordinator = roles.is_coordinator(self.request.user)
        pk = self.kwargs["pk"]
        context.update(
            report=service.build_report(sessions),
            is_coordinator=coordinator,
            not_answered_url=reverse(self.not_answered_url_name, args=[pk]) if coordinator else "",
            session_rows=self.session_rows(sessions),
            export_url=reverse(self.export_url_name, args=[pk]),
            texts_url=reverse(self.texts_url_name, args=[pk]),
            actions_url=reverse(self.actions_url_name, args=[pk]),
            columns=FactorColumn,
        )
        return context

    def session_rows(self, sessions):
        return None


class SessionReportView(SessionScopeMixin, BaseReportView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session"] = self.session
        context["closes_at"] = service.closes_at(self.session)
        context["room_url"] = reverse("evaluation_reports:room", args=[self.session.pk])
        context["group_result"] = context["report"]["group_results"][0] if context["report"]["group_results"] else None
        return context


class TrainingReportView(TrainingScopeMixin, BaseReportView):
    def session_rows(self, sessions):
        return _sessions_with_counts(sessions).order_by("starts_at")


class BaseReportListView(ReportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """All rows of a list the report page shows only the start of (free texts, actions), a page at a time."""

    template_name = "evaluations/admin/report_list.html"
    header_icon = "doc-full-inverse"
    per_page = 100
    kind = ""  # "texts" or "actions"

    def get_page_title(self):
        return (
            _("Insights, lessons, needs and comments") if self.kind == "texts" else _("Actions named by participants")
        )

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("evaluation_reports:index"), "label": _("Evaluations")},
            {"url": reverse(self.report_url_name, args=[self.kwargs["pk"]]), "label": self.get_report_title()},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sessions = self.get_sessions()
        too_few = service.too_few(service.answer_count(sessions))
        if too_few:
            rows = []
        else:
            rows = service.report_texts(sessions) if self.kind == "texts" else service.report_actions(sessions)
        paginator = WagtailPaginator(rows, self.per_page)
        page = paginator.get_page(self.request.GET.get("p"))  # a page number out of range or not a number: no error
        context.update(
            kind=self.kind,
            too_few=too_few,
            min_group_size=service.min_group_size(),
            page_obj=page,
            rows=page.object_list,
            elided_page_range=paginator.get_elided_page_range(page.number),
            report_title=self.get_report_title(),
            report_url=reverse(self.report_url_name, args=[self.kwargs["pk"]]),
            export_url=reverse(self.export_url_name, args=[self.kwargs["pk"]]),
        )
        return context


class SessionReportListView(SessionScopeMixin, BaseReportListView):
    pass


class TrainingReportListView(TrainingScopeMixin, BaseReportListView):
    pass


class ExportView(ReportPermissionMixin, ExcelCsvMixin, SpreadsheetExportMixin, View):
    """Answers as CSV or XLSX: no identities, only the name a participant chose to add."""

    list_export = [
        "session",
        "session_date",
        "language",
        "via",
        "respondent_name",
        "factors_professional",
        "factors_environment",
        "factors_victim",
        "top_1",
        "top_2",
        "top_3",
        "new_insights",
        "learned",
        "needs",
        "actions",
        "rating_session",
        "rating_material",
        "did_homework",
        "comment",
    ]
    by_training = False

    @property
    def export_headings(self):
        return {
            "session": _("Session"),
            "session_date": _("Session date"),
            "language": _("Language"),
            "via": _("Answered via"),
            "respondent_name": _("Name (if given)"),
            "factors_professional": FactorColumn.PROFESSIONAL.label,
            "factors_environment": FactorColumn.ENVIRONMENT.label,
            "factors_victim": FactorColumn.VICTIM.label,
            "top_1": _("Top three: 1"),
            "top_2": _("Top three: 2"),
            "top_3": _("Top three: 3"),
            "new_insights": _("New insights"),
            "learned": _("What do we learn from this?"),
            "needs": _("What do we need to put this into practice?"),
            "actions": _("Actions (who, when)"),
            "rating_session": _("Rating of the session (1-5)"),
            "rating_material": _("Rating of the preparation material (1-5)"),
            "did_homework": _("Did the homework"),
            "comment": _("Comment"),
        }

    def get(self, request, pk):
        export_format = request.GET.get("export", self.FORMAT_CSV)
        if export_format not in self.FORMATS:
            raise Http404
        if self.by_training:
            training = get_object_or_404(TrainingPage, pk=pk)
            sessions = visible_sessions(request.user, Session.objects.filter(training=training))
            self.export_filename = f"evaluation-training-{training.pk}"
            report_url = reverse("evaluation_reports:training", args=[pk])
        else:
            session = get_object_or_404(visible_sessions(request.user), pk=pk)
            sessions = Session.objects.filter(pk=session.pk)
            self.export_filename = f"evaluation-session-{session.pk}"
            report_url = reverse("evaluation_reports:session", args=[pk])
        if service.too_few(service.answer_count(sessions)):
            messages.info(request, too_few_message())
            return redirect(report_url)
        self.small_sessions = service.small_session_ids(sessions) if self.by_training else set()
        return self.as_spreadsheet(service.export_queryset(sessions, self.small_sessions), export_format)

    def to_row_dict(self, item):
        """One answer. An answer of a session with fewer than k answers does not say which session it is from."""
        row = self._answer_row(item)
        if item.session_id in getattr(self, "small_sessions", ()):
            row["session"] = str(_("A session with few answers"))
            row["session_date"] = ""
        return row

    def _answer_row(self, item):
        factors = {column: [] for column in FactorColumn}
        for factor in item.factors.all():
            factors[factor.column].append(factor.text)
        tops = {top.rank: top.text for top in item.top_items.all()}
        actions = []
        for action in item.actions.all():
            extra = ", ".join(
                part for part in (action.owner, action.due_date.isoformat() if action.due_date else "") if part
            )
            actions.append(f"{action.text} ({extra})" if extra else action.text)
        return {
            "session": item.session.title,
            "session_date": item.session.starts_at.date(),
            "language": item.language,
            "via": item.get_via_display(),
            "respondent_name": item.respondent_name,
            "factors_professional": "; ".join(factors[FactorColumn.PROFESSIONAL]),
            "factors_environment": "; ".join(factors[FactorColumn.ENVIRONMENT]),
            "factors_victim": "; ".join(factors[FactorColumn.VICTIM]),
            "top_1": tops.get(1, ""),
            "top_2": tops.get(2, ""),
            "top_3": tops.get(3, ""),
            "new_insights": item.new_insights,
            "learned": item.learned,
            "needs": item.needs,
            "actions": "; ".join(actions),
            "rating_session": item.rating_session if item.rating_session is not None else "",
            "rating_material": item.rating_material if item.rating_material is not None else "",
            "did_homework": item.get_did_homework_display(),
            "comment": item.comment,
        }


class RoomLinkView(ReportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """The session link and QR code to show in the room; they identify the session, not a person."""

    template_name = "evaluations/admin/room.html"
    header_icon = "link"

    @cached_property
    def session(self):
        return visible_session_or_404(self.request.user, self.kwargs["pk"])

    def get_page_title(self):
        return _("Session link for %(session)s") % {"session": self.session}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("evaluation_reports:index"), "label": _("Evaluations")},
            {"url": reverse("evaluation_reports:session", args=[self.session.pk]), "label": str(self.session)},
            {"url": "", "label": _("Session link")},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        token = service.room_token(self.session)
        links = []
        for code, label in (("nl", _("Dutch")), ("en", _("English"))):
            with translation.override(code):
                url = self.request.build_absolute_uri(reverse("evaluation:room", args=[token]))
            links.append({"label": label, "url": url, "qr": segno.make(url, error="m").svg_inline(scale=5)})
        context.update(session=self.session, links=links, closes_at=service.closes_at(self.session))
        return context


def too_few_message():
    return _(
        "Too few answers to show: figures, success factors and written answers appear from %(k)s answers, so that "
        "nobody can be recognised by what they wrote. The answers count toward the training's report."
    ) % {"k": service.min_group_size()}


class NotAnsweredView(ReportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """Who has not answered yet by their personal link, for the reminder: coordinators only, and on a page of its
    own, never beside the answers of the same group."""

    template_name = "evaluations/admin/not_answered.html"
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        if not roles.is_coordinator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Not answered yet")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("evaluation_reports:index"), "label": _("Evaluations")},
            {"url": reverse(self.report_url_name, args=[self.kwargs["pk"]]), "label": self.get_report_title()},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            names=service.non_respondent_names(self.get_sessions()),
            report_title=self.get_report_title(),
            report_url=reverse(self.report_url_name, args=[self.kwargs["pk"]]),
        )
        return context


class SessionNotAnsweredView(SessionScopeMixin, NotAnsweredView):
    pass


class TrainingNotAnsweredView(TrainingScopeMixin, NotAnsweredView):
    pass


def group_results_for(user, queryset=None):
    """Group results of the sessions this user may see (workshops.roles: coordinators all, trainers their own)."""
    queryset = GroupResult.objects.all() if queryset is None else queryset
    return queryset.filter(session__in=visible_sessions(user))


class OwnSessionsFormMixin:
    """The session a group result belongs to is chosen among the sessions this user may see."""

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        if "session" in form.fields:
            form.fields["session"].queryset = visible_sessions(
                self.request.user, Session.objects.select_related("training", "lesson")
            ).order_by("-starts_at")
        return form


class OwnGroupResultMixin:
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not group_results_for(self.request.user).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj


class GroupResultIndexView(IndexView):
    def get_base_queryset(self):
        return group_results_for(self.request.user, super().get_base_queryset())


class GroupResultEditView(OwnGroupResultMixin, OwnSessionsFormMixin, EditView):
    pass


class GroupResultDeleteView(OwnGroupResultMixin, DeleteView):
    pass


class GroupResultCreateView(OwnSessionsFormMixin, CreateView):
    """Opened from a session's report with ?session=<id>: that session is chosen already."""

    def get_initial_form_instance(self):
        session_id = self.request.GET.get("session", "")
        if session_id.isdigit() and visible_sessions(self.request.user).filter(pk=int(session_id)).exists():
            return GroupResult(session_id=int(session_id))
        return super().get_initial_form_instance()


class GroupResultViewSet(ModelViewSet):
    """The facilitator records the group's flip charts per session (three columns, top three, actions)."""

    model = GroupResult
    icon = "group"
    menu_label = _("Group results")
    add_to_admin_menu = False
    name = "evaluation_group_results"
    list_display = ["session", "updated_at"]
    list_filter = ["session__training"]
    ordering = ["-session__starts_at"]
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = GroupResultIndexView
    add_view_class = GroupResultCreateView
    edit_view_class = GroupResultEditView
    delete_view_class = GroupResultDeleteView


def report_urls():
    """The report screens, mounted under /admin/evaluation-reports/ by wagtail_hooks.py."""
    return [
        path("", EvaluationIndexView.as_view(), name="index"),
        path("session/<int:pk>/", SessionReportView.as_view(), name="session"),
        path("session/<int:pk>/export/", ExportView.as_view(), name="session_export"),
        path("session/<int:pk>/room-link/", RoomLinkView.as_view(), name="room"),
        path("training/<int:pk>/", TrainingReportView.as_view(), name="training"),
        path("training/<int:pk>/export/", ExportView.as_view(by_training=True), name="training_export"),
        path("session/<int:pk>/texts/", SessionReportListView.as_view(kind="texts"), name="session_texts"),
        path("session/<int:pk>/actions/", SessionReportListView.as_view(kind="actions"), name="session_actions"),
        path("training/<int:pk>/texts/", TrainingReportListView.as_view(kind="texts"), name="training_texts"),
        path("training/<int:pk>/actions/", TrainingReportListView.as_view(kind="actions"), name="training_actions"),
        path("session/<int:pk>/not-answered/", SessionNotAnsweredView.as_view(), name="session_not_answered"),
        path("training/<int:pk>/not-answered/", TrainingNotAnsweredView.as_view(), name="training_not_answered"),
    ]


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_read_reports(request.user)


class GroupResultsMenuItem(MenuItem):
    def is_shown(self, request):
        return group_result_policy.user_has_permission(request.user, "view")
