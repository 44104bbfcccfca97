"""Public URLs of the workshops app (included from cms/urls.py inside i18n_patterns)."""

from django.urls import path

from . import homework_views, views

app_name = "workshops"
urlpatterns = [
    path("trainingen/sessie/<int:session_id>/aanmelden/", views.register, name="register"),
    path("trainingen/sessie/<int:session_id>/agenda.ics", views.session_calendar, name="session_ics"),
    path("calendar.ics", views.calendar_feed, name="calendar"),
    path("aangemeld/<str:token>/", views.registered, name="registered"),
    path("mijn-aanmelding/<str:token>/", views.manage, name="manage"),
    path("mijn-aanmelding/<str:token>/agenda.ics", views.manage_ics, name="manage_ics"),
    path("huiswerk/<str:token>/<slug:kind>/", homework_views.open_homework, name="homework"),
    path("lessen/<int:lesson_id>/schoolaanvraag/", views.school_request, name="school_request"),
    path("schoolaanvraag/verstuurd/", views.school_request_sent, name="school_request_sent"),
    path("schoolaanvraag/<str:token>/", views.school_response, name="school_response"),
]
