"""Who may see and do what in the admin: the one place that says it.

The groups are made by migrations (0003 for Coordinators and Trainers, the evaluations app for its permissions):

| group        | may see                                                     | may do                             |
| ------------ | ----------------------------------------------------------- | ---------------------------------- |
| Editors      | pages, snippets, media                                      | edit and publish content           |
| Coordinators | every session, participant, school request, mail, report    | schedule, cancel, propose, remind  |
| Trainers     | the sessions they train, their participants and evaluations | check in, record group results     |

A *coordinator* is anyone who may change sessions (the Coordinators group holds that permission; a superuser has
every permission). Everyone else who reaches a session screen is a *trainer* and sees only the sessions they
train. The checks are built on Wagtail's permission policies (`wagtail.permission_policies`), so "may this user
do X to model Y" is asked the same way the admin's own views ask it.

Admin views, services and reports ask this module; none of them defines a role of its own.
"""

from __future__ import annotations

from wagtail.permission_policies import ModelPermissionPolicy

from workshops.models import Registration, SchoolBookingRequest, Session

EDITORS = "Editors"
COORDINATORS = "Coordinators"
TRAINERS = "Trainers"


class SessionPermissionPolicy(ModelPermissionPolicy):
    """Model permissions on sessions, with the rows a user may reach: all for coordinators, their own for trainers."""

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model.objects.none()
        return own_sessions(user, self.model.objects.all())

    def user_has_permission_for_instance(self, user, action, instance):
        return self.instances_user_has_permission_for(user, action).filter(pk=instance.pk).exists()


session_policy = SessionPermissionPolicy(Session)
registration_policy = ModelPermissionPolicy(Registration)
school_request_policy = ModelPermissionPolicy(SchoolBookingRequest)


def is_coordinator(user) -> bool:
    """May see every session and act on it (schedule, cancel, duplicate, cancel registrations, see non-respondents)."""
    return bool(user and user.is_active) and session_policy.user_has_permission(user, "change")


def own_sessions(user, queryset=None):
    """The sessions among `queryset` this user may see: all for coordinators, the ones they train for trainers."""
    queryset = Session.objects.all() if queryset is None else queryset
    if is_coordinator(user):
        return queryset
    if not (user and user.is_active and user.is_authenticated):
        return queryset.none()
    return queryset.filter(trainers=user)


def sessions_for(user):
    """The sessions this user may see in the admin, with what their list shows."""
    return own_sessions(user, Session.objects.select_related("training", "lesson"))


def registrations_for(user, queryset=None):
    """Registrations of the sessions this user may see."""
    if queryset is None:
        queryset = Registration.objects.select_related("session", "session__training", "session__lesson")
    if is_coordinator(user):
        return queryset
    if not (user and user.is_active and user.is_authenticated):
        return queryset.none()
    return queryset.filter(session__trainers=user)


def may_handle_school_requests(user) -> bool:
    """Propose dates and trainers to schools, withdraw requests."""
    return bool(user and user.is_active) and school_request_policy.user_has_permission(user, "change")


def coordinators():
    """The people who coordinate (active, may change sessions), for the notices they are mailed; site
    superusers are not mailed for being superusers."""
    return session_policy.users_with_permission("change").filter(is_superuser=False)


def trainers():
    """Active users in the Trainers group: the people a session or a school proposal can name as trainer."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(groups__name=TRAINERS, is_active=True).distinct()
