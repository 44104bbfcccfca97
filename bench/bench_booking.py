"""Booking contention: 200 concurrent registrations over HTTP on a 20-seat session, gunicorn with 4 workers.

Floor: the same number of concurrent requests to the bare view under the same gunicorn.
Target: p95 ≤ 300 ms, no errors, exactly 20 confirmed (the rest on the waiting list).

A rush like this one puts the session in rush mode (workshops/services/booking.py): most answers are "one moment"
and the places are given out by a real Celery worker right after the window. The benchmark runs that worker (and
an SMTP sink for the mail it queues), waits until no registration is pending, and reports how long that took."""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from bench.core import PYTHON, ROOT, Http, Result, bench_env, gunicorn, percentile

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _session():
    from home.models import TrainingPage
    from workshops.models import Session

    start = timezone.now() + timedelta(days=30)
    return Session.objects.create(
        training=TrainingPage.objects.live().first(),
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=20,
        is_public=True,
    )


def _concurrent(port: int, n: int, job) -> tuple[list[float], int]:
    """Run `job(client, i)` for n clients at once (after a barrier); returns latencies in ms and errors."""
    latencies, errors = [], []
    barrier = threading.Barrier(n)

    def worker(i):
        client = Http(port)
        try:
            prepared = job.prepare(client, i) if hasattr(job, "prepare") else None
            barrier.wait(timeout=120)
            started = time.perf_counter()
            ok = job(client, i, prepared)
            latencies.append((time.perf_counter() - started) * 1000)
            if not ok:
                errors.append(f"request {i}: unexpected response")
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            client.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"bench: {len(errors)} failed requests, e.g. {errors[:3]}", flush=True)
    return latencies, len(errors)


def _send(port: int, request: bytes) -> int:
    """One request on a new connection, as prepared bytes; returns the status. The load generator shares the
    machine's two cores with the server, so after the barrier it does no more than a client on another machine
    would cost the server: no HTTP library, no parsing beyond the status line (sync gunicorn closes the
    connection after each response)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head = b"".join(chunks)[:12]
    return int(head[9:12]) if head.startswith(b"HTTP/1.") else 0


def _request(method: str, path: str, port: int, headers: dict | None = None, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Bare:
    def prepare(self, client, i):
        return _request("GET", "/bench/bare/", client.port)

    def __call__(self, client, i, prepared):
        return _send(client.port, prepared) == 200


class Register:
    def __init__(self, path):
        self.path = path

    def prepare(self, client, i):
        from urllib.parse import urlencode

        status, headers, page = client.get(self.path)
        token = CSRF.search(page).group(1).decode()
        cookie = headers.get("Set-Cookie", "").split(";")[0]
        body = urlencode(
            {
                "csrfmiddlewaretoken": token,
                "name": f"Deelnemer {i}",
                "email": f"bench{i}@example.org",
                "organisation": "School",
                "role": "docent",
                "language": "nl",
                "consent": "on",
                "website": "",
            }
        ).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": f"http://127.0.0.1:{client.port}{self.path}",
        }
        return _request("POST", self.path, client.port, headers, body)

    def __call__(self, client, i, prepared):
        return _send(client.port, prepared) == 302


def _settled(session, timeout=60):
    from events.models import OutboxMail
    from workshops.models import Registration

    deadline = time.monotonic() + timeout
    pending = Registration.objects.filter(session=session, status=Registration.Status.PENDING)
    while pending.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    while OutboxMail.objects.filter(scope=session.scope, status=OutboxMail.Status.QUEUED).exists():
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    time.sleep(1)


class _worker:
    """One real Celery worker on the bench broker (default queue): it decides the pending registrations."""

    def __enter__(self):
        self.process = subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "cms", "worker", "--loglevel=WARNING", "--concurrency=1"]
            + ["--without-gossip", "--without-mingle", "--hostname", "bench-booking@%h"],
            cwd=ROOT,
            env=bench_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self.process

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def run(smoke: bool) -> list[Result]:
    from django.urls import reverse

    from workshops.models import Registration

    n = 40 if smoke else 200
    session = _session()
    path = reverse("workshops:register", kwargs={"session_id": session.pk})
    warm_session = _session()
    warm_path = reverse("workshops:register", kwargs={"session_id": warm_session.pk})
    from bench.bench_mail import Sink, _wait_for_worker
    from cms.celery import app

    app.control.purge()  # what earlier runs left on the bench broker
    with Sink(settings.EMAIL_PORT), _worker():
        _wait_for_worker()
        with gunicorn(workers=4, warm_paths=("/bench/bare/", path)) as port:
            _concurrent(port, 16, Register(warm_path))  # every worker has handled a registration before we measure
            _settled(warm_session)  # its pending places and mail are done: the worker is idle when we measure
            floor_lat, floor_err = _concurrent(port, n, Bare())
            burst_started = time.perf_counter()
            lat, errors = _concurrent(port, n, Register(path))
            pending = Registration.objects.filter(session=session, status=Registration.Status.PENDING)
            rushed = pending.count()
        deadline = time.monotonic() + 60
        while pending.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        decided_after = time.perf_counter() - burst_started
        left = pending.count()
    confirmed = Registration.objects.filter(session=session, status=Registration.Status.CONFIRMED).count()
    waitlisted = Registration.objects.filter(session=session, status=Registration.Status.WAITLISTED).count()
    p95, floor95 = percentile(lat, 95), percentile(floor_lat, 95)
    ok = p95 <= 300 and errors == 0 and confirmed == 20 and waitlisted == n - 20 and left == 0
    return [
        Result(
            f"booking: {n} concurrent registrations, p95",
            p95,
            floor95,
            "ms",
            "p95 ≤ 300 ms",
            ok,
            f"errors {errors}, confirmed {confirmed}, waitlisted {waitlisted}; {rushed} answered 'one moment', "
            f"all decided {decided_after:.1f} s after the rush began",
        )
    ]
