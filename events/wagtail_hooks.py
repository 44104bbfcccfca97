"""Admin wiring of the event engine: templates, rules, the outbox (resend / cancel), the dashboard figures,
"send now" with progress, and the per-scope page (e.g. a session: who is prepared, what was sent)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from events import admin_views
from events.models import EventLog, MailRule, MailTemplate, OutboxMail
from events.services import outbox


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Outbox rows and log entries are written by the engine only; people look at them (and resend/cancel)."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete", "copy", "lock", "unlock", "publish"):
            return False
        if action == "view":
            return user.has_perm(self._get_permission_name("view")) or user.has_perm(
                self._get_permission_name("change")
            )
        return super().user_has_permission(user, action)


register_permission_policy(OutboxMail, ReadOnlyPolicy(OutboxMail), exact_class=True)
register_permission_policy(EventLog, ReadOnlyPolicy(EventLog), exact_class=True)


class MailTemplateViewSet(SnippetViewSet):
    model = MailTemplate
    icon = "mail"
    menu_label = _("Mail templates")
    list_display = ["name", "subject_nl", "subject_en", "updated_at"]
    search_fields = ["name", "subject_nl", "subject_en"]


class MailRuleViewSet(SnippetViewSet):
    model = MailRule
    icon = "time"
    menu_label = _("Mail rules")
    # the key is a code for the programme (in English): the form shows it, the listing names the rule
    list_display = ["name", "trigger", "offset_hours", "audience", "template", "training_key", "is_active"]
    list_filter = {"trigger": ["exact"], "is_active": ["exact"]}


class OutboxViewSet(SnippetViewSet):
    model = OutboxMail
    icon = "mail"
    menu_label = _("Outbox")
    inspect_view_enabled = True
    # the subject people read, not the internal scope ("session:12"), which stays a filter
    list_display = [
        admin_views.SubjectColumn("subject", label=_("Subject")),
        "rule",
        "to_email",
        "language",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    ]
    search_fields = ["to_email", "subject", "scope"]

    def get_queryset(self, request):
        return OutboxMail.objects.select_related("rule__template")  # the subject column reads the template

    search_backend_name = None  # plain database filtering: the outbox is not in the search index
    list_filter = {"status": ["exact"], "rule": ["exact"], "scope": ["exact"]}
    inspect_view_fields = [
        "rule",
        "scope",
        "recipient_key",
        "to_email",
        "language",
        "subject",
        "body_text",
        "status",
        "attempts",
        "last_error",
        "due_at",
        "sent_at",
        "message_id",
        "created_at",
    ]


class EventLogViewSet(SnippetViewSet):
    model = EventLog
    icon = "list-ul"
    menu_label = _("Event log")
    inspect_view_enabled = True
    list_display = ["at", "action", "object_type", "object_id"]
    list_filter = {"action": ["exact"], "object_type": ["exact"]}


class EventsGroup(SnippetViewSetGroup):
    menu_label = _("Mail")
    menu_icon = "mail"
    menu_order = 400
    items = (OutboxViewSet, MailRuleViewSet, MailTemplateViewSet, EventLogViewSet)


register_snippet(EventsGroup)


# --- resend / cancel ------------------------------------------------------------------------------------------
class _OutboxAction(SnippetBulkAction):
    models = [OutboxMail]
    template_name = "events/admin/confirm_outbox_action.html"
    allowed_status: tuple = ()

    def check_perm(self, obj):
        return self.request.user.has_perm("events.change_outboxmail") and obj.status in self.allowed_status

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_label"] = self.display_name
        return context


@hooks.register("register_bulk_action")
class ResendBulkAction(_OutboxAction):
    display_name = _("Resend")
    action_type = "resend"
    aria_label = _("Resend the selected failed mails")
    action_priority = 10
    allowed_status = (OutboxMail.Status.FAILED, OutboxMail.Status.CANCELLED)

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        return outbox.resend([obj.pk for obj in objects]), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext("%(n)d mail queued again.", "%(n)d mails queued again.", num_parent_objects) % {
            "n": num_parent_objects
        }


@hooks.register("register_bulk_action")
class CancelBulkAction(_OutboxAction):
    display_name = _("Cancel")
    action_type = "cancel"
    aria_label = _("Cancel the selected queued mails")
    action_priority = 20
    classes = {"serious"}
    allowed_status = (OutboxMail.Status.QUEUED,)

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        return outbox.cancel([obj.pk for obj in objects]), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext("%(n)d mail cancelled.", "%(n)d mails cancelled.", num_parent_objects) % {
            "n": num_parent_objects
        }


# --- dashboard ---------------------------------------------------------------------------------------------
class DeliveryPanel(Component):
    name = "mail_delivery"
    template_name = "events/admin/delivery_panel.html"
    order = 150

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        figures = outbox.delivery_figures()
        outbox_index = reverse("wagtailsnippets_events_outboxmail:list")
        context.update(
            {
                "figures": [(OutboxMail.Status(status).label, status, count) for status, count in figures.items()],
                "failed": figures.get(OutboxMail.Status.FAILED, 0),
                "outbox_index": outbox_index,
                "health": outbox.delivery_health(),
            }
        )
        return context


@hooks.register("construct_homepage_panels")
def add_delivery_panel(request, panels):
    if request.user.has_perm("events.view_outboxmail") or request.user.has_perm("events.change_outboxmail"):
        panels.append(DeliveryPanel())


# --- send now, progress, scope page --------------------------------------------------------------------------
@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("events/send-now/", admin_views.send_now, name="events_send_now"),
        path("events/progress/", admin_views.progress, name="events_progress"),
        path("events/scope/<str:scope>/", admin_views.scope, name="events_scope"),
    ]


class SendNowMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("events.change_outboxmail")


@hooks.register("register_admin_menu_item")
def send_now_menu_item():
    return SendNowMenuItem(_("Send mail now"), reverse("events_send_now"), icon_name="mail", order=410)
