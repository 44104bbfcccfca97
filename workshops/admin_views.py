"""The coordinator's admin screens: sessions, participants (check-in, export), school requests.

Who sees what is decided in workshops/roles.py: coordinators see everything; trainers see only the sessions they
train and those sessions' participants.
"""

from __future__ import annotations

import csv
import datetime

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views.generic import EditView, IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateTimeInput, Button
from wagtail.log_actions import log

from workshops import roles
from workshops.choosers import session_chooser_viewset
from workshops.mail import describe_change
from workshops.models import SHOWN_TZ, Registration, SchoolBookingRequest, Session
from workshops.services import booking, schools, sessions

# who may see and do what: workshops/roles.py (kept importable from here for the screens that used these names)
is_coordinator = roles.is_coordinator
sessions_for = roles.sessions_for
registrations_for = roles.registrations_for
trainer_users = roles.trainers


def _local(value):
    return timezone.localtime(value, SHOWN_TZ).replace(tzinfo=None) if isinstance(value, datetime.datetime) else value


# --- sessions -------------------------------------------------------------------------------------------------
class SessionFilterSet(WagtailFilterSet):
    upcoming = django_filters.BooleanFilter(label=_("Upcoming"), method="filter_upcoming")
    training = django_filters.ModelChoiceFilter(
        label=_("Training"), queryset=lambda request: _training_pages(), field_name="training"
    )
    trainer = django_filters.ModelChoiceFilter(
        label=_("Trainer"), queryset=lambda request: trainer_users(), field_name="trainers"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Session.Status.choices)

    class Meta:
        model = Session
        fields = []

    def filter_upcoming(self, queryset, name, value):
        now = timezone.now()
        if value is True:
            return queryset.filter(starts_at__gte=now)
        if value is False:
            return queryset.filter(starts_at__lt=now)
        return queryset


def _training_pages():
    return Session._meta.get_field("training").related_model.objects.all()


class SeatsColumn(Column):
    def get_value(self, instance):
        taken, waiting = instance.seats_taken_count, instance.waiting_count  # annotated by SessionIndexView
        seats = f"{taken}/{instance.capacity}" if instance.capacity is not None else f"{taken}/∞"
        return f"{seats} (+{waiting})" if waiting else seats


class SessionStatusColumn(Column):
    """A scheduled session whose end has passed reads "took place", not "scheduled"."""

    def get_value(self, instance):
        if instance.status == Session.Status.SCHEDULED and instance.ends_at and instance.ends_at <= timezone.now():
            return gettext("took place")
        return instance.get_status_display()


def visibility(session) -> str:
    """Whether visitors see the session: shown, private (a school's lesson) or hidden (its training is a draft)."""
    if not session.is_public:
        return "private"
    if session.training_id and not session.training.live:
        return "hidden"
    return "shown"


VISIBILITY_LABELS = {
    "shown": _("Shown on the site"),
    "private": _("Private"),
    "hidden": _("Hidden: training not published"),
}


class VisibilityColumn(StatusTagColumn):
    """A tag that marks sessions under a draft or unpublished training: visitors cannot see or book them."""

    def __init__(self, **kwargs):
        super().__init__("visibility", label=_("On the site"), primary=lambda session: visibility(session) == "shown")

    def get_value(self, instance):
        return VISIBILITY_LABELS[visibility(instance)]


def mail_overview_url(session) -> str:
    """The session's mail and preparation overview (the event engine's scope page)."""
    return reverse("events_scope", args=[session.scope])


class LocalTimeColumn(Column):
    def get_value(self, instance):
        value = super().get_value(instance)
        return timezone.localtime(value, SHOWN_TZ).strftime("%Y-%m-%d %H:%M") if value else ""


