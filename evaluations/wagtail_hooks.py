"""Admin wiring of the evaluations app: the report screens, the group results and their menu."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from . import admin_views

group_result_viewset = admin_views.GroupResultViewSet()


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
    return {"evaluation_names": removed}
