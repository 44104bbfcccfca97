"""Browser journeys: Debian's Chromium driven by Playwright against a live test server.

* Chromium is never downloaded: /usr/bin/chromium (or CHROMIUM_PATH), headless, a fresh profile per test.
  Without it (or without the playwright package) the journeys skip with the reason; under CI=true they fail.
* The live server listens on the first free port of 8105–8109 (DJANGO_LIVE_TEST_SERVER_ADDRESS overrides it).
* DJANGO_ALLOW_ASYNC_UNSAFE is set only while a test's Playwright runs (its sync API keeps an event loop in this
  thread), never for the rest of the suite or its subprocesses.
* Every journey collects console errors, Content-Security-Policy violations, the URLs the browser visited or was
  redirected to, and every log record written while it ran, so tests can assert that no personal data leaks.
* A failing step saves a screenshot under var/e2e-screenshots/ (`visitor.step(...)`, and a final one on failure).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from tests.services import free_port

CI = os.environ.get("CI", "").lower() == "true"
PORTS = range(8105, 8110)
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "e2e-screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
NEUTRAL_HOSTS = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")  # the browser reaches no other host


JOURNEY = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def chromium_executable() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def browser_unavailable(reason: str):
    if CI:
        pytest.fail(f"CI=true and the browser tests cannot run: {reason}")
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def playwright_driver(monkeypatch):
    """Playwright for one test. Its sync API keeps an event loop in this thread, so Django's async-safety check is
    switched off (DJANGO_ALLOW_ASYNC_UNSAFE) only while it runs: the variable must not leak into other tests or
    subprocesses (`check --deploy` warns about it)."""
    executable = chromium_executable()
    if executable is None:
        browser_unavailable(
            "no Chromium found at /usr/bin/chromium (install it: apt-get install chromium, "
            "or `CHROMIUM=1 make system-deps`; or set CHROMIUM_PATH)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    driver = sync_playwright().start()
    driver.chromium_executable = executable
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def e2e_server(request):
    """pytest-django's live server on the first free port of 8105–8109, chosen when it starts (any free port if
    all five are taken; DJANGO_LIVE_TEST_SERVER_ADDRESS still overrides)."""
    if not os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS") and not request.config.getvalue("liveserver"):
        port = free_port(PORTS)
        os.environ["DJANGO_LIVE_TEST_SERVER_ADDRESS"] = f"127.0.0.1:{port}" if port else "127.0.0.1:0"
        try:
            return request.getfixturevalue("live_server")
        finally:
            os.environ.pop("DJANGO_LIVE_TEST_SERVER_ADDRESS", None)
    return request.getfixturevalue("live_server")


class LogCapture(logging.Handler):
    """Keeps the formatted text of every record (tracebacks included) written while a journey runs."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record):
        try:
            self.lines.append(self.format(record))
        except Exception:  # pragma: no cover - a broken record must not break the journey
            self.lines.append(f"{record.levelname} {record.name} <unformattable>")

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def captured_logs():
    handler = LogCapture()
    root = logging.getLogger()
    root.addHandler(handler)
    # the live server's access log (django.server) and our apps at INFO, whatever LOG_LEVEL says
    levels = {}
    for name in ("", "django.server", "django.request", "workshops", "events", "home", "cms", "celery"):
        logger = logging.getLogger(name)
        levels[name] = logger.level
        if logger.level == logging.NOTSET or logger.level > logging.INFO:
            logger.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


