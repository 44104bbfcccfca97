"""The page cache and the process memo, both valid for one content generation.

* **Page cache**: anonymous views of Wagtail pages (GET or HEAD, no session or messages cookie, not the admin, not
  a preview) are stored with every header the middleware stack gave them, per scheme, host, path with query string
  and language (taken from the path, as LocaleMiddleware decides it with ``prefix_default_language=False``).
  `PageCacheMiddleware` is the first middleware, so a cached page is answered before sessions, CSRF, messages and
  the rest run. Never stored: a response that sets a cookie, holds a CSRF token or a CSP nonce, is private or
  no-store, is not a 200, or comes from any other view than Wagtail's.
* **Process memo** (`remember`): what every page needs and rarely changes (the Site for a host with its root page,
  the site root paths, the site settings, the menu per language, the help and contact pages) is kept in each
  process instead of being read from the database per request.
* **Generation**: one counter in the cache. Publishing, unpublishing, moving or deleting a page, or saving a
  snippet, setting, session or registration bumps it (and again when the transaction commits), which empties both
  at once in every process: each request reads the counter once (a page-cache lookup in the same round trip).
  When the cache server cannot be reached nothing is cached or remembered and every request renders afresh; a
  change made during such an outage shows everywhere within ``PAGE_CACHE_SECONDS`` at the latest.
"""

import hashlib
import logging
import threading
import time
import types
from contextvars import ContextVar

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils import translation

logger = logging.getLogger(__name__)
GENERATION_KEY = "pagecache:generation"
PAGE_KEY_PREFIX = "pagecache:page:"
CACHED_HEADER = "X-Page-Cache"
# Apps whose saved rows can change what a page shows.
INVALIDATING_APPS = {"home", "workshops", "wagtailcore", "wagtailimages", "wagtaildocs", "taggit"}
ON_COMMIT_MODELS = {"workshops.registration"}  # saved under a session lock: no cache round trip while it is held
MESSAGES_COOKIE = "messages"  # django.contrib.messages' cookie storage: the page would show (and use up) them
NOT_A_PAGE_LIMIT = 4096


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


# --- The generation -----------------------------------------------------------------------------------------


def _fresh_generation() -> int:
    """A start value that an earlier counter never reached: a flushed or restarted cache server (or an evicted
    counter) must not bring back pages or memos stored under an old number."""
    return time.time_ns() // 1_000_000


def _generation_from(value) -> int | None:
    """The generation, given what a read of GENERATION_KEY returned; None when the cache cannot be reached."""
    if value is not None:
        return int(value)
    fresh = _fresh_generation()
    try:
        added = _cache().add(GENERATION_KEY, fresh, timeout=None)
        if added is None:  # django-redis with IGNORE_EXCEPTIONS: the server did not answer
            return None
        if added:
            return fresh
        value = _cache().get(GENERATION_KEY)  # another process started the counter just now
    except Exception as exc:  # a backend that raises instead
        logger.warning("page cache unavailable: %s", type(exc).__name__)
        return None
    return None if value is None else int(value)


def generation() -> int | None:
    """The current content generation, or None when the cache server cannot be reached."""
    try:
        value = _cache().get(GENERATION_KEY)
    except Exception as exc:
        logger.warning("page cache unavailable: %s", type(exc).__name__)
        return None
    return _generation_from(value)


_current_request: ContextVar = ContextVar("pagecache_request", default=None)


def request_generation(request) -> int | None:
    """The generation as this request first read it: one cache read per request, however many memos it uses.
    Without a request, the one PageCacheMiddleware is serving in this thread (or a fresh read outside requests)."""
    if request is None:
        request = _current_request.get()
        if request is None:
            return generation()
    try:
        return request._content_generation
    except AttributeError:
        request._content_generation = value = generation()
        return value


# --- The process memo ---------------------------------------------------------------------------------------


