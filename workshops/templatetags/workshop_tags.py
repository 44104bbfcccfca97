"""Template tags that pages in `home` use to show sessions, without `home` importing `workshops`."""

from django import template
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("workshops/includes/session_list.html", takes_context=True)
def upcoming_sessions(context, training=None, limit=10):
    """Upcoming public, scheduled sessions (of one training, or of all)."""
    from workshops.models import Session

    sessions = Session.objects.filter(
        is_public=True, status=Session.Status.SCHEDULED, starts_at__gte=timezone.now()
    ).select_related("training")
    if training is not None:
        sessions = sessions.filter(training_id=training.pk)
    return {"sessions": list(sessions[:limit]), "request": context.get("request")}
