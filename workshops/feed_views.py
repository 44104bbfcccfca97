"""Calendar feeds a visitor can subscribe to (webcal://): the sessions of one training.

The site-wide feed (sessions and campaign weeks) is `views.calendar_feed`; the footer links to it.
"""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from workshops.ics import feed_ics
from workshops.mail import organisation_name
from workshops.models import Session

FEED_HISTORY = timedelta(days=90)


@require_safe
def training_calendar(request, training_id: int):
    """The public sessions of one live training (recent and upcoming), as a subscribable iCal feed."""
    training_model = apps.get_model("home", "TrainingPage")
    training = get_object_or_404(training_model.objects.live().public(), pk=training_id)
    sessions = (
        Session.objects.visible()
        .filter(training_id=training.pk, starts_at__gte=timezone.now() - FEED_HISTORY)
        .select_related("training")
    )
    organisation = organisation_name()
    name = _("%(organisation)s: %(training)s") % {"organisation": organisation, "training": training.title}
    content = feed_ics(sessions, organisation=organisation, name=name)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="training-{training.pk}.ics"'
    return response
