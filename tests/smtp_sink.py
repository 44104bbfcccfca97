"""A local SMTP sink (aiosmtpd) for the event engine's integration tests, plus helpers they share.

The sink can accept mail, answer 4xx (try again later) for everything, refuse chosen addresses with 5xx, and slow
down each message so a test can stop a worker in the middle of a batch.
"""

from __future__ import annotations

import asyncio
import email
import importlib
import socket
import threading
import time
from dataclasses import dataclass
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

# Ports reserved for this area's tests (2525–2535).
PORT_RANGE = (2525, 2535)


def _postgres_only():
    from django.conf import settings

    return pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (DATABASE_URL): in-memory SQLite locks whole tables between the worker and the test",
    )


# The marks of a test module whose worker (in-process or a subprocess) shares the test database.
WORKER_TEST_MARKS = [pytest.mark.integration, pytest.mark.django_db(transaction=True), _postgres_only()]

PORTS = {
    "schedule": 2525,
    "twice": 2526,
    "kill": 2527,
    "errors": 2528,
    "late": 2529,
    "cap": 2530,
    "refused": 2531,
    "self": 2535,
}


@dataclass
class Received:
    to: str
    subject: str
    message_id: str
    language: str
    text: str


class Sink:
    def __init__(self):
        self.messages: list[Received] = []
        self.temporary_failure = False
        self.refuse: set[str] = set()
        self.delay = 0.0
        self.rcpt_attempts = 0
        self.port = 0
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self._lock:
            self.rcpt_attempts += 1
        if self.temporary_failure:
            return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        if address in self.refuse:
            return "550 5.1.1 Mailbox does not exist"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=default_policy)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body else ""
        with self._lock:
            for rcpt in envelope.rcpt_tos:
                self.messages.append(
                    Received(
                        to=rcpt,
                        subject=str(message["Subject"]),
                        message_id=str(message["Message-ID"]),
                        language="en" if text.startswith("Dear") else "nl" if text.startswith("Beste") else "?",
                        text=text,
                    )
                )
        return "250 Message accepted for delivery"

    def received(self) -> list[Received]:
        with self._lock:
            return list(self.messages)

    def count(self) -> int:
        with self._lock:
            return len(self.messages)


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _pick_port(preferred: int) -> int:
    """The preferred port of our range; when another run of the suite holds it, another free one in the range,
    else any free port (the tests pass the port on, so any port works)."""
    for port in [preferred, *range(PORT_RANGE[0], PORT_RANGE[1] + 1)]:
        if _free(port):
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SinkServer:
    def __init__(self, port: int):
        self.port = _pick_port(port)
        self.sink = Sink()
        self.sink.port = self.port
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> Sink:
        self.controller.start()
        return self.sink

    def __exit__(self, *exc):
        self.controller.stop()


def seed_defaults() -> None:
    """Transactional tests flush the database, taking the seeded rules with them: put them back (idempotent)."""
    from django.apps import apps

    seeded: list[str] = []
    for migration in (
        "0002_default_templates_and_rules",
        "0004_school_request_mail",
        "0005_registration_cancelled_and_demoted_mail",
        "0006_session_changed_mail",
        "0007_actions_follow_up_mail",
    ):
        module = importlib.import_module(f"events.migrations.{migration}")
        module.seed(apps, None)
        seeded += [rule[0] for rule in module.RULES]
    # as after the migrations: the seeded rules carry no creation date (they catch up like rules made with the site)
    apps.get_model("events", "MailRule").objects.filter(key__in=seeded, training_key="").update(created_at=None)


def use_sink(settings, port: int) -> None:
    """Point Django's SMTP backend at the sink (read at send time, so the in-process worker follows)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10


def wait_for(condition, timeout: float = 60, interval: float = 0.1, message: str = "condition"):
    """Poll until `condition()` is truthy; fail with `message` after `timeout` seconds (a deadline, not a speed
    assertion: a slow machine only waits longer)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out waiting for {message}")
