"""Admin chrome that belongs to no app: every menu label names one place only.

Wagtail lists "Workflows" and "Workflow tasks" twice, once under Reports and once under Settings; in the reports
menu they are called reports, so an editor can tell the two apart (the menu test checks that no label repeats).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

REPORT_LABELS = {"workflows": _("Workflow report"), "workflow-tasks": _("Workflow task report")}


@hooks.register("construct_reports_menu")
def name_the_workflow_reports(request, menu_items):
    for item in menu_items:
        if item.name in REPORT_LABELS:
            item.label = REPORT_LABELS[item.name]
