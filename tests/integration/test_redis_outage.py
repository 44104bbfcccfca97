"""Redis is not a single point of failure: a private redis-server (cache and broker of a gunicorn server with two
workers) is stopped in the middle of a stream of registrations and page views, and started again.

While it is down: pages, the registration form and school requests answer (uncached), registrations are stored and
answered at once, their mail waits in the outbox, rate limiting fails open, /healthz says the broker and cache are
degraded with HTTP 200. Once it is back and a worker runs (with the minute tick handing over what waited): every
registration's confirmation is delivered exactly once. The test prints its figures.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
import requests
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from tests.services import free_port_or_skip
from tests.smtp_sink import WORKER_TEST_MARKS, SinkServer, seed_defaults, wait_for

pytestmark = WORKER_TEST_MARKS
REDIS_PORTS = range(6390, 6400)
WEB_PORTS = range(8130, 8140)
SMTP_PORT = 2620
OUTAGE_SECONDS = float(os.environ.get("REDIS_OUTAGE_SECONDS", "20"))
CSRF = "b" * 32  # an unmasked CSRF secret, sent as cookie and form field


class PrivateRedis:
    """A redis-server of the test's own, with an append-only file, so a restart keeps what the broker held (as a
    production Redis would)."""

    def __init__(self, port: int, folder):
        self.port, self.folder, self.process = port, folder, None
        self.binary = shutil.which("redis-server")
        if not self.binary:
            pytest.fail("redis-server is not installed (apt-get install redis-server)")

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--appendonly", "yes", "--save", "", "--protected-mode", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        client = redis.Redis(port=self.port, socket_timeout=1)
        wait_for(lambda: _pings(client), timeout=20, message=f"redis-server on port {self.port}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def _pings(client) -> bool:
    try:
        return client.ping()
    except Exception:
        return False


def _database_url() -> str:
    db = django_settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _env(redis_url: str, smtp_port: int, var_dir) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.test",
        DATABASE_URL=_database_url(),
        REDIS_URL=redis_url,
        VAR_DIR=str(var_dir),
        PAGE_CACHE_ENABLED="on",
        RATELIMIT_ENABLE="on",
        RATELIMIT_PUBLIC_POST="1000/m",
        TEST_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
    )
    return env


def _stop(process):
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def world(site):
    from tests.factories import make_lesson, make_session, make_training

    seed_defaults()
    training = make_training(site.root_page.specific)
    lesson = make_lesson(site.root_page.specific)
    sessions = [make_session(training, capacity=500, days=20 + n) for n in range(3)]
    return {"training": training, "lesson": lesson, "sessions": sessions}


class Visitor:
    """Pages and forms as a browser sends them (CSRF cookie and field), recording every status."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()
        self.http.cookies.set("csrftoken", CSRF)
        self.statuses: Counter = Counter()
        self.by_phase: dict[str, Counter] = {}
        self.registered: list[str] = []
        self.phase = "before"
        self.seconds: dict[tuple[str, str], list[float]] = {}

    def _record(self, label: str, response) -> requests.Response:
        self.seconds.setdefault((self.phase, label), []).append(response.elapsed.total_seconds())
        self.statuses[label, response.status_code] += 1
        self.by_phase.setdefault(self.phase, Counter())[response.status_code] += 1
        assert response.status_code < 500, f"{self.phase}: {label} answered {response.status_code}"
        return response

    def get(self, label: str, path: str) -> requests.Response:
        return self._record(label, self.http.get(self.base + path, timeout=30, allow_redirects=False))

    def post(self, label: str, path: str, data: dict) -> requests.Response:
        data = {**data, "csrfmiddlewaretoken": CSRF}
        response = self.http.post(self.base + path, data=data, timeout=30, allow_redirects=False)
        return self._record(label, response)

    def register(self, session_id: int, n: int):
        email = f"outage.{n}@example.org"
        response = self.post(
            "register (POST)",
            reverse("workshops:register", args=[session_id]),
            {"name": f"Deelnemer {n}", "email": email, "language": "nl" if n % 2 else "en", "consent": "on"},
        )
        assert response.status_code == 302, f"registration {n}: {response.status_code}"
        self.registered.append(email)

    def browse(self, world):
        self.get("home", "/")
        self.get("home (en)", "/en/")
        self.get("training page", world["training"].get_url())
        self.get("search", reverse("home:search") + "?q=sexting")
        self.get("registration form", reverse("workshops:register", args=[world["sessions"][0].pk]))


