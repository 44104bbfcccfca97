"""Tracked homework links: record that a participant opened the podcast or background reading, then redirect.

The link in the homework mail is personal and signed; the first open is stored once (homework_opened_at) and an
id-only entry goes to the event log. A forged or expired link gets the friendly link page, never an error.
"""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from events.models import EventLog
from workshops import tokens
from workshops.mail import HOMEWORK_KINDS, homework_target
from workshops.models import Registration


@never_cache
def open_homework(request, token, kind):
    registration, state = tokens.load(token, "homework")
    if registration is None or kind not in HOMEWORK_KINDS:
        status = 410 if state == tokens.EXPIRED else 404
        return render(request, "workshops/link_invalid.html", {"expired": state == tokens.EXPIRED}, status=status)
    first = Registration.objects.filter(pk=registration.pk, homework_opened_at__isnull=True).update(
        homework_opened_at=timezone.now()
    )
    if first:
        EventLog.record("homework_opened", "registration", registration.pk, kind=kind)
    target = homework_target(registration, kind)
    if not target:  # no material set on the training yet: the personal page shows what there is
        return redirect(reverse("workshops:manage", args=[tokens.make_token(registration, "manage")]))
    return redirect(target)