class SessionIndexView(IndexView):
    def get_base_queryset(self):
        return sessions_for(self.request.user).annotate(
            seats_taken_count=Count("registrations", filter=Q(registrations__status__in=Registration.HOLDS_SEAT)),
            waiting_count=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)),
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            Button(
                _("Participants"),
                url=reverse("workshops_session:participants", args=[instance.pk]),
                icon_name="group",
                priority=5,
            )
        )
        buttons.append(Button(_("Mail and preparation"), url=mail_overview_url(instance), icon_name="mail", priority=6))
        buttons.extend(other_apps_session_buttons(instance, self.request.user, 7))
        if is_coordinator(self.request.user):
            buttons.append(
                Button(
                    _("Duplicate"),
                    url=reverse("workshops_session:duplicate", args=[instance.pk]),
                    icon_name="copy",
                    priority=25,
                )
            )
            if instance.status == Session.Status.SCHEDULED:
                buttons.append(
                    Button(
                        _("Cancel session"),
                        url=reverse("workshops_session:cancel", args=[instance.pk]),
                        icon_name="cross",
                        priority=35,
                    )
                )
        return buttons


SESSION_BUTTONS_HOOK = "register_session_admin_buttons"


def other_apps_session_buttons(session, user, priority: int) -> list[Button]:
    """Buttons other apps add to a session (the evaluations app: its team board), through a Wagtail hook, so this
    app does not import them: `@hooks.register("register_session_admin_buttons")` with `fn(session, user,
    priority)` returning a list of Buttons."""
    buttons = []
    for hook in hooks.get_hooks(SESSION_BUTTONS_HOOK):
        buttons.extend(hook(session, user, priority))
    return buttons


def session_header_buttons(session, user=None) -> list[Button]:
    """The session's own screens, from its edit and inspect pages."""
    return [
        Button(
            _("Participants"),
            url=reverse("workshops_session:participants", args=[session.pk]),
            icon_name="group",
            priority=40,
        ),
        Button(_("Mail and preparation"), url=mail_overview_url(session), icon_name="mail", priority=41),
        *(other_apps_session_buttons(session, user, 42) if user is not None else []),
    ]


class SessionEditView(EditView):
    """Saving a change of time, place, meeting link or language first says who will be told and asks to confirm;
    the change is then saved and announced by `workshops.services.sessions.save`. A capacity below the confirmed
    count asks whether to keep everyone or to move the latest confirmed people back to the waiting list."""

    template_name = "workshops/admin/session_edit.html"
    change_plan = None
    outcome = None

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not sessions_for(self.request.user).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj

    @cached_property
    def header_more_buttons(self):
        return super().header_more_buttons + session_header_buttons(self.object, self.request.user)

    def form_valid(self, form):
        plan = sessions.plan(self.object, {name: form.cleaned_data.get(name) for name in sessions.TOLD_FIELDS})
        if plan.people and form.cleaned_data.get("confirm_change") != plan.fingerprint:
            # not saved yet: show who will be told, and let the next submit confirm exactly this change
            data = form.data.copy()
            data["confirm_change"] = plan.fingerprint
            form.data = data
            self.change_plan = plan
            self.form = form
            self.object = Session.objects.get(pk=self.object.pk)  # the header names the session as it still is
            return self.render_to_response(self.get_context_data(form=form))
        return super().form_valid(form)

    def save_instance(self):
        data = self.form.cleaned_data
        outcome = sessions.save(
            self.object.pk,
            {name: data[name] for name in sessions.EDITABLE_FIELDS if name in data},
            trainers=data.get("trainers"),
            capacity=data.get("capacity"),
            demote=data.get("over_capacity") == SessionForm.DEMOTE,
        )
        log(instance=outcome.session, action="wagtail.edit", user=self.request.user, content_changed=True)
        self.outcome = outcome
        return outcome.session

    def get_success_message(self):
        message = super().get_success_message()
        outcome = self.outcome
        if outcome is None:
            return message
        notes = [message]
        if outcome.told:
            notes.append(
                ngettext(
                    "%(count)d person is being told about the change.",
                    "%(count)d people are being told about the change.",
                    outcome.told,
                )
                % {"count": outcome.told}
            )
        if outcome.demoted:
            notes.append(
                ngettext(
                    "%(count)d person moved back to the waiting list and is being mailed.",
                    "%(count)d people moved back to the waiting list and are being mailed.",
                    len(outcome.demoted),
                )
                % {"count": len(outcome.demoted)}
            )
        if outcome.promoted:
            notes.append(
                ngettext(
                    "%(count)d person from the waiting list got a seat and is being mailed.",
                    "%(count)d people from the waiting list got a seat and are being mailed.",
                    len(outcome.promoted),
                )
                % {"count": len(outcome.promoted)}
            )
        return " ".join(notes)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["visibility"] = visibility(self.object)
        context["visibility_label"] = VISIBILITY_LABELS[context["visibility"]]
        plan = self.change_plan
        if plan is not None:
            language = translation.get_language() or "nl"
            context["change_plan"] = plan
            context["change_lines"] = describe_change(plan.before, plan.after, plan.changed, language)
            context["submit_button_label"] = ngettext(
                "Save and tell %(count)d person", "Save and tell %(count)d people", plan.people
            ) % {"count": plan.people}
        return context