def _school_request(visitor: Visitor, lesson, n: int):
    import datetime

    day = timezone.localdate() + datetime.timedelta(days=40)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    response = visitor.post(
        "school request (POST)",
        reverse("workshops:school_request", args=[lesson.pk]),
        {
            "school_name": f"Basisschool {n}",
            "contact_name": "Mirjam Bakker",
            "email": f"school.{n}@example.org",
            "phone": "020 123 4567",
            "town": "Utrecht",
            "school_type": "primary",
            "year_group": "groep 7",
            "groups": "1",
            "pupils": "25",
            "date_1": day.isoformat(),
            "part_of_day_1": "morning",
            "consent": "on",
        },
    )
    assert response.status_code == 302, f"school request {n}: {response.status_code}"


def _reconfigure_celery(broker_url: str):
    """Point this process's Celery app (the tick runs here) at the private Redis; returns a function that undoes
    it."""
    from cms.celery import app

    old = (app.conf.broker_url, app.conf.result_backend)

    def point(broker, backend):
        app.conf.broker_url, app.conf.result_backend = broker, backend
        # The connection pools are kombu's, one per broker URL (kombu.pools.connections), shared by the process:
        # forget which one the app uses, never close it, or every later test of this process that publishes to
        # the same URL meets "Acquire on closed pool". The next use picks the pool of the URL now configured.
        app._pool = None
        app.amqp._producer_pool = None
        # the result backend is built once per thread from the configuration; forget it so the next use of
        # `app.backend` reads the restored URL (otherwise later tests wait on the stopped private Redis)
        app._local.__dict__.pop("backend", None)

    point(broker_url, broker_url)
    return lambda: point(*old)


