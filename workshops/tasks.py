"""Celery tasks of the workshops app. Tasks take ids and are safe to run twice."""

from celery import shared_task
from django.db import DatabaseError

DECIDE_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 1,
    "retry_backoff_max": 30,
    "max_retries": 5,
    "ignore_result": True,
}


@shared_task(name="workshops.decide_pending", **DECIDE_OPTIONS)
def decide_pending(session_id: int) -> int:
    """At the end of a registration rush: seats and waiting-list places for the pending registrations."""
    from workshops.services.booking import decide_pending as decide

    return decide(session_id)


@shared_task(name="workshops.decide_stale", ignore_result=True)
def decide_stale() -> int:
    """Every minute (beat): the net under the rush task, for pending registrations it did not reach."""
    from workshops.services.booking import decide_stale as decide

    return decide()
