"""The session chooser of the admin: pick a session (e.g. for "send mail now") instead of typing "session:12".

Only the sessions the user may see are offered (workshops.roles): coordinators see all, trainers their own.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets import BaseChooser

from workshops import roles
from workshops.models import SHOWN_TZ, Session


class StartsColumn(Column):
    def get_value(self, instance):
        return instance.starts_at.astimezone(SHOWN_TZ).strftime("%Y-%m-%d %H:%M")


class _OwnSessions:
    """Newest first; only what the user may see."""

    def get_object_list(self):
        return roles.sessions_for(self.request.user).order_by("-starts_at")

    @property
    def columns(self):
        return [
            self.title_column,
            StartsColumn("starts_at", label=_("Starts at")),
            Column("status", label=_("Status"), accessor="get_status_display"),
        ]


class SessionChooseView(_OwnSessions, ChooseView):
    pass


class SessionChooseResultsView(_OwnSessions, ChooseResultsView):
    pass


class SessionChosenView(ChosenView):
    def get_object(self, pk):
        return get_object_or_404(roles.sessions_for(self.request.user), pk=pk)


class SessionChooser(BaseChooser):
    """A posted value that is no session id (a typed "session:12", a stale id) shows an empty chooser and a form
    error, never a server error."""

    def get_instance(self, value):
        try:
            return super().get_instance(value)
        except (ValueError, TypeError, ValidationError):
            return None


class SessionChooserViewSet(ChooserViewSet):
    model = Session
    base_widget_class = SessionChooser
    icon = "date"
    choose_one_text = _("Choose a session")
    choose_another_text = _("Choose another session")
    edit_item_text = _("Edit this session")
    choose_view_class = SessionChooseView
    choose_results_view_class = SessionChooseResultsView
    chosen_view_class = SessionChosenView
    per_page = 20


session_chooser_viewset = SessionChooserViewSet("workshops_session_chooser", url_prefix="workshops/choose-session")
