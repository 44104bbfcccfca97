"""`python -m bench.booking_cpu`: where a registration's time goes, without a load generator.

Prints (1) the CPU time per request through the WSGI application in this process (warm, `time.process_time()`):
the bare view, the booking benchmark's floor (the registration form validated, a redirect, nothing written) and
the registration POST itself, for a confirmed seat and for a waiting-list place; and (2) how long the session row
stays locked per registration (from the locking SELECT to the commit), the same two ways. These bound the booking
benchmark: on C cores at most C / CPU-per-POST registrations per second, and for one session at most
1 / lock-time, since its registrations are decided one at a time. `--profile` adds a pyinstrument profile of the
registration POSTs. Uses the benchmark database (bench.settings)."""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from urllib.parse import urlencode

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

POSTS = 200


def _environ(method, path, body=b"", cookie="", content_type="application/x-www-form-urlencoded"):
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": content_type,
        "HTTP_COOKIE": cookie,
        "HTTP_REFERER": f"http://127.0.0.1:8000{path}",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def _cpu_ms(func, numbers) -> float:
    numbers = list(numbers)
    started = time.process_time()
    for i in numbers:
        func(i)
    return (time.process_time() - started) / len(numbers) * 1000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)

    from bench.core import ensure_database

    ensure_database(os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qpido_bench"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench.bench_booking import CSRF, _session
    from bench.wsgi import application
    from events.models import OutboxMail
    from home.models import TrainingPage
    from workshops.services import booking
    from workshops.services.booking import RegistrationData

    if not TrainingPage.objects.live().exists():
        call_command("load_initial_data", verbosity=0)

    def call(environ):
        statuses = []
        b"".join(application(environ, lambda status, headers, exc=None: statuses.append(status)))
        return statuses[0]

    sessions = []

    def poster(path, prefix, token, cookie):
        def post(i):
            body = urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "name": f"Deelnemer {i}",
                    "email": f"{prefix}{i}@example.org",
                    "language": "nl",
                    "consent": "on",
                    "website": "",
                }
            ).encode()
            status = call(_environ("POST", path, body, cookie))
            assert status.startswith("302"), f"the POST to {path} answered {status}"

        return post

    def form_of(session):
        sessions.append(session)
        path = reverse("workshops:register", kwargs={"session_id": session.pk})
        page = Client().get(path)
        token, cookie = CSRF.search(page.content).group(1).decode(), f"csrftoken={page.cookies['csrftoken'].value}"
        floor = reverse("bench_registration_floor", kwargs={"session_id": session.pk})
        return poster(path, f"cpu{session.pk}-", token, cookie), poster(floor, "floor", token, cookie)

    try:
        open_post, floor_post = form_of(_session(capacity=None))  # unlimited: every POST confirms a seat
        full = _session(capacity=1)
        full_post, _ = form_of(full)
        full_post(0)  # the one seat is taken: what follows are waiting-list places
        for i in range(1, 31):  # warm
            open_post(i)
            full_post(i)
            floor_post(i)
            call(_environ("GET", "/bench/bare/"))
        bare = _cpu_ms(lambda i: call(_environ("GET", "/bench/bare/")), range(POSTS))
        floor = _cpu_ms(floor_post, range(1000, 1000 + POSTS))
        confirmed = _cpu_ms(open_post, range(1000, 1000 + POSTS))
        waiting = _cpu_ms(full_post, range(1000, 1000 + POSTS))
        print(
            f"CPU per request in this process: bare view {bare:.2f} ms, floor (form validated, redirect) "
            f"{floor:.2f} ms; registration POST: confirmed {confirmed:.2f} ms, waiting list {waiting:.2f} ms"
        )

        holds: dict[str, list[float]] = {"confirmed": [], "waitlisted": []}
        locked = booking._locked_session

        def timed(session_id, *a, **kwargs):
            row = locked(session_id, *a, **kwargs)
            moment = time.perf_counter()
            connection.on_commit(lambda: last.append((time.perf_counter() - moment) * 1000))
            return row

        booking._locked_session = timed
        try:
            other = _session(capacity=20)
            sessions.append(other)
            for i in range(80):
                last: list[float] = []
                registration = booking.register(
                    other.pk, RegistrationData(name=f"Lock {i}", email=f"lock{i}@example.org")
                )
                if i >= 5:  # warm
                    holds[registration.status].extend(last)
        finally:
            booking._locked_session = locked
        print(
            f"session row locked per registration: confirmed {statistics.median(holds['confirmed']):.2f} ms, "
            f"waiting list {statistics.median(holds['waitlisted']):.2f} ms (medians of "
            f"{len(holds['confirmed'])} and {len(holds['waitlisted'])})"
        )
        cores = os.cpu_count() or 1
        print(
            f"bounds: {cores} cores / CPU per POST = {cores / confirmed * 1000:,.0f} registrations/s; one session "
            f"decides at most {1000 / statistics.median(holds['waitlisted']):,.0f} registrations/s"
        )
        if args.profile:
            print("--- profile of registration POSTs (waiting list) ---")
            print(_profiled(full_post, range(4000, 4200)))
    finally:
        # their mail is not for the benchmark's worker and sink: nothing of it stays queued
        OutboxMail.objects.filter(scope__in=[s.scope for s in sessions]).delete()
    return 0


def _profiled(post, numbers) -> str:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0002)
    profiler.start()
    for i in numbers:
        post(i)
    profiler.stop()
    return profiler.output_text(unicode=False, show_all=False)


if __name__ == "__main__":
    sys.exit(main())
