"""`python -m bench.booking_cpu`: where a registration's time goes, without a load generator.

Prints (1) the CPU time per registration POST through the WSGI application in this process (warm, 200 prepared
POSTs, `time.process_time()`), next to the bare view, and (2) how long the session row stays locked per
registration (from the locking SELECT to the commit hook), for confirmed and waiting-list places. These two
figures bound the booking benchmark: p95 ≈ 0.95 × 200 × CPU per request / cores, and ≥ 200 × the lock time.
`--profile` adds a pyinstrument profile of the POSTs. Uses the benchmark database (bench.settings)."""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from urllib.parse import urlencode

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


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
    from home.models import TrainingPage
    from workshops.services import booking

    if not TrainingPage.objects.live().exists():
        call_command("load_initial_data", verbosity=0)

    def call(environ):
        statuses = []
        b"".join(application(environ, lambda status, headers, exc=None: statuses.append(status)))
        return statuses[0]

    session = _session()
    path = reverse("workshops:register", kwargs={"session_id": session.pk})
    page = Client().get(path)
    token, cookie = CSRF.search(page.content).group(1).decode(), f"csrftoken={page.cookies['csrftoken'].value}"

    def post(i):
        body = urlencode(
            {
                "csrfmiddlewaretoken": token,
                "name": f"Deelnemer {i}",
                "email": f"cpu{i}@example.org",
                "language": "nl",
                "consent": "on",
                "website": "",
            }
        ).encode()
        return call(_environ("POST", path, body, cookie))

    for i in range(30):  # warm: the 20 seats are taken, what follows are waiting-list places
        assert post(i).startswith("302"), "the registration POST did not redirect"
    started = time.process_time()
    for _i in range(200):
        call(_environ("GET", "/bench/bare/"))
    bare = (time.process_time() - started) / 200 * 1000
    started = time.process_time()
    for i in range(1000, 1200):
        post(i)
    registration = (time.process_time() - started) / 200 * 1000
    print(f"CPU per request in this process: bare view {bare:.2f} ms, registration POST {registration:.2f} ms")
    booking._start_rush(session.pk, 600)  # rush mode: every POST is stored as pending (one INSERT, no lock)
    started = time.process_time()
    for i in range(3000, 3200):
        post(i)
    rush = (time.process_time() - started) / 200 * 1000
    if args.profile:
        rush_profile = _profiled(post, range(4000, 4400))
    booking.end_rush(session.pk)
    booking.decide_pending(session.pk)
    print(f"CPU per registration POST in rush mode (stored as pending): {rush:.2f} ms")

    holds: list[float] = []
    locked = booking._locked_session

    def timed(session_id, **kwargs):
        row = locked(session_id, **kwargs)
        moment = time.perf_counter()
        connection.on_commit(lambda: holds.append((time.perf_counter() - moment) * 1000))
        return row

    booking._locked_session = timed
    try:
        from workshops.services.booking import RegistrationData

        other = _session()
        for i in range(60):
            booking.register(other.pk, RegistrationData(name=f"Lock {i}", email=f"lock{i}@example.org"))
    finally:
        booking._locked_session = locked
    print(
        f"session row locked per registration: confirmed {statistics.median(holds[2:20]):.2f} ms, "
        f"waiting list {statistics.median(holds[25:]):.2f} ms (medians)"
    )
    if args.profile:
        print("--- profile of registration POSTs in rush mode ---")
        print(rush_profile)
        print("--- profile of registration POSTs on the normal (locked) path ---")
        print(_profiled(post, range(2000, 2200)))
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