class Visitor:
    """One browser tab plus what it saw: console errors, CSP violations and every URL requested."""

    def __init__(self, context, base_url: str, name: str):
        self.context = context
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.page = context.pages[0] if context.pages else context.new_page()
        self.console_errors: list[str] = []
        self.csp_violations: list[str] = []
        self.urls: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console_errors.append(f"pageerror: {error}"))
        self.page.on("request", lambda request: self.urls.append(request.url))
        self.page.set_default_timeout(15_000)

    def _on_console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.csp_violations.append(text)
        elif message.type == "error":
            self.console_errors.append(text)

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def goto(self, path: str):
        response = self.page.goto(self.url(path))
        assert response is not None and response.status < 500, f"{path} answered {response and response.status}"
        return response

    @property
    def path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self.page.url)

    def rendered_urls(self) -> list[str]:
        """Every link, form action and resource URL of the current page."""
        return self.page.eval_on_selector_all(
            "[href], [src], [action]",
            "els => els.map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action'))",
        )

    def screenshot(self, label: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{self.name}-{label}")[:150]
        path = SCREENSHOTS / f"{safe}.png"
        with contextlib.suppress(Exception):
            self.page.screenshot(path=str(path), full_page=True)
        return path

    @contextlib.contextmanager
    def step(self, label: str):
        """A named step of a journey: when it fails, the screenshot is named after it."""
        try:
            yield
        except BaseException as exc:
            path = self.screenshot(f"step-{label}")
            if hasattr(exc, "add_note"):
                exc.add_note(f"screenshot of the failing step: {path}")
            raise

    def assert_no_csp_violations(self):
        assert not self.csp_violations, f"Content-Security-Policy violations: {self.csp_violations[:5]}"

    def assert_clean_console(self):
        self.assert_no_csp_violations()
        errors = [e for e in self.console_errors if "favicon" not in e]
        assert not errors, f"console errors: {errors[:5]}"


@pytest.fixture
def browser_factory(request, playwright_driver, e2e_server, settings):
    """Opens fresh browsers (each its own profile: a visitor, a coordinator, …) against the live server."""
    live_server = e2e_server
    settings.SITE_BASE_URL = live_server.url
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    opened: list[tuple[Visitor, str]] = []

    def open_browser(name: str = "visitor", locale: str = "nl-NL") -> Visitor:
        profile = tempfile.mkdtemp(prefix="qpido-e2e-")
        context = playwright_driver.chromium.launch_persistent_context(
            profile,
            executable_path=playwright_driver.chromium_executable,
            headless=True,
            args=CHROMIUM_ARGS,
            locale=locale,
            viewport={"width": 1280, "height": 900},
        )
        # Nothing leaves this machine: outside hosts (the quick exit's neutral site, video embeds) get a stub page.
        context.route(
            NEUTRAL_HOSTS,
            lambda route: route.fulfill(
                status=200, content_type="text/html", body="<!doctype html><title>Weather</title><h1>Weather</h1>"
            ),
        )
        visitor = Visitor(context, live_server.url, f"{request.node.name}-{name}")
        opened.append((visitor, profile))
        return visitor

    yield open_browser

    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for visitor, profile in opened:
        if failed:
            visitor.screenshot("failed")
        with contextlib.suppress(Exception):
            visitor.context.close()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def demo_site(transactional_db):
    """The demo content (`load_initial_data`), in a database the live server thread can see.

    Journeys use ``django_db(transaction=True, serialized_rollback=True)`` (see `JOURNEY`): the flush after each
    test would otherwise remove what migrations created (Wagtail's root page, the groups, the default mail rules).
    """
    from django.core.management import call_command
    from django.db import connection
    from wagtail.models import Site

    # Restored from the serialized test database, Wagtail's root (and welcome) pages lose their untranslated title
    # (modeltranslation's columns were empty when Django serialized them); give them one back.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE wagtailcore_page SET title = 'Root', title_nl = 'Root', slug = 'root-' || id, "
            "slug_nl = 'root-' || id WHERE depth <= 2 AND (title = '' OR title IS NULL)"
        )
    # the pages only: each journey schedules the sessions it needs (the demo sessions would come first in lists)
    call_command("load_initial_data", "--no-activity", verbosity=0, stdout=open(os.devnull, "w"))
    return Site.objects.get(is_default_site=True)
