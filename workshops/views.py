"""Public views of the workshops app: registration, the personal manage page, calendars and school requests.

Views stay thin: they parse the request, call one service and render. Personal pages are reached through signed
links only; a forged or expired link renders a friendly page (404 or 410), never an error.
"""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from workshops import tokens
from workshops.forms import RegistrationForm, SchoolRequestForm
from workshops.ics import PUBLISH, feed_ics, participant_ics, public_session_ics
from workshops.mail import calendar_training, organisation_name, organiser_email
from workshops.models import Registration, SchoolBookingRequest, Session
from workshops.services import booking, schools

HOMEWORK_KINDS = [("podcast", _("Listen to the podcast")), ("background", _("Read the background information"))]
NOTICES = {
    "cancelled": _("Your registration has been cancelled. Thank you for letting us know."),
    "homework": _("Well done: your homework is marked as done."),
    "accepted": _("Thank you: the lesson is confirmed. We look forward to visiting your school."),
    "declined": _("Thank you for letting us know. We will contact you about another date."),
    "withdrawn": _("Your request has been withdrawn."),
}


def link_problem(request, reason: str):
    """The friendly page for a signed link that is forged (404) or expired (410)."""
    status = 410 if reason == tokens.EXPIRED else 404
    return render(request, "workshops/link_invalid.html", {"expired": reason == tokens.EXPIRED}, status=status)


def _public_session(session_id: int) -> Session:
    return get_object_or_404(Session.objects.select_related("training"), pk=session_id, is_public=True)


def _closed_reason(session: Session):
    try:
        booking.check_open(session)
    except booking.BookingError as error:
        return error.message
    return None


@require_http_methods(["GET", "POST"])
def register(request, session_id):
    """The registration form of one public session.

    A valid POST goes straight to the booking service, which locks the session, checks it is open and decides
    the place; the next page says which. The page (session, seats left) is only loaded to show the form again or
    to explain why registration is closed. When the session is too busy to decide in time, the form comes back
    with what the visitor typed and asks them to send it again."""
    form = closed = busy = None
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                registration = booking.register(
                    session_id,
                    booking.RegistrationData(
                        name=data["name"],
                        email=data["email"],
                        organisation=data["organisation"],
                        role=data["role"],
                        language=data["language"],
                    ),
                )
            except Session.DoesNotExist:
                raise Http404 from None
            except booking.DuplicateRegistration as error:
                form.add_error("email", error.message)
            except booking.SessionBusy as error:
                busy = error.message
            except booking.BookingError as error:
                closed = error.message
            else:
                return redirect("workshops:registered", token=tokens.make_token(registration, "manage"))
    session = _public_session(session_id)
    if not session.bookable_page:
        return _unavailable(request)
    closed = closed or _closed_reason(session)
    if form is None and not closed:
        form = RegistrationForm(initial={"language": translation.get_language() or "nl"})
    context = {
        "session": session,
        "form": None if closed else form,
        "closed": closed,
        "busy": busy,
        "seats_left": session.seats_left(),
    }
    return render(request, "workshops/register.html", context, status=200)


def _unavailable(request):
    """A session whose training is not published: say so (without the draft's title), and where to look."""
    index = apps.get_model("home", "TrainingIndexPage").objects.live().public().first()
    return render(request, "workshops/session_unavailable.html", {"trainings_url": index.url if index else ""})


def _registration_context(registration: Registration) -> dict:
    session = registration.session
    confirmed = registration.status in (Registration.Status.CONFIRMED, Registration.Status.ATTENDED)
    homework = []
    if confirmed and session.training_id:
        homework_token = tokens.make_token(registration, "homework")
        homework = [
            (label, reverse("workshops:homework", args=[homework_token, kind])) for kind, label in HOMEWORK_KINDS
        ]
    can_register_again = (
        registration.status == Registration.Status.CANCELLED and session.is_public and _closed_reason(session) is None
    )
    return {
        "registration": registration,
        "session": session,
        "confirmed": confirmed,
        "show_meeting_link": confirmed and session.mode == Session.Mode.ONLINE and bool(session.meeting_url),
        "can_cancel": registration.is_active and session.starts_at > timezone.now(),
        "register_again_url": reverse("workshops:register", args=[session.pk]) if can_register_again else "",
        "homework": homework,
    }


def registered(request, token):
    """The page after registering: a confirmed seat or the place on the waiting list, decided already."""
    registration, reason = tokens.load(token, "manage")
    if registration is None:
        return link_problem(request, reason)
    context = _registration_context(registration)
    context["manage_url"] = reverse("workshops:manage", args=[token])
    return render(request, "workshops/registered.html", context)


