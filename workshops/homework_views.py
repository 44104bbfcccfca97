"""Tracked homework links: the podcast episode or the background reading, reached through a page of our own.

Mail scanners and link previews fetch every link in a mail, so a GET never records anything: the link in the mail
opens a small page that names the material with a button to open it. Only that button (a POST) records that the
person opened their homework (once: homework_opened_at) and sends them on to the material; "done" is a POST too
(here or on the personal page). A forged or expired link gets the friendly link page, never an error.
"""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from events.models import EventLog
from workshops import tokens
from workshops.mail import HOMEWORK_KINDS, homework_target
from workshops.models import Registration
from workshops.services import booking

LABELS = {
    "podcast": (_("Listen to the podcast episode"), _("Open the podcast episode")),
    "background": (_("Read the background information"), _("Open the background information")),
}


@never_cache
@require_http_methods(["GET", "POST"])
def open_homework(request, token, kind):
    registration, state = tokens.load(token, "homework")
    if registration is None or kind not in HOMEWORK_KINDS:
        status = 410 if state == tokens.EXPIRED else 404
        return render(request, "workshops/link_invalid.html", {"expired": state == tokens.EXPIRED}, status=status)
    manage_url = reverse("workshops:manage", args=[tokens.make_token(registration, "manage")])
    target = homework_target(registration, kind)
    if request.method == "POST":
        if request.POST.get("action") == "done":
            booking.mark_homework_done(registration.pk)
            return redirect(manage_url + "?notice=homework")
        first = Registration.objects.filter(pk=registration.pk, homework_opened_at__isnull=True).update(
            homework_opened_at=timezone.now()
        )
        if first:
            EventLog.record("homework_opened", "registration", registration.pk, kind=kind)
        # no material set on the training yet: the personal page shows what there is
        return redirect(target or manage_url)
    heading, button = LABELS[kind]
    training = registration.session.training
    context = {
        "registration": registration,
        "session": registration.session,
        "heading": heading,
        "button": button,
        "has_target": bool(target),
        "podcast_title": getattr(training, "podcast_title", "") if kind == "podcast" and training else "",
        "minutes": getattr(training, "podcast_minutes", None) if kind == "podcast" and training else None,
        "manage_url": manage_url,
        "done": registration.homework_done_at is not None,
    }
    return render(request, "workshops/homework.html", context)
