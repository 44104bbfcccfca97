"""Project-level views that belong to no content app."""

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cms.celery import app as celery_app


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:
        return False


def _broker_ok() -> bool:
    """One connection attempt, no retries: a broker that is down answers at once (connection refused) or within
    the connect timeout, so a load balancer's health check never waits on it."""
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
        return True
    except Exception:
        return False


def _cache_ok() -> bool:
    """A write and a read back; django-redis turns an unreachable server into a miss (None)."""
    try:
        cache.set("healthz", 1, timeout=10)
        return cache.get("healthz") == 1
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request):
    """For load balancers: 200 while the database answers, 503 when it does not. The broker and the cache are
    reported as "degraded" when unreachable, but the site serves without them (mail waits in the outbox and goes
    when the broker is back; pages render uncached), so a load balancer keeps sending visitors. "mail" is
    "degraded" while due mail waits 10+ minutes or timed mail was not looked for in 5+ minutes (for monitoring)."""
    database = _database_ok()
    mail = _mail_health() if database else {}
    checks = (("broker", _broker_ok()), ("cache", _cache_ok()), ("mail", not mail))
    degraded = [name for name, ok in checks if not ok]
    payload = {
        "status": "unavailable" if not database else ("degraded" if degraded else "ok"),
        "database": "ok" if database else "down",
        "broker": "degraded" if "broker" in degraded else "ok",
        "cache": "degraded" if "cache" in degraded else "ok",
        "mail": "degraded" if "mail" in degraded else "ok",
        **mail,
    }
    return JsonResponse(payload, status=200 if database else 503)


def _mail_health() -> dict:
    """What monitoring should hear about mail, as the coordinator's dashboard says it: minutes the oldest due mail
    has waited (worker or queue down) and minutes since timed mail was last looked for (beat or worker down), each
    only when it points at a part that is not running."""
    try:
        from events.services.outbox import delivery_health

        health = delivery_health()
    except Exception:  # noqa: BLE001  (the health check never fails on its own account)
        return {}
    named = {"waiting_minutes": "mail_waiting_minutes", "tick_minutes": "timed_mail_unchecked_minutes"}
    return {named[key]: value for key, value in health.items() if value is not None}


@require_GET
def browse_safely(request):
    """The "browse safely" page: how to keep a visit to this site to yourself (history, private windows, shared devices,
    the quick exit). Linked beside the quick exit on every page. Its text lives in this template, translated; it
    could become an editable page of the demo content."""
    help_page = None
    try:
        help_page = apps.get_model("home", "HelpLinksPage").objects.live().public().first()
    except LookupError:
        pass
    help_url = help_page.get_url(request) if help_page is not None else ""
    return render(request, "browse_safely.html", {"help_url": help_url})
