"""The team board's part of the evaluation report: the group results' download and the follow-up of the actions."""

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("evaluations/board/report_panel.html", takes_context=True)
def board_report_panel(context):
    """For the report of a session or a training: its follow-up status per session and the export links."""
    from evaluations.board.followup import status_rows
    from workshops.models import Session

    view = context.get("view")
    session = context.get("session")
    if session is not None:
        sessions = Session.objects.filter(pk=session.pk)
        name, pk = "team_board_admin:export_session", session.pk
    elif view is not None and hasattr(view, "training"):
        sessions = view.get_sessions()
        name, pk = "team_board_admin:export_training", view.training.pk
    else:
        return {"rows": [], "export_url": ""}
    return {
        "rows": status_rows(sessions),
        "export_url": reverse(name, args=[pk]),
        "board_url": reverse("team_board_admin:board", args=[session.pk]) if session is not None else "",
    }
