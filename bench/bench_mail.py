"""Mail: outbox mails through one real Celery worker (Redis broker, PostgreSQL) to a local SMTP sink, against a
plain smtplib loop over one connection to the same sink (the floor). Target: ≥ 0.5 of the floor."""

from __future__ import annotations

import smtplib
import subprocess
import time

from django.conf import settings

from bench.core import PYTHON, ROOT, Result, bench_env


class Sink:
    """An aiosmtpd server that accepts and counts every message."""

    def __init__(self, port: int):
        from aiosmtpd.controller import Controller

        self.count = 0
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.count += 1
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def _rows(n: int):
    from events.api import Recipient
    from events.models import MailRule
    from events.render import sample_context
    from events.services.outbox import build_row

    rule = MailRule.objects.select_related("template").get(key="confirmation", training_key="")
    contexts = {lang: sample_context(lang) for lang in ("nl", "en")}
    return [
        build_row(
            rule,
            "bench:mail",
            Recipient(
                key=f"bench:{i}",
                email=f"b{i}@example.org",
                language="en" if i % 2 else "nl",
                context=contexts["en" if i % 2 else "nl"],
            ),
        )
        for i in range(n)
    ]


def _floor(port: int, n: int, message: bytes) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(n):
            smtp.sendmail("no-reply@qpido.nl", [f"b{i}@example.org"], message)
    return n / (time.perf_counter() - started)


# The worker consumes its own queue: tasks that other work on this machine publishes to the bench broker (a booking
# profiled with the bench settings fires confirmation mails) would otherwise be sent by this worker, to this sink.
QUEUE = "bench-mail"
# The worker runs as deployed: the Procfile and docker-compose.yml start it with 4 processes (WORKER_CONCURRENCY),
# more than the cores, because a mail worker mostly waits for the mail server and the database.
WORKER_CONCURRENCY = 4


def _publish(chunk: list[int]) -> None:
    from events.tasks import send_batch

    send_batch.apply_async(args=[chunk], queue=QUEUE)


def _count_sent(ids: list[int]) -> int:
    """How many of `ids` are sent: one small statement (the inserted ids are one range, and only this run's rows
    carry the bench scope) that keeps the GIL free for the sink while PostgreSQL counts."""
    from django.db import connection

    from events.models import OutboxMail

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {OutboxMail._meta.db_table} "
            "WHERE id BETWEEN %s AND %s AND scope = %s AND status = %s",
            [min(ids), max(ids), "bench:mail", OutboxMail.Status.SENT],
        )
        return cursor.fetchone()[0]


def _wait_for_worker(timeout=60):
    from cms.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5):
            return
    raise RuntimeError("the Celery worker did not answer")


def run(smoke: bool) -> list[Result]:
    from cms.celery import app
    from events.models import OutboxMail
    from events.services.outbox import enqueue, insert_rows

    n = 200 if smoke else 5000
    port = settings.EMAIL_PORT
    OutboxMail.objects.filter(scope="bench:mail").delete()
    app.control.purge()
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(QUEUE)  # what a stopped run may have left
    with Sink(port) as sink:
        # a representative message for the floor: the size of a rendered outbox mail
        sample = _rows(1)[0]
        from events.services.outbox import _render_row

        _render_row(sample)
        from django.core.mail import EmailMultiAlternatives

        mime = EmailMultiAlternatives(sample.subject, sample.body_text, "no-reply@qpido.nl", ["b@example.org"])
        mime.attach_alternative(sample.body_html, "text/html")
        message = mime.message().as_bytes(linesep="\r\n")
        # the floor's client and sink share one process: a single run swings with where the scheduler puts the
        # two threads (850-1,260 mails/s in one afternoon), so it is the median of three
        floors = sorted(_floor(port, n, message) for _ in range(3))
        floor = floors[1]
        sink.count = 0

        ids = insert_rows(_rows(n))
        worker = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "cms",
                "worker",
                "--loglevel=WARNING",
                f"--concurrency={WORKER_CONCURRENCY}",
                "--without-gossip",
                "--without-mingle",
                "--queues",
                QUEUE,
                "--hostname",
                "bench@%h",
            ],
            cwd=ROOT,
            env=bench_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for_worker()
            started = time.perf_counter()
            enqueue(ids, publish=_publish)
            deadline = time.monotonic() + (120 if smoke else 900)
            while time.monotonic() < deadline:
                # The sink shares this process (and its GIL): the poll must stay light, or the sink answers the
                # worker late. The ORM filter on 5,000 ids cost 55 ms of Python ten times a second.
                sent = _count_sent(ids)
                if sent == n:
                    break
                time.sleep(0.1)
            elapsed = time.perf_counter() - started
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        delivered = sink.count
    rate = sent / elapsed
    ok = rate >= 0.5 * floor and sent == n and delivered == n
    OutboxMail.objects.filter(scope="bench:mail").delete()
    return [
        Result(
            f"mail: {n:,} outbox mails via worker",
            rate,
            floor,
            "mails/s",
            "≥ 0.5 × floor",
            ok,
            f"sent {sent}, sink received {delivered}; floor runs {', '.join(f'{f:,.0f}' for f in floors)}",
        )
    ]