class ProcessMemo:
    """Values this process keeps for one generation (and at most PAGE_CACHE_SECONDS, should a change have been
    made while the cache server was unreachable). Threads share it; its state is replaced as a whole, never
    patched, so a value is only ever served with the generation it was built under."""

    def __init__(self):
        self.clear()

    def clear(self) -> None:
        self._state = (None, 0.0, {})

    def get(self, request, key, build, keep_none=True):
        current = request_generation(request)
        if current is None:
            return build()
        generation_, since, values = self._state
        now = time.monotonic()
        if generation_ != current or now - since > settings.PAGE_CACHE_SECONDS:
            values = {}
            self._state = (current, now, values)
        try:
            return values[key]
        except KeyError:
            pass
        value = build()
        if value is not None or keep_none:
            values[key] = value
        return value


memo = ProcessMemo()


def remember(request, key, build, keep_none=True):
    """`build()`, kept in this process until content changes (see the module docstring). Values are shared by
    every request and thread of the process: never change them. With keep_none=False a None answer is not kept:
    for keys a visitor chooses (a URL path), so that requests for pages that do not exist never grow the memo."""
    return memo.get(request, key, build, keep_none)


# --- Invalidation -------------------------------------------------------------------------------------------


def invalidate(**kwargs) -> None:
    """Every cached page and remembered value becomes stale at once, and again when the surrounding transaction
    commits: a page rendered between the change and its commit (still showing the old content) is not served
    after it. A cache that cannot be reached never stops a save."""
    _bump()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(func is _bump for _sids, func, _robust in connection.run_on_commit):
        transaction.on_commit(_bump)  # once per transaction, however many rows it saves


def _bump() -> None:
    memo.clear()  # this process at once, even without a cache server; the others through the counter
    try:
        try:
            _cache().incr(GENERATION_KEY)
        except ValueError:
            _cache().set(GENERATION_KEY, _fresh_generation(), timeout=None)
    except Exception as exc:  # the cache server is down: pages expire by PAGE_CACHE_SECONDS
        logger.warning("page cache not invalidated: %s", type(exc).__name__)


def invalidate_on_commit() -> None:
    """For rows written on a hot path (a registration, under its session's lock): this process forgets at once,
    the shared counter moves once the transaction commits, outside the lock. Enough for correctness: a page
    rendered before the commit read the old counter, so it is stale as soon as the counter moves."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _bump()
        return
    memo.clear()
    if not any(func is _bump for _sids, func, _robust in connection.run_on_commit):
        transaction.on_commit(_bump)


def _on_model_change(sender, **kwargs):
    if sender._meta.label_lower in ON_COMMIT_MODELS:
        invalidate_on_commit()
    elif sender._meta.app_label in INVALIDATING_APPS:
        invalidate()


def connect_signals() -> None:
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(invalidate, dispatch_uid=f"pagecache-{id(signal)}")
    post_save.connect(_on_model_change, dispatch_uid="pagecache-post-save")
    post_delete.connect(_on_model_change, dispatch_uid="pagecache-post-delete")


# --- The Site of a request ----------------------------------------------------------------------------------


def _find_site(request):
    from wagtail.models import Site

    site = Site.find_for_request(request)
    if site is not None:
        _ = site.root_page.specific  # routing starts at the specific root page: kept with the site
    return site


def install_site(request) -> None:
    """Give Wagtail the remembered Site for this host and port, with its specific root page, instead of a query
    per request (``Site.find_for_request`` keeps its answer on the request as ``_wagtail_site``)."""
    from django.http.request import split_domain_port

    hostname = split_domain_port(request._get_raw_host())[0]
    request._wagtail_site = remember(request, ("site", hostname, request.get_port()), lambda: _find_site(request))


def _site_root_paths():
    from wagtail.models import Page

    return Page._get_site_root_paths(types.SimpleNamespace())


def use_site_root_paths(request, language: str | None = None) -> None:
    """Give page URLs the remembered site root paths of `language` (default: the active one), which they would
    otherwise read from the cache server: wagtail-modeltranslation keeps one language's paths on the request
    (``_wagtail_cached_site_root_paths`` with ``_wagtail_cached_site_root_paths_language``) and reads them again
    whenever a URL in the other language is asked for, as the language switcher does on every page."""
    language = language or translation.get_language()
    request._wagtail_cached_site_root_paths = remember(request, ("site-root-paths", language), _site_root_paths)
    request._wagtail_cached_site_root_paths_language = language


# --- The page cache -----------------------------------------------------------------------------------------

_not_pages: dict[str, None] = {}  # paths (PATH_INFO) this process saw answered by another view than Wagtail's
ENVIRON_KEY = "cms.page_cache"  # what PageCacheApplication's lookup found, for PageCacheMiddleware


def _skipped_prefixes() -> tuple[str, ...]:
    return (*settings.ADMIN_PATH_PREFIXES, settings.STATIC_URL, settings.MEDIA_URL)


def _environ_is_cacheable(environ) -> bool:
    """A GET or HEAD without a session or messages cookie, outside the admin, static files and media, not a
    preview, not a path this process knows another view answers. Erring on the safe side: a cookie header that
    merely mentions the session cookie's name counts as a session."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not settings.PAGE_CACHE_ENABLED:
        return False
    cookies = environ.get("HTTP_COOKIE")
    if cookies and (settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies):
        return False  # logged-in users and visitors with messages get fresh pages
    path = environ.get("PATH_INFO") or "/"
    if path in _not_pages or path.startswith(_skipped_prefixes()):
        return False
    return "preview" not in environ.get("QUERY_STRING", "")


