"""Project-level protections that no single app owns.

* `ContentSecurityPolicyMiddleware`: django-csp with a strict policy for the public site and a looser one only for
  the Wagtail and Django admin (``CONTENT_SECURITY_POLICY_ADMIN`` replaces directives under the admin prefixes).
* `SecurityHeadersMiddleware`: Permissions-Policy everywhere; personal (token) links are never cached and never
  indexed (the same-origin Referrer-Policy keeps them out of other sites' Referer headers).
* `RateLimitMiddleware`: django-ratelimit on the cache for every public POST (by URL name, so every app's views are
  covered without decorating them) and for admin log-in failures (counted by Django's `user_login_failed` signal)
  and password-reset requests. Answers 429 with a translated page; fails open, with a warning, without a cache.
* `RejectNulBytesMiddleware`: NUL characters are dropped from query strings; one in a URL gets a translated 400.
* `configure_logging` / `redact`: every log record has e-mail addresses and signed tokens replaced before any
  handler sees it.
"""

from __future__ import annotations

import logging
import logging.config
import re

from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

logger = logging.getLogger("cms.security")

# --- Personal data in logs --------------------------------------------------------------------------------------

# Plain and URL-encoded ("%40") addresses; deliberately generous: a false positive only hides a little log text.
EMAIL_RE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+(?:@|%40)[\w-]+(?:\.[\w-]+)*\.\w{2,}", re.UNICODE | re.IGNORECASE)
REDACTED_EMAIL = "[e-mail]"
# A signed personal link's token (django.core.signing: value:timestamp:signature, colons maybe URL-encoded): whoever
# reads it in a log could act as the person, so request paths logged for 404/410 answers lose it too.
SIGNED_TOKEN_RE = re.compile(
    r"[A-Za-z0-9_.\-]{8,}(?::|%3A)[A-Za-z0-9_\-]{4,10}(?::|%3A)[A-Za-z0-9_\-]{20,}", re.IGNORECASE
)
REDACTED_TOKEN = "[token]"


def redact(text: str) -> str:
    """The text with every e-mail address and signed token replaced by a placeholder."""
    if not text:
        return text
    if "@" in text or "%40" in text.upper():
        text = EMAIL_RE.sub(REDACTED_EMAIL, text)
    if ":" in text or "%3A" in text.upper():
        text = SIGNED_TOKEN_RE.sub(REDACTED_TOKEN, text)
    return text


