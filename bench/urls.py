"""The site's URLs plus the floors: a bare Django view that does nothing but answer, and the registration form's
work without the booking (the booking benchmark's floor)."""

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from cms.urls import urlpatterns as site_urlpatterns
from workshops.forms import RegistrationForm


def bare(request):
    return HttpResponse(b"<!DOCTYPE html><html lang=nl><title>ok</title><p>ok</p></html>", content_type="text/html")


@require_POST
def registration_floor(request, session_id):
    """What a registration POST costs without the booking: the same middleware (sessions, CSRF, locale), the same
    RegistrationForm validated, and a redirect; nothing is read from or written to the database."""
    if not RegistrationForm(request.POST).is_valid():
        return HttpResponseBadRequest(b"invalid form")
    return redirect("bench_bare")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/registration-floor/<int:session_id>/", registration_floor, name="bench_registration_floor"),
    *site_urlpatterns,
]
