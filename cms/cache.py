"""A page cache for anonymous visitors, keyed by language and path, emptied whenever content changes.

Only Wagtail page responses are cached (never the admin, forms that set cookies, previews or logged-in users).
Invalidation is a generation counter: publishing, unpublishing, moving or deleting a page, or saving a
snippet, setting, session or registration bumps it, so the next request of every page renders afresh.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import translation

logger = logging.getLogger(__name__)
GENERATION_KEY = "pagecache:generation"
CACHED_HEADER = "X-Page-Cache"
# Apps whose saved rows can change what a page shows.
INVALIDATING_APPS = {"home", "workshops", "wagtailcore", "wagtailimages", "wagtaildocs", "taggit"}


class OncePerInterval(logging.Filter):
    """Lets one record through per `seconds` (per process), as a warning without its traceback: django-redis
    logs every cache call it could not make, and an outage should not drown the log."""

    def __init__(self, seconds: float = 60):
        super().__init__()
        self.seconds = seconds
        self._last = float("-inf")
        self._suppressed = 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now - self._last < self.seconds:
            self._suppressed += 1
            return False
        error = record.exc_info[1] if record.exc_info else None
        cause = getattr(error, "__cause__", None) or error
        record.msg = "cache server unreachable (%s); serving without cache%s"
        record.args = (
            type(cause).__name__ if cause else "error",
            f", {self._suppressed} more in the last {self.seconds:g} s" if self._suppressed else "",
        )
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        self._last, self._suppressed = now, 0
        return True


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def generation() -> int:
    value = _cache().get(GENERATION_KEY)
    if value is None:
        _cache().add(GENERATION_KEY, 1, timeout=None)
        value = _cache().get(GENERATION_KEY) or 1
    return int(value)


def invalidate(**kwargs) -> None:
    """Every cached page becomes stale at once, and again when the surrounding transaction commits: a page
    rendered between the change and its commit (still showing the old content) is not served after it. A cache
    that cannot be reached never stops a save."""
    _bump()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(func is _bump for _sids, func, _robust in connection.run_on_commit):
        transaction.on_commit(_bump)  # once per transaction, however many rows it saves


def _bump() -> None:
    try:
        try:
            _cache().incr(GENERATION_KEY)
        except ValueError:
            _cache().set(GENERATION_KEY, 2, timeout=None)
    except Exception as exc:  # the cache server is down: pages expire by PAGE_CACHE_SECONDS
        logger.warning("page cache not invalidated: %s", type(exc).__name__)


def _on_model_change(sender, **kwargs):
    if sender._meta.app_label in INVALIDATING_APPS:
        invalidate()


def connect_signals() -> None:
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(invalidate, dispatch_uid=f"pagecache-{id(signal)}")
    post_save.connect(_on_model_change, dispatch_uid="pagecache-post-save")
    post_delete.connect(_on_model_change, dispatch_uid="pagecache-post-delete")


def _key(request) -> str:
    raw = f"{request.get_host()}|{request.get_full_path()}|{translation.get_language()}"
    return f"pagecache:{generation()}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _request_is_cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_ENABLED:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # logged-in users and visitors with messages get fresh pages
    if request.GET.get("preview") or request.path.startswith(("/admin/", "/django-admin/")):
        return False
    return True


def _response_is_cacheable(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    return (
        response.status_code == 200
        and match is not None
        and match.url_name == "wagtail_serve"
        and not response.cookies
        and not response.has_header("Set-Cookie")
        and response.get("Content-Type", "").startswith("text/html")
        and not getattr(response, "streaming", False)
        and "no-store" not in response.get("Cache-Control", "")
    )


class PageCacheMiddleware:
    """Serves anonymous page views from the cache; place it after LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _request_is_cacheable(request):
            return self.get_response(request)
        try:
            key = _key(request)
            cached = _cache().get(key)
        except Exception as exc:  # the cache server is down: serve uncached
            logger.warning("page cache unavailable: %s", type(exc).__name__)
            return self.get_response(request)
        if cached is not None:
            cached[CACHED_HEADER] = "hit"
            return cached
        response = self.get_response(request)
        if _response_is_cacheable(request, response):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            try:
                _cache().set(key, response, timeout=settings.PAGE_CACHE_SECONDS)
            except Exception as exc:
                logger.warning("page cache not stored: %s", type(exc).__name__)
            response[CACHED_HEADER] = "miss"
        return response