@require_http_methods(["GET", "POST"])
def manage(request, token):
    """The personal manage page: details, .ics, homework and a way to cancel. GET only shows (mail scanners fetch
    every link); "homework done" is a POST, and cancelling goes through its own confirmation page."""
    registration, reason = tokens.load(token, "manage")
    if registration is None:
        return link_problem(request, reason)
    if request.method == "POST":
        if request.POST.get("action") == "homework_done":
            booking.mark_homework_done(registration.pk)
            return redirect(reverse("workshops:manage", args=[token]) + "?notice=homework")
        return redirect("workshops:manage", token=token)
    context = _registration_context(registration)
    context.update(
        {
            "token": token,
            "notice": NOTICES.get(request.GET.get("notice", "")),
            "ics_url": reverse("workshops:manage_ics", args=[token]),
            "cancel_url": reverse("workshops:cancel", args=[token]),
        }
    )
    return render(request, "workshops/manage.html", context)


@require_http_methods(["GET", "POST"])
def cancel(request, token):
    """Cancelling a registration: GET asks "are you sure?", the POST of that page cancels (and mails)."""
    registration, reason = tokens.load(token, "manage")
    if registration is None:
        return link_problem(request, reason)
    context = _registration_context(registration)
    if request.method == "POST" and context["can_cancel"]:
        booking.cancel_registration(registration.pk)
        return redirect(reverse("workshops:manage", args=[token]) + "?notice=cancelled")
    if not context["can_cancel"]:
        return redirect("workshops:manage", token=token)
    context["manage_url"] = reverse("workshops:manage", args=[token])
    return render(request, "workshops/cancel.html", context)


def manage_ics(request, token):
    """The participant's own .ics (with the meeting link once confirmed): the entry their invitation mail made,
    same UID and revision, to import."""
    registration, reason = tokens.load(token, "manage")
    if registration is None:
        return link_problem(request, reason)
    language = translation.get_language() or "nl"
    content = participant_ics(
        registration,
        method=PUBLISH,
        training=calendar_training(registration.session, language),
        organisation=organisation_name(),
        organiser_email=organiser_email(),
        language=language,
    )
    return _ics_response(content, "session.ics")


def session_calendar(request, session_id):
    """One public session as .ics (no meeting link); only while its training is published."""
    session = get_object_or_404(Session.objects.visible().select_related("training"), pk=session_id)
    return _ics_response(public_session_ics(session, organisation=organisation_name()), f"session-{session_id}.ics")


def calendar_feed(request):
    """The public iCal feed: public sessions of published trainings (recent and upcoming) and campaign weeks."""
    since = timezone.now() - timedelta(days=90)
    sessions = Session.objects.visible().filter(starts_at__gte=since).select_related("training")
    campaigns = []
    try:
        campaign_model = apps.get_model("home", "CampaignPage")
    except LookupError:
        campaign_model = None
    if campaign_model is not None:
        campaigns = campaign_model.objects.live().public()
    content = feed_ics(sessions, campaigns, organisation=organisation_name())
    return _ics_response(content, "calendar.ics", attachment=False)


def _ics_response(content: bytes, filename: str, attachment: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
def school_request(request, lesson_id):
    """A school asks for this lesson (from the lesson page)."""
    lesson_model = apps.get_model("home", "LessonPage")
    lesson = get_object_or_404(lesson_model.objects.live(), pk=lesson_id)
    if request.method == "POST":
        form = SchoolRequestForm(request.POST)
        if form.is_valid():
            schools.create_request(lesson.pk, form.cleaned_data, language=translation.get_language() or "nl")
            return redirect("workshops:school_request_sent")
    else:
        form = SchoolRequestForm()
    return render(request, "workshops/school_request.html", {"form": form, "lesson": lesson})


def school_request_sent(request):
    return render(request, "workshops/school_request_sent.html")


@require_http_methods(["GET", "POST"])
def school_response(request, token):
    """The school's answer to a proposal: accept (creates the private session), decline or withdraw."""
    school_request_obj, reason = tokens.load(token, "school", model=SchoolBookingRequest)
    if school_request_obj is None:
        return link_problem(request, reason)
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        steps = {"accept": schools.accept, "decline": schools.decline, "withdraw": schools.withdraw}
        notices = {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn"}
        if action in steps:
            try:
                steps[action](school_request_obj.pk)
            except schools.TransitionError as exc:
                error = exc.message
            else:
                return redirect(reverse("workshops:school_response", args=[token]) + f"?notice={notices[action]}")
        school_request_obj.refresh_from_db()
    context = {
        "school_request": school_request_obj,
        "error": error,
        "notice": NOTICES.get(request.GET.get("notice", "")),
        "is_proposed": school_request_obj.status == SchoolBookingRequest.Status.PROPOSED,
        "can_withdraw": school_request_obj.status
        in (SchoolBookingRequest.Status.REQUESTED, SchoolBookingRequest.Status.PROPOSED),
    }
    return render(request, "workshops/school_response.html", context)