def _scheme(environ) -> str:
    """As HttpRequest.scheme: the proxy's header when SECURE_PROXY_SSL_HEADER names one."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(header)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    return environ.get("wsgi.url_scheme", "http")


def _raw_host(environ) -> str:
    """As HttpRequest._get_raw_host. Only for the key: an entry exists only after the whole stack (which
    validates the host against ALLOWED_HOSTS) answered 200 for exactly this host."""
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        return environ["HTTP_X_FORWARDED_HOST"]
    return environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"


def _page_key(environ) -> str:
    path = environ.get("PATH_INFO") or "/"
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    raw = (
        f"{_scheme(environ)}|{_raw_host(environ)}|{environ.get('SCRIPT_NAME', '')}{path}"
        f"?{environ.get('QUERY_STRING', '')}|{language}"
    )
    return PAGE_KEY_PREFIX + hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


# This process's copies of the entries it served lately, so that a hit reads only the (small) generation from the
# cache server, not the page; at most PAGE_CACHE_LOCAL_BYTES of page bodies, the oldest copies dropped first.
_local_pages: dict[str, tuple] = {}
_local_lock = threading.Lock()
_local_bytes = 0


def _keep_locally(key: str, entry: tuple) -> None:
    global _local_bytes
    size, limit = len(entry[3]), settings.PAGE_CACHE_LOCAL_BYTES
    if size > limit:
        return
    with _local_lock:
        old = _local_pages.pop(key, None)
        _local_bytes -= len(old[3]) if old else 0
        while _local_pages and _local_bytes + size > limit:
            dropped = _local_pages.pop(next(iter(_local_pages)))
            _local_bytes -= len(dropped[3])
        _local_pages[key] = entry
        _local_bytes += size


def _lookup(environ) -> tuple[str, int | None, tuple | None]:
    """(key, generation, entry): the entry only when it was stored under the current generation; the generation
    is None when the cache server cannot be reached. One round trip to the cache: the generation alone when this
    process holds a copy of the entry, else the generation and the entry together."""
    key = _page_key(environ)
    local = _local_pages.get(key)
    try:
        if local is not None:
            current = _generation_from(_cache().get(GENERATION_KEY))
            if current is not None and local[0] == current:
                return key, current, local
            found = {GENERATION_KEY: current, key: _cache().get(key) if current is not None else None}
        else:
            found = _cache().get_many([GENERATION_KEY, key])
    except Exception as exc:  # a backend that raises instead of missing
        logger.warning("page cache unavailable: %s", type(exc).__name__)
        return key, None, None
    current = _generation_from(found.get(GENERATION_KEY))
    entry = found.get(key)
    if current is None or entry is None or entry[0] != current:
        return key, current, None
    _keep_locally(key, entry)
    return key, current, entry


def _response_is_cacheable(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    cache_control = response.get("Cache-Control", "")
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    return (
        response.status_code == 200
        and match is not None
        and match.url_name == "wagtail_serve"
        # the language comes from the path alone (i18n_patterns without a prefix for the default language), as
        # the key assumes; with a prefixed default, Django would also read the cookie and Accept-Language
        and is_language_prefix_patterns_used(urlconf) == (True, False)
        and not response.cookies
        and not response.has_header("Set-Cookie")
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds this visitor's CSRF token
        and not isinstance(getattr(request, "_csp_nonce", None), str)  # its CSP header holds a one-time nonce
        and response.get("Content-Type", "").startswith("text/html")
        and not getattr(response, "streaming", False)
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


def _entry(generation_: int, response) -> tuple:
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return (generation_, f"{response.status_code} {response.reason_phrase}", list(response.items()), response.content)


def _response_from(entry) -> HttpResponse:
    _generation, status_line, headers, content = entry
    response = HttpResponse(content, status=int(status_line[:3]), headers=dict(headers))
    response[CACHED_HEADER] = "hit"
    return response


def forget_process_state(**kwargs) -> None:
    """Empty the memo and the list of paths that are not pages (a test's rolled-back content, a changed URLconf)."""
    global _local_bytes
    memo.clear()
    _not_pages.clear()
    with _local_lock:
        _local_pages.clear()
        _local_bytes = 0


setting_changed.connect(forget_process_state, dispatch_uid="pagecache-setting-changed")


def _remember_not_a_page(request) -> None:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name != "wagtail_serve":
        if len(_not_pages) >= NOT_A_PAGE_LIMIT:
            _not_pages.clear()
        _not_pages[request.META.get("PATH_INFO") or "/"] = None


class PageCacheApplication:
    """WSGI application in front of Django's (cms/wsgi.py): a cached anonymous page is answered before Django
    builds a request, fires its signals or runs any middleware, with the status and headers the whole stack gave
    it. Every other request goes to Django, carrying what the lookup found, so that PageCacheMiddleware neither
    asks the cache again nor forgets to store the page."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if _environ_is_cacheable(environ):
            found = environ[ENVIRON_KEY] = _lookup(environ)
            entry = found[2]
            if entry is not None:
                _generation, status_line, headers, content = entry
                start_response(status_line, [*headers, (CACHED_HEADER, "hit")])
                return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [content]
        return self.application(environ, start_response)


class PageCacheMiddleware:
    """Stores anonymous page views in the cache and answers them from it (when PageCacheApplication has not
    already: the test client, runserver); place it first. Every request that is not answered from the cache
    gets the remembered Site installed for Wagtail (not in the admin)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self._answer(request)
        finally:
            _current_request.reset(token)

    def _answer(self, request):
        found = request.META.get(ENVIRON_KEY)
        if found is None:
            if not _environ_is_cacheable(request.META):
                return self._serve(request)
            found = _lookup(request.META)
        key, current, entry = found
        request._content_generation = current
        if entry is not None:
            return _response_from(entry)
        response = self._serve(request)
        if current is not None and _response_is_cacheable(request, response):
            entry = _entry(current, response)
            try:
                _cache().set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
            except Exception as exc:
                logger.warning("page cache not stored: %s", type(exc).__name__)
            else:
                _keep_locally(key, entry)
            response[CACHED_HEADER] = "miss"
        return response

    def _serve(self, request):
        if (request.META.get("PATH_INFO") or "/") not in _not_pages and not request.path_info.startswith(
            _skipped_prefixes()
        ):
            install_site(request)
        response = self.get_response(request)
        _remember_not_a_page(request)
        return response