class SessionInspectView(InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(sessions_for(self.request.user), pk=self.pk)

    @cached_property
    def header_more_buttons(self):
        return super().header_more_buttons + session_header_buttons(self.object, self.request.user)

    def get_field_label(self, field_name, field):
        if field_name == "is_public":
            return gettext("On the site")
        return super().get_field_label(field_name, field)

    def get_is_public_display_value(self):
        return VISIBILITY_LABELS[visibility(self.object)]


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = [
            "training",
            "lesson",
            "starts_at",
            "ends_at",
            "mode",
            "meeting_url",
            "address",
            "language",
            "capacity",
            "trainers",
            "status",
            "is_public",
        ]
        widgets = {"starts_at": AdminDateTimeInput, "ends_at": AdminDateTimeInput}

    KEEP, DEMOTE = "keep", "demote"
    # the fingerprint of the change the coordinator saw and confirmed ("N people will be told")
    confirm_change = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.pop("for_user", None)
        super().__init__(*args, **kwargs)
        self.fields["trainers"].queryset = trainer_users()
        self.fields["trainers"].widget = forms.CheckboxSelectMultiple(choices=self.fields["trainers"].choices)
        self.fields["trainers"].help_text = _("Users in the Trainers group.")
        # Cancelling is its own action (it mails everyone), never a silent status change.
        choices = [c for c in Session.Status.choices if c[0] != Session.Status.CANCELLED]
        if self.instance.pk and self.instance.status == Session.Status.CANCELLED:
            choices = Session.Status.choices
        self.fields["status"].choices = choices
        self.over = self._over_capacity()
        if self.over:
            self._ask_about_capacity(self.over)

    def _over_capacity(self) -> int:
        """How many confirmed people the posted capacity leaves without a seat (0 when it is not lowered)."""
        if not (self.is_bound and self.instance.pk):
            return 0
        raw = str(self.data.get(self.add_prefix("capacity"), "") or "").strip()
        if not raw.isdigit():
            return 0
        return booking.over_capacity(self.instance, int(raw))

    def _ask_about_capacity(self, over: int) -> None:
        """Nobody is moved silently: the coordinator chooses to keep everyone or to move the latest back."""
        field = forms.ChoiceField(
            label=ngettext(
                "%(count)d confirmed person has no seat with this capacity",
                "%(count)d confirmed people have no seat with this capacity",
                over,
            )
            % {"count": over},
            choices=[
                (self.KEEP, gettext("Keep everyone: more people than seats")),
                (
                    self.DEMOTE,
                    ngettext(
                        "Move the latest confirmed person back to the top of the waiting list (they are mailed)",
                        "Move the latest %(count)d confirmed people back to the top of the waiting list "
                        "(they are mailed)",
                        over,
                    )
                    % {"count": over},
                ),
            ],
            widget=forms.RadioSelect,
            error_messages={"required": gettext("Choose whether to keep everyone or to move people back.")},
        )
        fields = list(self.fields.items())
        position = [name for name, _field in fields].index("capacity") + 1
        fields.insert(position, ("over_capacity", field))
        self.fields = dict(fields)


class SessionViewSet(ModelViewSet):
    model = Session
    icon = "date"
    menu_label = _("Sessions")
    name = "workshops_session"
    url_prefix = "workshops/sessions"
    index_view_class = SessionIndexView
    edit_view_class = SessionEditView
    inspect_view_class = SessionInspectView
    inspect_view_enabled = True
    filterset_class = SessionFilterSet
    ordering = ["-starts_at"]
    list_display = [
        "__str__",
        LocalTimeColumn("starts_at", label=_("Starts at"), sort_key="starts_at"),
        SessionStatusColumn("status", label=_("Status"), sort_key="status"),
        "is_public",
        VisibilityColumn(),
        SeatsColumn("seats", label=_("Seats taken (+ waiting)")),
    ]
    inspect_view_fields = [
        "training",
        "lesson",
        "is_public",
        "starts_at",
        "ends_at",
        "mode",
        "address",
        "language",
        "capacity",
    ]

    def get_form_class(self, for_update=False):
        return SessionForm

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("participants/<int:pk>/", ParticipantsView.as_view(), name="participants"),
            path("cancel/<int:pk>/", CancelSessionView.as_view(), name="cancel"),
            path("duplicate/<int:pk>/", DuplicateSessionView.as_view(), name="duplicate"),
        ]