class RedactPersonalDataFilter(logging.Filter):
    """Rewrites a record's message (and formatted traceback) with e-mail addresses redacted. Never drops a record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_personal_data_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw template, never the arguments
            message = str(record.msg)
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._personal_data_redacted = True
        return True


QUERY_STRING_RE = re.compile(r"\?[^\s\"']*")


class StripQueryStringsFilter(logging.Filter):
    """For request logs (runserver's `django.server`): the path stays, the query string goes, so an admin search
    for a person's name (`?q=...`) never reaches a log line. gunicorn's access log has the same rule
    (cms/gunicorn_conf.py)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        record.msg, record.args = QUERY_STRING_RE.sub("", message), ()
        return True


_redaction_installed = False


def install_record_redaction() -> None:
    """Redact at record creation, so every handler (console, files, test capture, error trackers) sees clean text."""
    global _redaction_installed
    if _redaction_installed:
        return
    previous = logging.getLogRecordFactory()
    redactor = RedactPersonalDataFilter()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        redactor.filter(record)
        return record

    logging.setLogRecordFactory(factory)
    _redaction_installed = True


def configure_logging(logging_settings: dict | None) -> None:
    """Django's LOGGING_CONFIG hook: the usual dictConfig plus the redacting record factory."""
    install_record_redaction()
    if logging_settings:
        logging.config.dictConfig(logging_settings)


# --- Content-Security-Policy ------------------------------------------------------------------------------------


def is_admin_path(path: str) -> bool:
    return path.startswith(tuple(settings.ADMIN_PATH_PREFIXES))


# What a response or view can set to change its policy (django-csp's decorators): such a response gets its header
# built as django-csp builds it.
CSP_RESPONSE_ATTRIBUTES = frozenset(
    f"_csp_{name}{suffix}" for name in ("config", "update", "replace", "exempt") for suffix in ("", "_ro")
)
_built_policies: dict = {}


def built_policies() -> tuple[str, str] | None:
    """The Content-Security-Policy headers of the public site and of the admin, built once per process (and again
    when a test changes the settings) instead of per response; None when the configuration needs django-csp's
    per-response building (a report-only policy, excluded URL prefixes)."""
    try:
        return _built_policies["headers"]
    except KeyError:
        pass
    if getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or (
        (settings.CONTENT_SECURITY_POLICY or {}).get("EXCLUDE_URL_PREFIXES")
    ):
        headers = None
    else:
        headers = (build_policy(), build_policy(replace=settings.CONTENT_SECURITY_POLICY_ADMIN))
    _built_policies["headers"] = headers
    return headers


def _forget_built_policies(**kwargs) -> None:
    _built_policies.clear()


setting_changed.connect(_forget_built_policies, dispatch_uid="cms-security-csp-built-policies")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp, with ``CONTENT_SECURITY_POLICY_ADMIN`` replacing directives on admin URLs only. Both headers
    are built once (`built_policies`); a response that changes its policy, a page that used a nonce, DEBUG's
    error pages and configurations with a report-only policy or excluded prefixes go through django-csp's own
    per-response building."""

    def process_response(self, request, response):
        headers = built_policies()
        if (
            headers is None
            or getattr(request, "_csp_nonce", None) is not None
            or not CSP_RESPONSE_ATTRIBUTES.isdisjoint(vars(response))
            or (response.status_code in (404, 500) and settings.DEBUG)
        ):
            return super().process_response(request, response)
        header = headers[is_admin_path(request.path_info)]
        if header and CSP_HEADER not in response:
            response[CSP_HEADER] = header
        # as django-csp: a nonce asked for after the header was written is an error, not a silent gap
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.replace is None and is_admin_path(request.path_info):
            parts.replace = settings.CONTENT_SECURITY_POLICY_ADMIN
        return parts


# --- Other headers ----------------------------------------------------------------------------------------------

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; pages reached by a personal link are private and unindexed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        match = getattr(request, "resolver_match", None)
        if match is not None and "token" in match.kwargs:
            # Referrer-Policy stays "same-origin" (SECURE_REFERRER_POLICY): other sites never see the link in a
            # Referer, while our own forms keep their Origin header (with "no-referrer" browsers send "Origin: null"
            # and Django's CSRF check refuses the form).
            response["Cache-Control"] = "private, no-store"
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response


# --- Malformed input ------------------------------------------------------------------------------------------


class RejectNulBytesMiddleware:
    """NUL characters can never be meant, and PostgreSQL refuses them in any text value (a search for one used to
    answer 500). They are dropped from query-string values before any view runs (so filters and search simply see
    the rest), and a URL whose captured part holds one gets a translated 400 page. Posted forms keep their own
    field errors (Django's CharField refuses NULs)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if any("\x00" in str(value) for value in [*view_args, *view_kwargs.values()]):
            return bad_request(request)
        return None


BAD_REQUEST_FALLBACK = (
    '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Ongeldig verzoek / Bad request</title></head>'
    "<body><h1>Ongeldig verzoek</h1><p>Ga terug en probeer het opnieuw.</p>"
    '<h1 lang="en">Bad request</h1><p lang="en">Please go back and try again.</p></body></html>'
)


def bad_request(request, exception=None):
    """The translated 400 page (``handler400``): a URL we cannot handle, or a form body we cannot read (a charset
    other than UTF-8, a broken multipart body, a body over the size limit). Rendered with the request, so it is
    in the visitor's language; should even that fail (a forged Host header), a plain page in both languages."""
    form_problem = request.method in UNSAFE_METHODS
    try:
        response = render(request, "400.html", {"form_problem": form_problem}, status=400)
    except Exception:
        response = HttpResponseBadRequest(BAD_REQUEST_FALLBACK)
    response["Cache-Control"] = "no-store"
    return response


# --- Rate limits ------------------------------------------------------------------------------------------------


def client_ip(request) -> str:
    """The client's address; behind ``TRUSTED_PROXY_COUNT`` proxies, read it from X-Forwarded-For."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


LOGIN_URL_NAMES = {"wagtailadmin_login", "admin:login"}
PASSWORD_RESET_URL_NAMES = {"wagtailadmin_password_reset", "admin:password_reset", "password_reset"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _usage(request, group: str, rate: str, key="ip", increment: bool = False):
    """django-ratelimit's count for this bucket, or None when it cannot be counted. An unreachable cache fails
    open (RATELIMIT_FAIL_OPEN): the form works and a warning is logged, rather than every POST answering 500."""
    try:
        usage = get_usage(request, group=group, key=key, rate=rate, method=ALL, increment=increment)
    except Exception as exc:  # a cache backend that raises instead of missing
        usage, error = None, type(exc).__name__
    else:
        error = "no count" if usage is None else ""
    if error and settings.RATELIMIT_ENABLE:
        logger.warning("rate limit not applied (cache unavailable: %s)", error)
    return usage


def _over(usage) -> bool:
    return bool(usage) and usage["count"] >= usage["limit"]


def _username_key(group, request) -> str:
    return (request.POST.get("username") or "").strip().lower()


def count_login_failure(sender, credentials=None, request=None, **kwargs):
    """Django's `user_login_failed` signal: a real failed authentication counts against the address and the
    user name (never guessed from the answer's status code)."""
    if request is None or not settings.RATELIMIT_ENABLE:
        return
    username = str((credentials or {}).get("username") or "").strip().lower()
    for group, rate, key in RateLimitMiddleware._login_buckets(username):
        _usage(request, group, rate, key, increment=True)


def connect_signals() -> None:
    from django.contrib.auth.signals import user_login_failed

    user_login_failed.connect(count_login_failure, dispatch_uid="cms-security-login-failed")


def too_many_requests(request, exception=None):
    """The translated 429 page (also usable as ``RATELIMIT_VIEW`` for views decorated with @ratelimit)."""
    response = render(
        request,
        "429.html",
        {"title": _("Too many attempts")},
        status=429,
    )
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response


class RateLimitMiddleware:
    """Rate limits by URL name, so views of every app are covered without touching them.

    * Every POST (PUT, PATCH, DELETE) outside the admin: ``RATELIMIT_PUBLIC_POST`` (a list of rates, each its own
      bucket per client address), shared by all public forms.
    * Admin log-in: only failed attempts count (`user_login_failed`), per address (``RATELIMIT_LOGIN_FAILURES_IP``)
      and per user name (``RATELIMIT_LOGIN_FAILURES_USER``); once over, even a correct password is refused until the
      window passes.
    * Password-reset requests: ``RATELIMIT_PASSWORD_RESET`` per address.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    @staticmethod
    def _login_buckets(username: str | None = None):
        user_key = _username_key if username is None else (lambda group, request: username)
        return [
            ("admin-login-ip", settings.RATELIMIT_LOGIN_FAILURES_IP, "ip"),
            ("admin-login-user", settings.RATELIMIT_LOGIN_FAILURES_USER, user_key),
        ]

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in UNSAFE_METHODS or not settings.RATELIMIT_ENABLE:
            return None
        match = request.resolver_match
        url_name = match.view_name if match else ""
        if url_name in LOGIN_URL_NAMES:
            if any(_over(_usage(request, group, rate, key)) for group, rate, key in self._login_buckets()):
                logger.warning("admin log-in throttled")
                return too_many_requests(request)
            return None  # a failed attempt is counted by count_login_failure (user_login_failed)
        if url_name in PASSWORD_RESET_URL_NAMES:
            if _over_after_increment(request, "password-reset", settings.RATELIMIT_PASSWORD_RESET):
                logger.warning("password reset throttled")
                return too_many_requests(request)
            return None
        if is_admin_path(request.path_info):
            return None  # signed-in staff; the admin has its own permission checks
        if getattr(view_func, "own_rate_limit", False):
            return None  # the view limits per participant (the team board: a whole room shares one address)
        for rate in settings.RATELIMIT_PUBLIC_POST:
            if _over_after_increment(request, "public-post", rate):
                logger.warning("public POST throttled on %s", url_name or "unnamed URL")
                return too_many_requests(request)
        return None


def _over_after_increment(request, group: str, rate: str) -> bool:
    usage = _usage(request, group, rate, increment=True)
    return bool(usage) and usage["count"] > usage["limit"]
