"""Booking contention: 200 concurrent registrations over HTTP on a 20-seat session, gunicorn with 4 workers.

Floor: the same number of concurrent requests to the bare view under the same gunicorn.
Target: p95 ≤ 300 ms, no errors, exactly 20 confirmed (the rest on the waiting list)."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

from django.utils import timezone

from bench.core import Http, Result, gunicorn, percentile

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


class Bare:
    def __call__(self, client, i, prepared):
        status, _, _ = client.get("/bench/bare/")
        return status == 200


class Register:
    def __init__(self, path):
        self.path = path

    def prepare(self, client, i):
        status, headers, body = client.get(self.path)
        token = CSRF.search(body).group(1).decode()
        cookie = headers.get("Set-Cookie", "").split(";")[0]
        return token, cookie

    def __call__(self, client, i, prepared):
        from urllib.parse import urlencode

        token, cookie = prepared
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
        status, headers, _ = client.request(
            "POST",
            self.path,
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "Referer": f"http://127.0.0.1:{client.port}{self.path}",
            },
        )
        return status == 302


def run(smoke: bool) -> list[Result]:
    from django.urls import reverse

    from workshops.models import Registration

    n = 40 if smoke else 200
    session = _session()
    path = reverse("workshops:register", kwargs={"session_id": session.pk})
    warm_session = _session()
    warm_path = reverse("workshops:register", kwargs={"session_id": warm_session.pk})
    with gunicorn(workers=4, warm_paths=("/bench/bare/", path)) as port:
        _concurrent(port, 16, Register(warm_path))  # every worker has handled a registration before we measure
        floor_lat, floor_err = _concurrent(port, n, Bare())
        lat, errors = _concurrent(port, n, Register(path))
    confirmed = Registration.objects.filter(session=session, status=Registration.Status.CONFIRMED).count()
    waitlisted = Registration.objects.filter(session=session, status=Registration.Status.WAITLISTED).count()
    p95, floor95 = percentile(lat, 95), percentile(floor_lat, 95)
    ok = p95 <= 300 and errors == 0 and confirmed == 20 and waitlisted == n - 20
    return [
        Result(
            f"booking: {n} concurrent registrations, p95",
            p95,
            floor95,
            "ms",
            "p95 ≤ 300 ms",
            ok,
            f"errors {errors}, confirmed {confirmed}, waitlisted {waitlisted}",
        )
    ]