def test_the_site_answers_and_loses_nothing_while_redis_is_down(world, tmp_path):
    from events.models import MailRule, OutboxMail
    from events.services import schedule
    from workshops.models import Registration, SchoolBookingRequest

    # timed mail was just looked for, as by a running beat (else /healthz rightly calls mail degraded)
    MailRule.objects.update(checked_until=timezone.now())
    redis_server = PrivateRedis(free_port_or_skip(REDIS_PORTS), tmp_path)
    redis_server.start()
    port = free_port_or_skip(WEB_PORTS)
    log = open(tmp_path / "processes.log", "w")  # noqa: SIM115
    web = worker = None
    restore_celery = None
    with SinkServer(SMTP_PORT) as sink:
        env = _env(redis_server.url, sink.port, tmp_path)
        try:
            web = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "python:cms.gunicorn_conf", "--bind", f"127.0.0.1:{port}",
                 "--workers", "2", "--timeout", "60", "cms.wsgi:application"],
                cwd=django_settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            visitor = Visitor(f"http://127.0.0.1:{port}")
            wait_for(lambda: _answers(visitor.base), timeout=120, message="the web server")
            health = visitor.http.get(visitor.base + "/healthz", timeout=30).json()
            assert health == {"status": "ok", "database": "ok", "broker": "ok", "cache": "ok", "mail": "ok"}, health

            n = 0
            for _ in range(6):  # before: Redis up
                visitor.browse(world)
                visitor.register(world["sessions"][n % 3].pk, n)
                n += 1
            _school_request(visitor, world["lesson"], 0)

            redis_server.stop()  # --- the outage -------------------------------------------------------
            visitor.phase = "outage"
            outage_started = time.monotonic()
            during = []
            while time.monotonic() - outage_started < OUTAGE_SECONDS:
                visitor.browse(world)
                visitor.register(world["sessions"][n % 3].pk, n)
                during.append(n)
                n += 1
            _school_request(visitor, world["lesson"], 1)
            health_response = visitor.get("healthz", "/healthz")
            assert health_response.status_code == 200
            assert health_response.json() == {
                "status": "degraded",
                "database": "ok",
                "broker": "degraded",
                "cache": "degraded",
                "mail": "ok",
            }
            waiting = OutboxMail.objects.filter(status="queued", enqueued_at__isnull=True).count()

            redis_server.start()  # --- back --------------------------------------------------------------
            visitor.phase = "after"
            for _ in range(4):
                visitor.browse(world)
                visitor.register(world["sessions"][n % 3].pk, n)
                n += 1

            # a worker starts, and the minute tick (beat) hands over the mail that waited in the outbox
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "cms", "worker", "--pool", "solo", "--concurrency", "1",
                 "--loglevel", "INFO", "--without-gossip", "--without-mingle", "-n", "outage@%h"],
                cwd=django_settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            restore_celery = _reconfigure_celery(redis_server.url)
            schedule.tick()
            expected = len(visitor.registered) + 2 * 1  # confirmations, plus each school's acknowledgement
            wait_for(
                lambda: (
                    Counter(OutboxMail.objects.values_list("status", flat=True))["queued"] == 0
                    and OutboxMail.objects.filter(status="sending").count() == 0
                ),
                timeout=240,
                message="the outbox to be worked off",
            )
            wait_for(lambda: sink.count() >= expected, timeout=60, message="every mail at the sink")
            time.sleep(2)  # anything sent twice would arrive now
        finally:
            if restore_celery:
                restore_celery()
            _stop(worker)
            _stop(web)
            redis_server.stop()
            log.close()

        registered = visitor.registered
        stored = set(Registration.objects.values_list("email", flat=True))
        assert set(registered) <= stored and len(stored) == len(registered)  # nothing lost, nothing twice
        assert SchoolBookingRequest.objects.count() == 2
        received = Counter(message.to for message in sink.received())
        confirmations = {email: received[email] for email in registered}
        assert all(count == 1 for count in confirmations.values()), confirmations  # every mail once
        assert received["school.0@example.org"] == received["school.1@example.org"] == 1
        statuses = Counter(OutboxMail.objects.values_list("status", flat=True))
        assert set(statuses) == {"sent"}, statuses
        assert not any(code >= 500 for _label, code in visitor.statuses)
        print(
            f"\nRedis outage of {OUTAGE_SECONDS:g} s: {sum(visitor.by_phase['outage'].values())} requests during the "
            f"outage, statuses {dict(visitor.by_phase['outage'])}; {len(during)} registrations during the outage, "
            f"{len(registered)} in all, {len(stored)} stored; {waiting} mails waited in the outbox; "
            f"{sink.count()} mails delivered after the restart ({len(registered)} confirmations, 2 school "
            f"acknowledgements, each once); per request: "
            + ", ".join(f"{label} {code}: {count}" for (label, code), count in sorted(visitor.statuses.items()))
            + "; median seconds per request (not asserted): "
            + ", ".join(
                f"{phase}/{label} {sorted(times)[len(times) // 2]:.2f}"
                for (phase, label), times in sorted(visitor.seconds.items())
            )
        )


def _answers(base: str) -> bool:
    try:
        return requests.get(base + "/healthz", timeout=10).status_code == 200
    except requests.RequestException:
        return False


def test_worker_and_beat_wait_for_the_broker_as_long_as_it_is_away():
    """Celery's default gives up after 100 tries (about 45 minutes) and the worker exits; with the production
    settings ours keeps trying, so a long Redis outage ends with mail moving again and nobody restarting anything."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.production", "SECRET_KEY": "x" * 50}
    code = (
        "import django; django.setup(); from cms.celery import app; "
        "print(app.conf.broker_connection_max_retries, app.conf.broker_connection_retry_on_startup)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.split()[-2:] == ["None", "True"], result.stderr
