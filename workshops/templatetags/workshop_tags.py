"""Template tags that pages in `home` use to show sessions, without `home` importing `workshops`."""

from django import template
from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("workshops/includes/session_list.html", takes_context=True)
def upcoming_sessions(context, training=None, limit=10):
    """Upcoming public, scheduled sessions of published trainings (of one training, or of all) with seats left or
    "waiting list". A draft training's sessions stay private, also on the draft's own preview."""
    from workshops.models import Registration, Session

    sessions = (
        Session.objects.visible()
        .filter(status=Session.Status.SCHEDULED, starts_at__gte=timezone.now())
        .select_related("training")
        .annotate(taken=Count("registrations", filter=Q(registrations__status__in=Registration.HOLDS_SEAT)))
    )
    if training is not None:
        sessions = sessions.filter(training_id=training.pk)
    items = [
        {
            "session": session,
            "seats_left": None if session.capacity is None else max(session.capacity - session.taken, 0),
            "register_url": reverse("workshops:register", args=[session.pk]),
            "ics_url": reverse("workshops:session_ics", args=[session.pk]),
        }
        for session in sessions[:limit]
    ]
    return {
        "sessions": items,
        "show_training": training is None,
        "feed_url": webcal_url(context, training) if training is not None else "",
        "request": context.get("request"),
    }


@register.simple_tag(takes_context=True)
def webcal_url(context, training=None):
    """The webcal:// address of the public calendar feed, or of one training's feed: calendar apps subscribe to
    it (and keep it up to date) instead of importing a file once."""
    if training is not None:
        path = reverse("workshops:training_calendar", args=[training.pk])
    else:
        path = reverse("workshops:calendar")
    request = context.get("request")
    absolute = request.build_absolute_uri(path) if request is not None else settings.SITE_BASE_URL.rstrip("/") + path
    return "webcal://" + absolute.split("://", 1)[-1]
