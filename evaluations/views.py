"""The evaluation form: from the personal link, from the room link (QR code), and the edit link after saving.

Views only parse, call evaluations.services.evaluation and render. Every bad link renders a clear page (never a 500).
"""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from evaluations.cheatsheet import set_for_training
from evaluations.forms import EvaluationForm
from evaluations.models import EvaluationAnswer
from evaluations.services import evaluation as service
from workshops.tokens import read_token

TEMPLATE = "evaluations/form/form.html"
MESSAGE_TEMPLATE = "evaluations/form/message.html"


def _message(request, title, text, *, status=200, session=None):
    return render(request, MESSAGE_TEMPLATE, {"title": title, "text": text, "session": session}, status=status)


def _invalid(request):
    return _message(
        request,
        _("This link does not work"),
        _(
            "The link is incomplete, changed or no longer valid. Please use the link from the e-mail exactly as "
            "you received it, or ask the trainer for the session link."
        ),
        status=404,
    )


def _state_page(request, session):
    """A plain message when the form is not open, else None."""
    state = service.form_state(session)
    if state == service.State.OPEN:
        return None
    if state == service.State.NOT_OPEN:
        return _message(
            request,
            _("The evaluation is not open yet"),
            _("You can fill in the evaluation once the session has started."),
            session=session,
        )
    return _message(
        request,
        _("The evaluation is closed"),
        _("The evaluation of this session closed on %(date)s. Answers can no longer be added or changed.")
        % {"date": timezone.localtime(service.closes_at(session)).strftime("%d-%m-%Y")},
        session=session,
    )


def _edit_url(edit_key, saved=False):
    url = reverse("evaluation:edit", args=[service.edit_token(edit_key)])
    return f"{url}?saved=1" if saved else url


def _remember(request, response, session, edit_key):
    response.set_signed_cookie(
        service.cookie_name(session),
        edit_key,
        salt=service.COOKIE_SALT,
        max_age=max(int((service.closes_at(session) - timezone.now()).total_seconds()), 60),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


def _form_page(request, session, form, *, show_errors, answer=None, saved=False, edit_link=None):
    return render(
        request,
        TEMPLATE,
        {
            "session": session,
            "form": form,
            "show_errors": show_errors,
            "answer": answer,
            "saved": saved,
            "edit_link": edit_link,
            "closes_at": service.closes_at(session),
        },
    )


def _evaluation_form(session, *args, **kwargs):
    """The form with the suggestion set of the session's training (or the default set)."""
    return EvaluationForm(*args, suggestion_set=set_for_training(session.training_id), **kwargs)


def _handle_new(request, session, *, via, registration=None):
    if request.method == "POST":
        form = _evaluation_form(session, request.POST)
        if "more_rows" in request.POST:
            return _form_page(request, session, form, show_errors=False)
        if form.is_valid():
            try:
                saved = service.submit_answer(
                    session, form.cleaned_data, via=via, language=get_language() or "nl", registration=registration
                )
            except service.EvaluationError as error:
                return _message(request, _("Not saved"), str(error), status=409, session=session)
            return _remember(request, redirect(_edit_url(saved.edit_key, saved=True)), session, saved.edit_key)
        return _form_page(request, session, form, show_errors=True)
    return _form_page(request, session, _evaluation_form(session), show_errors=False)


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, token):
    """The personal link from the invitation mail: one answer per link."""
    registration = read_token(token, "evaluation")
    if registration is None:
        return _invalid(request)
    session = registration.session
    if registration.status not in service.eligible_statuses():
        return _message(
            request,
            _("This link does not work"),
            _("Only participants of the session can fill in its evaluation."),
            status=403,
            session=session,
        )
    closed = _state_page(request, session)
    if closed:
        return closed
    if registration.evaluation_responded_at is not None:
        existing, edit_key = service.answer_for_cookie(request, session)
        if existing:
            return redirect(_edit_url(edit_key))
        return _message(
            request,
            _("You have already answered"),
            _(
                "Thank you, this link has already been used for the evaluation. To change your answers, use the "
                "edit link shown after saving, or open this link on the device you used then. Your answers are "
                "stored anonymously, so we cannot look them up for you."
            ),
            session=session,
        )
    return _handle_new(request, session, via=EvaluationAnswer.Via.PERSONAL, registration=registration)


@never_cache
@require_http_methods(["GET", "POST"])
def room(request, token):
    """The session link shown in the room (QR code): it identifies the session only, never a person."""
    session = service.read_room_token(token)
    if session is None:
        return _invalid(request)
    closed = _state_page(request, session)
    if closed:
        return closed
    existing, edit_key = service.answer_for_cookie(request, session)
    if existing:
        return redirect(_edit_url(edit_key))
    return _handle_new(request, session, via=EvaluationAnswer.Via.ROOM)


@never_cache
@require_http_methods(["GET", "POST"])
def edit(request, token):
    """Change a saved answer until the closing date; the signed token holds the random edit key."""
    existing, edit_key = service.answer_for_edit_token(token)
    if existing is None:
        return _invalid(request)
    session = existing.session
    closed = _state_page(request, session)
    if closed:
        return closed
    edit_link = request.build_absolute_uri(_edit_url(edit_key))
    if request.method == "POST":
        form = _evaluation_form(session, request.POST)
        if "more_rows" in request.POST:
            return _form_page(request, session, form, show_errors=False, answer=existing, edit_link=edit_link)
        if form.is_valid():
            try:
                service.update_answer(existing, form.cleaned_data)
            except service.EvaluationError as error:
                return _message(request, _("Not saved"), str(error), status=409, session=session)
            return _remember(request, redirect(_edit_url(edit_key, saved=True)), session, edit_key)
        return _form_page(request, session, form, show_errors=True, answer=existing, edit_link=edit_link)
    form = _evaluation_form(session, initial=service.initial_from_answer(existing))
    return _form_page(
        request,
        session,
        form,
        show_errors=False,
        answer=existing,
        saved=request.GET.get("saved") == "1",
        edit_link=edit_link,
    )
