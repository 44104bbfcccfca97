"""Public URLs of the workshops app (included from cms/urls.py inside i18n_patterns).

The paths are translated (msgctxt "URL path"): Dutch at the site root, English under /en/. The paths /en/ used
before (the Dutch ones) redirect permanently to the English ones, so links in mails sent earlier keep working.
"""

from django.urls import path
from django.utils.translation import pgettext_lazy

from cms.i18n_urls import old_path

from . import feed_views, homework_views, views

app_name = "workshops"
urlpatterns = [
    path(pgettext_lazy("URL path", "trainings/session/<int:session_id>/register/"), views.register, name="register"),
    path(
        pgettext_lazy("URL path", "trainings/session/<int:session_id>/calendar.ics"),
        views.session_calendar,
        name="session_ics",
    ),
    path(
        pgettext_lazy("URL path", "trainings/<int:training_id>/calendar.ics"),
        feed_views.training_calendar,
        name="training_calendar",
    ),
    path("calendar.ics", views.calendar_feed, name="calendar"),
    path(pgettext_lazy("URL path", "registered/<str:token>/"), views.registered, name="registered"),
    path(pgettext_lazy("URL path", "my-registration/<str:token>/"), views.manage, name="manage"),
    path(pgettext_lazy("URL path", "my-registration/<str:token>/calendar.ics"), views.manage_ics, name="manage_ics"),
    path(pgettext_lazy("URL path", "my-registration/<str:token>/cancel/"), views.cancel, name="cancel"),
    path(pgettext_lazy("URL path", "homework/<str:token>/<slug:kind>/"), homework_views.open_homework, name="homework"),
    path(
        pgettext_lazy("URL path", "lessons/<int:lesson_id>/school-request/"),
        views.school_request,
        name="school_request",
    ),
    path(pgettext_lazy("URL path", "school-request/sent/"), views.school_request_sent, name="school_request_sent"),
    path(pgettext_lazy("URL path", "school-request/<str:token>/"), views.school_response, name="school_response"),
    # The Dutch paths that /en/ answered before its paths were translated (in Dutch the patterns above match first).
    old_path("trainingen/sessie/<int:session_id>/aanmelden/", "workshops:register"),
    old_path("trainingen/sessie/<int:session_id>/agenda.ics", "workshops:session_ics"),
    old_path("aangemeld/<str:token>/", "workshops:registered"),
    old_path("mijn-aanmelding/<str:token>/", "workshops:manage"),
    old_path("mijn-aanmelding/<str:token>/agenda.ics", "workshops:manage_ics"),
    old_path("huiswerk/<str:token>/<slug:kind>/", "workshops:homework"),
    old_path("lessen/<int:lesson_id>/schoolaanvraag/", "workshops:school_request"),
    old_path("schoolaanvraag/verstuurd/", "workshops:school_request_sent"),
    old_path("schoolaanvraag/<str:token>/", "workshops:school_response"),
]
