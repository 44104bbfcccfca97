"""Admin wiring of the evaluations app: the report screens, the group results and their menu."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views
from .board import admin as board_admin
from .board_models import SuggestionSet, TrainingTeamTool

group_result_viewset = admin_views.GroupResultViewSet()


class SuggestionSetViewSet(SnippetViewSet):
    """The cheat sheets (NL and EN) the board and the evaluation form offer."""

    model = SuggestionSet
    icon = "list-ul"
    list_display = ["name", "is_default", "updated_at"]
    search_fields = ["name"]


class TrainingTeamToolViewSet(SnippetViewSet):
    """Per training: its suggestion set and the weeks until the follow-up of the actions."""

    model = TrainingTeamTool
    icon = "cog"
    list_display = ["training", "suggestion_set", "follow_up_weeks"]


class TeamToolSnippets(SnippetViewSetGroup):
    items = (SuggestionSetViewSet, TrainingTeamToolViewSet)
    menu_icon = "list-ul"
    menu_label = _("Team tool")
    menu_name = "team-tool"


register_snippet(TeamToolSnippets)


class BoardsMenuItem(MenuItem):
    def is_shown(self, request):
        return board_admin.may_facilitate(request.user)


@hooks.register("register_admin_urls")
def register_board_urls():
    return [path("team-board/", include((board_admin.admin_urls(), "team_board_admin"), namespace="team_board_admin"))]


@hooks.register("register_session_admin_buttons")
def team_board_button(session, user, priority):
    """A session's team board, from the sessions list and the session's own pages (trainers: their sessions only,
    as the list already is)."""
    if session.status == session.Status.CANCELLED or not board_admin.may_facilitate(user):
        return []
    url = reverse("team_board_admin:board", args=[session.pk])
    return [Button(_("Team board"), url=url, icon_name="table", priority=priority)]


@hooks.register("register_admin_viewset")
def register_group_result_viewset():
    return group_result_viewset


@hooks.register("register_admin_urls")
def register_report_urls():
    urls = admin_views.report_urls()
    return [path("evaluation-reports/", include((urls, "evaluation_reports"), namespace="evaluation_reports"))]


@hooks.register("register_admin_menu_item")
def register_evaluation_menu():
    submenu = Menu(
        items=[
            admin_views.ReportsMenuItem(
                _("Evaluation reports"),
                reverse("evaluation_reports:index"),
                name="evaluation-reports",
                icon_name="doc-full",
            ),
            admin_views.GroupResultsMenuItem(
                _("Group results"),
                reverse("evaluation_group_results:index"),
                name="evaluation-group-results",
                icon_name="group",
            ),
            BoardsMenuItem(_("Team boards"), reverse("team_board_admin:index"), name="team-boards", icon_name="table"),
        ]
    )
    return SubmenuMenuItem(_("Evaluations"), submenu, name="evaluations", icon_name="doc-full-inverse", order=450)


@hooks.register("personal_data_snapshot")
def evaluation_counts():
    """The purge's before/after counts of the answers (they must stay) and of the names in them (they go)."""
    from django.db.models import Avg, Count

    from .models import EvaluationAnswer

    answers = EvaluationAnswer.objects.aggregate(
        total=Count("id"), avg_session=Avg("rating_session"), avg_material=Avg("rating_material")
    )
    return {
        "evaluation answers": answers["total"],
        "evaluation answers with a name": EvaluationAnswer.objects.exclude(respondent_name="").count(),
        "average session rating": round(answers["avg_session"], 2) if answers["avg_session"] is not None else None,
        "average material rating": round(answers["avg_material"], 2) if answers["avg_material"] is not None else None,
    }


@hooks.register("purge_session_personal_data")
def remove_names_from_answers(session_ids):
    """The names participants chose to add to their answers go; the answers stay, so the reports keep their figures."""
    from .models import EvaluationAnswer

    removed = (
        EvaluationAnswer.objects.filter(session_id__in=session_ids)
        .exclude(respondent_name="")
        .update(respondent_name="")
    )
    return {"evaluation_names": removed, **remove_names_from_boards(session_ids)}


def remove_names_from_boards(session_ids):
    """The team board follows the session's retention: first names, action owners and addresses go; the notes,
    the group result's items and the follow-up answers stay (they name no one)."""
    from .board_models import Board, BoardAction, BoardMember
    from .models import GroupAction

    return {
        "board_names": BoardMember.objects.filter(board__session_id__in=session_ids)
        .exclude(first_name="")
        .update(first_name=""),
        "board_owners": BoardAction.objects.filter(board__session_id__in=session_ids)
        .exclude(owner="", owner_email="")
        .update(owner="", owner_email=""),
        "board_contacts": Board.objects.filter(session_id__in=session_ids)
        .exclude(contact_email="")
        .update(contact_email=""),
        "group_action_owners": GroupAction.objects.filter(result__session_id__in=session_ids)
        .exclude(owner="", owner_email="")
        .update(owner="", owner_email=""),
    }