class ParticipantsView(WagtailAdminTemplateMixin, TemplateView):
    """The participant list of one session with statuses and check-in; trainers only for their own sessions."""

    template_name = "workshops/admin/participants.html"
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        self.session = get_object_or_404(sessions_for(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Participants")

    def get_page_subtitle(self):
        return str(self.session)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("workshops_session:index"), "label": _("Sessions")},
            {"url": "", "label": _("Participants")},
        ]

    def post(self, request, *args, **kwargs):
        registration = get_object_or_404(self.session.registrations, pk=request.POST.get("registration"))
        action = request.POST.get("action")
        if action in ("attended", "no_show"):
            booking.check_in(registration.pk, attended=action == "attended")
            messages.success(request, _("Attendance saved."))
        elif action == "cancel" and is_coordinator(request.user):
            booking.cancel_registration(registration.pk)
            messages.success(request, _("Registration cancelled; the waiting list has moved up."))
        return redirect("workshops_session:participants", self.session.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registrations = list(self.session.registrations.order_by("created_at", "id"))
        export_url = reverse("workshops_registration:index") + f"?session={self.session.pk}"
        context.update(
            {
                "session": self.session,
                "registrations": registrations,
                "counts": {
                    label: sum(1 for r in registrations if r.status == value)
                    for value, label in Registration.Status.choices
                },
                "can_cancel": is_coordinator(self.request.user),
                "csv_url": export_url + "&export=csv",
                "xlsx_url": export_url + "&export=xlsx",
                "mail_url": mail_overview_url(self.session),
            }
        )
        return context


class CoordinatorOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not is_coordinator(request.user):
            raise PermissionDenied
        self.session = get_object_or_404(Session, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class CancelSessionView(CoordinatorOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then cancel the session: every confirmed and waiting participant is mailed."""

    template_name = "workshops/admin/cancel_session.html"
    header_icon = "cross"

    def get_page_title(self):
        return _("Cancel session")

    def get_page_subtitle(self):
        return str(self.session)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session"] = self.session
        context["affected"] = self.session.registrations.filter(status__in=Registration.ACTIVE).count()
        return context

    def post(self, request, *args, **kwargs):
        mailed = booking.cancel_session(self.session.pk)
        messages.success(request, _("Session cancelled; %(count)s participants are being mailed.") % {"count": mailed})
        return redirect("workshops_session:index")


class DuplicateSessionView(CoordinatorOnlyMixin, TemplateView):
    """Copy the session one week later and open the copy for editing."""

    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        copy = booking.duplicate_session(self.session.pk)
        messages.success(request, _("Session duplicated one week later; check the date and save."))
        return redirect("workshops_session:edit", copy.pk)

    post = get


# --- registrations (participants; the export lives here) --------------------------------------------------------
class RegistrationFilterSet(WagtailFilterSet):
    session = django_filters.ModelChoiceFilter(
        label=_("Session"), queryset=lambda request: sessions_for(request.user) if request else Session.objects.none()
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Registration.Status.choices)

    class Meta:
        model = Registration
        fields = []


class RegistrationIndexView(IndexView):
    def get_add_url(self):
        return None  # people register through the public form, where the seat rules live

    def get_base_queryset(self):
        return registrations_for(self.request.user)

    def to_row_dict(self, item):
        return {field: _local(value) for field, value in super().to_row_dict(item).items()}

    def stream_csv(self, queryset):
        """The CSV as the admin user's spreadsheet opens it: a UTF-8 byte order mark (accents survive), the list
        separator of their language (";" in Dutch, where the comma is the decimal sign), headings and values in
        their language. Streamed after the view returns, so the language is kept for the whole stream."""
        language = translation.get_language() or "nl"
        delimiter = csv_delimiter(language)

        def rows():
            with translation.override(language):
                writer = csv.DictWriter(Echo(), fieldnames=self.list_export, delimiter=delimiter)
                yield "\ufeff"
                yield writer.writerow({field: self.get_heading(queryset, field) for field in self.list_export})
                for item in queryset:
                    yield self.write_csv_row(writer, self.to_row_dict(item))

        return rows()

    def write_csv_response(self, queryset):
        response = StreamingHttpResponse(self.stream_csv(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.get_filename()}.csv"'
        return response


def csv_delimiter(language: str) -> str:
    """The list separator spreadsheets expect in this language: ";" where the comma is the decimal sign."""
    return "," if (language or "").split("-")[0] == "en" else ";"


class Echo:
    """A file-like object that hands back what the csv writer writes (for streaming)."""

    def write(self, value):
        return value


class RegistrationEditView(EditView):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not registrations_for(self.request.user).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj


class RegistrationViewSet(ModelViewSet):
    model = Registration
    icon = "group"
    menu_label = _("Participants")
    name = "workshops_registration"
    url_prefix = "workshops/participants"
    # personal data, reached through its session: no "usage" entries (and no reference-index write per booking)
    add_to_reference_index = False
    index_view_class = RegistrationIndexView
    edit_view_class = RegistrationEditView
    filterset_class = RegistrationFilterSet
    form_fields = ["name", "email", "organisation", "role", "language"]  # status changes go through services
    ordering = ["created_at", "id"]
    list_display = ["name", "session", "status", LocalTimeColumn("created_at", label=_("Registered at"))]
    search_fields = ["name", "email", "organisation"]
    export_filename = "participants"
    list_export = [
        "session",
        "session.starts_at",
        "name",
        "email",
        "organisation",
        "role",
        "get_language_display",
        "get_status_display",
        "created_at",
        "promoted_at",
        "cancelled_at",
        "homework_done_at",
    ]
    export_headings = {
        "session": _("Session"),
        "session.starts_at": _("Starts at"),
        "name": _("Name"),
        "email": _("E-mail address"),
        "organisation": _("Organisation"),
        "role": _("Role"),
        "get_language_display": _("Preferred language"),
        "get_status_display": _("Status"),
        "created_at": _("Registered at"),
        "promoted_at": _("Promoted from the waiting list at"),
        "cancelled_at": _("Cancelled at"),
        "homework_done_at": _("Homework done at"),
    }

    def get_urlpatterns(self):
        # No "add" screen: people register through the public form, where the seat rules live.
        return [pattern for pattern in super().get_urlpatterns() if getattr(pattern, "name", None) != "add"]


# --- school requests --------------------------------------------------------------------------------------------
class ProposalForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Start"), widget=AdminDateTimeInput)
    ends_at = forms.DateTimeField(label=_("End"), widget=AdminDateTimeInput)
    trainer = forms.ModelChoiceField(label=_("Trainer"), queryset=get_user_model().objects.none())
    address = forms.CharField(
        label=_("Address of the lesson"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = trainer_users()

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        if starts and starts <= timezone.now():
            self.add_error("starts_at", _("The proposed date must be in the future."))
        return cleaned


class SchoolRequestIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status in (SchoolBookingRequest.Status.REQUESTED, SchoolBookingRequest.Status.PROPOSED):
            buttons.append(
                Button(
                    _("Propose date and trainer"),
                    url=reverse("workshops_schoolrequest:propose", args=[instance.pk]),
                    icon_name="date",
                    priority=5,
                )
            )
        return buttons


class ProposeView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "workshops/admin/propose.html"
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        if not roles.may_handle_school_requests(request.user):
            raise PermissionDenied
        self.school_request = get_object_or_404(SchoolBookingRequest.objects.select_related("lesson"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Propose date and trainer")

    def get_page_subtitle(self):
        return str(self.school_request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request_obj = self.school_request
        initial = {"address": request_obj.proposed_address or f"{request_obj.school_name}\n{request_obj.town}"}
        if request_obj.proposed_starts_at:
            initial.update(
                starts_at=request_obj.proposed_starts_at,
                ends_at=request_obj.proposed_ends_at,
                trainer=request_obj.proposed_trainer,
            )
        context.setdefault("form", ProposalForm(initial=initial))
        context["school_request"] = request_obj
        context["index_url"] = reverse("workshops_schoolrequest:index")
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "withdraw":
            try:
                schools.withdraw(self.school_request.pk)
            except schools.TransitionError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The request is withdrawn."))
            return redirect("workshops_schoolrequest:index")
        form = ProposalForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                schools.propose(
                    self.school_request.pk,
                    schools.Proposal(
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        trainer=data["trainer"],
                        address=data["address"],
                    ),
                )
            except schools.TransitionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The proposal is mailed to the school."))
                return redirect("workshops_schoolrequest:index")
        return self.render_to_response(self.get_context_data(form=form))


class SchoolRequestViewSet(ModelViewSet):
    model = SchoolBookingRequest
    icon = "home"
    menu_label = _("School requests")
    name = "workshops_schoolrequest"
    url_prefix = "workshops/school-requests"
    add_to_reference_index = False  # personal data; nothing links to a request
    index_view_class = SchoolRequestIndexView
    inspect_view_enabled = True
    list_filter = ["status"]
    ordering = ["created_at", "id"]
    list_display = ["__str__", "lesson", "status", "date_1", LocalTimeColumn("created_at", label=_("Requested at"))]
    form_fields = ["remarks"]
    inspect_view_fields = [
        "lesson",
        "school_name",
        "contact_name",
        "email",
        "phone",
        "town",
        "school_type",
        "year_group",
        "groups",
        "pupils",
        "date_1",
        "part_of_day_1",
        "date_2",
        "part_of_day_2",
        "date_3",
        "part_of_day_3",
        "remarks",
        "status",
        "proposed_starts_at",
        "proposed_trainer",
        "session",
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("propose/<int:pk>/", ProposeView.as_view(), name="propose")]


class WorkshopsViewSetGroup(ViewSetGroup):
    menu_label = _("Workshops")
    menu_icon = "date"
    menu_order = 250
    items = (SessionViewSet, RegistrationViewSet, SchoolRequestViewSet)


@hooks.register("register_admin_viewset")
def register_workshops_viewsets():
    return WorkshopsViewSetGroup()


@hooks.register("register_admin_viewset")
def register_session_chooser():
    return session_chooser_viewset
