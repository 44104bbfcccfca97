"""Booking under contention, over HTTP, with gunicorn (4 workers), a real Celery worker and an SMTP sink.

1. 200 people send the registration form of one 20-seat session at the same moment (40 in the smoke run). Each
   request's answer is decided in the request itself (`workshops.services.booking.register`: one locked path, no
   pending state), so the checks are: no errors, exactly 20 confirmed and 180 waitlisted, the page each person is
   redirected to states their seat or waiting-list number, arrival order (created_at, id) is commit order (an
   observer connection never sees a registration committed before an earlier one), and every person's mail
   reaches the sink exactly once.
   Floor: the same 200 POSTs (same form, same CSRF cookie) to a view that validates the RegistrationForm and
   redirects without writing (bench/urls.py), under the same gunicorn, in the same run.
   Target: decided registrations per second ≥ 0.1 × the floor's. p50 and p95 are reported, not targets.
2. A 10-seat session with 10 confirmed and 10 waiting: 8 of them cancel (POST on the cancel page) while 30 others
   register, all at once. A separate connection counts the confirmed every 50 ms: it never sees more than 10.

The old target (p95 ≤ 300 ms for this burst) was withdrawn: see docs/performance.md."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import threading
import time
from collections import Counter
from datetime import timedelta
from urllib.parse import urlencode, urlparse

from django.conf import settings
from django.utils import timezone

from bench.core import PYTHON, ROOT, Http, Result, bench_env, gunicorn, percentile

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
LOCATION = re.compile(rb"\r\nLocation: ([^\r\n]+)", re.IGNORECASE)
WAITING_NUMBER = re.compile(r"wachtlijst \(nummer (\d+)\)")
SEATS = 20
SAMPLE_SECONDS = 0.05


def _session(capacity=SEATS):
    from home.models import TrainingPage
    from workshops.models import Session

    start = timezone.now() + timedelta(days=30)
    return Session.objects.create(
        training=TrainingPage.objects.live().first(),
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=capacity,
        is_public=True,
    )


# --- the load generator -----------------------------------------------------------------------------------------


def _request(method: str, path: str, port: int, headers: dict | None = None, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _send(port: int, request: bytes) -> tuple[int, str]:
    """One request on a new connection, as prepared bytes; returns the status and the Location header. The load
    generator shares the machine's two cores with the server, so after the barrier it does no more than a client
    on another machine would cost the server: no HTTP library, no parsing beyond the head (sync gunicorn closes
    the connection after each response)."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    answer = b"".join(chunks)
    head = answer.split(b"\r\n\r\n", 1)[0]
    status = int(head[9:12]) if head.startswith(b"HTTP/1.") else 0
    location = LOCATION.search(head)
    return status, location.group(1).decode() if location else ""


def _burst(port: int, requests: list[bytes]) -> tuple[list[float], list[tuple[int, str]], float]:
    """Send every prepared request at the same moment, each from its own thread on a new connection.

    Returns the latencies in ms, each request's (status, Location) (status 0 when it failed), and the wall time
    from the barrier to the last answer."""
    n = len(requests)
    latencies = [0.0] * n
    answers: list[tuple[int, str]] = [(0, "")] * n
    spans = [(0.0, 0.0)] * n
    barrier = threading.Barrier(n)

    def worker(i):
        try:
            barrier.wait(timeout=120)
            started = time.perf_counter()
            answers[i] = _send(port, requests[i])
            ended = time.perf_counter()
            latencies[i] = (ended - started) * 1000
            spans[i] = (started, ended)
        except Exception as exc:  # noqa: BLE001 - counted as an error by the caller
            answers[i] = (0, f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done = [span for span in spans if span[1]]
    wall = max(end for _, end in done) - min(start for start, _ in done) if done else float("inf")
    return latencies, answers, wall


class Form:
    """The registration form's CSRF cookie and token, fetched once (a token is valid for every form of its
    cookie), and prepared POST requests built from them."""

    def __init__(self, port: int, path: str):
        self.port = port
        client = Http(port)
        status, headers, page = client.get(path)
        client.close()
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        self.token = CSRF.search(page).group(1).decode()
        self.cookie = headers.get("Set-Cookie", "").split(";")[0]
        self.referer = f"http://127.0.0.1:{port}{path}"

    def post(self, path: str, fields: dict | None = None) -> bytes:
        body = urlencode({"csrfmiddlewaretoken": self.token, **(fields or {})}).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": self.cookie,
            "Referer": self.referer,
        }
        return _request("POST", path, self.port, headers, body)

    def registration(self, path: str, i: int, prefix: str = "bench") -> bytes:
        return self.post(
            path,
            {
                "name": f"Deelnemer {i}",
                "email": f"{prefix}{i}@example.org",
                "organisation": "School",
                "role": "docent",
                "language": "nl",
                "consent": "on",
                "website": "",
            },
        )


# --- the services: SMTP sink, Celery worker, an observer connection -----------------------------------------------


class Sink:
    """An aiosmtpd server that records the recipients of every message it accepts."""

    def __init__(self, port: int):
        from aiosmtpd.controller import Controller

        self.recipients: Counter = Counter()
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with sink.lock:
                    sink.recipients.update(envelope.rcpt_tos)
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)

    def count(self, addresses) -> Counter:
        with self.lock:
            return Counter({address: self.recipients[address] for address in addresses})

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class Worker:
    """One real Celery worker on the bench broker. It consumes this bench database's own queue (bench.settings),
    where the web workers hand over the mail of every registration."""

    def __init__(self):
        self.hostname = f"bench-booking-{os.getpid()}@{socket.gethostname()}"

    def __enter__(self):
        self.process = subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "cms", "worker", "--loglevel=WARNING", "--concurrency=1"]
            + ["--without-gossip", "--without-mingle", "--hostname", self.hostname],
            cwd=ROOT,
            env=bench_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        from cms.celery import app

        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[self.hostname], timeout=0.5):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("the Celery worker did not answer")
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Observer:
    """A connection of its own that reads a session's registrations every `interval` seconds while it runs: the
    most confirmed it ever saw, and whether it ever saw a registration committed before one that arrived earlier
    (the committed ids must always be the first ones of the final arrival order)."""

    def __init__(self, session_id: int, interval: float):
        self.session_id, self.interval = session_id, interval
        self.samples: list[tuple[list[int], int]] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        import psycopg

        db = settings.DATABASES["default"]
        with psycopg.connect(
            dbname=db["NAME"],
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            autocommit=True,
        ) as conn:
            while not self.stopped.is_set():
                rows = conn.execute(
                    "SELECT id, status FROM workshops_registration WHERE session_id = %s", (self.session_id,)
                ).fetchall()
                self.samples.append((sorted(pk for pk, _ in rows), sum(status == "confirmed" for _, status in rows)))
                time.sleep(self.interval)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        time.sleep(self.interval * 2)  # a last look after everything committed
        self.stopped.set()
        self.thread.join(timeout=10)

    def most_confirmed(self) -> int:
        return max((confirmed for _, confirmed in self.samples), default=0)

    def order_violations(self, arrival_order: list[int]) -> int:
        return sum(ids != arrival_order[: len(ids)] for ids, _ in self.samples)


# --- the checks -----------------------------------------------------------------------------------------------------


def _page_states(port: int, location: str) -> tuple[str, int | None]:
    """What the page a person was redirected to says: ("confirmed", None) or ("waitlisted", number)."""
    client = Http(port)
    status, _, page = client.get(urlparse(location).path)
    client.close()
    text = page.decode()
    if status == 200 and "notice-confirmed" in text and "is bevestigd" in text:
        return "confirmed", None
    number = WAITING_NUMBER.search(text)
    if status == 200 and "notice-waitlisted" in text and number:
        return "waitlisted", int(number.group(1))
    return f"unclear ({status})", None


def _wait_for_mail(sink: Sink, addresses: list[str], scope: str, timeout: float) -> float:
    """Wait until every address has a mail at the sink and no mail of the scope is left to send; returns how
    long that took."""
    from events.models import OutboxMail

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if (
            all(sink.count(addresses).values())
            and not OutboxMail.objects.filter(
                scope=scope, status__in=[OutboxMail.Status.QUEUED, OutboxMail.Status.SENDING]
            ).exists()
        ):
            break
        time.sleep(0.2)
    waited = time.monotonic() - started
    time.sleep(1)  # a duplicate would arrive now
    return waited


def _contention(port: int, sink: Sink, n: int) -> list[Result]:
    from django.urls import reverse

    from workshops.models import Registration

    session = _session()
    path = reverse("workshops:register", kwargs={"session_id": session.pk})
    floor_path = reverse("bench_registration_floor", kwargs={"session_id": session.pk})
    form = Form(port, path)
    floor_lat, floor_answers, floor_wall = _burst(port, [form.registration(floor_path, i) for i in range(n)])
    floor_errors = sum(status != 302 for status, _ in floor_answers)
    with Observer(session.pk, 0.02) as observer:
        lat, answers, wall = _burst(port, [form.registration(path, i) for i in range(n)])
    errors = [answer for answer in answers if answer[0] != 302]
    if errors:
        print(f"bench: {len(errors)} failed registrations, e.g. {errors[:3]}", flush=True)

    rows = list(Registration.objects.filter(session=session).order_by("created_at", "id"))
    arrival = [r.pk for r in rows]
    statuses = Counter(r.status for r in rows)
    confirmed, waitlisted = statuses[Registration.Status.CONFIRMED], statuses[Registration.Status.WAITLISTED]
    in_order = (
        arrival == sorted(arrival)
        and [r.status for r in rows] == ["confirmed"] * min(SEATS, n) + ["waitlisted"] * max(n - SEATS, 0)
        and observer.order_violations(arrival) == 0
    )
    by_email = {r.email: r for r in rows}
    told_right = 0
    for i, (status, location) in enumerate(answers):
        registration = by_email.get(f"bench{i}@example.org")
        if status == 302 and registration is not None:
            told_right += _page_states(port, location) == (registration.status, registration.waitlist_position)
    addresses = [f"bench{i}@example.org" for i in range(n)]
    waited = _wait_for_mail(sink, addresses, session.scope, timeout=60 if n < 100 else 180)
    received = sink.count(addresses)
    once = sum(count == 1 for count in received.values())

    rate, floor_rate = n / wall, n / floor_wall
    checks_ok = (
        not errors
        and not floor_errors
        and (confirmed, waitlisted) == (min(SEATS, n), max(n - SEATS, 0))
        and in_order
        and told_right == n
        and once == n
    )
    note = (
        f"errors {len(errors)} (floor {floor_errors}); {confirmed} confirmed, {waitlisted} waitlisted; "
        f"{told_right}/{n} pages state it; arrival = commit order: {'yes' if in_order else 'NO'} "
        f"({len(observer.samples)} observer samples); mail: {once}/{n} delivered once "
        f"({sum(received.values())} received, all within {waited:.1f} s)"
    )
    return [
        Result(
            f"booking: {n} concurrent registrations, {SEATS} seats",
            rate,
            floor_rate,
            "decided/s",
            "≥ 0.1 × floor, checks",
            checks_ok and rate >= 0.1 * floor_rate,
            note,
        ),
        Result(f"booking: p50 of {n} POSTs", percentile(lat, 50), percentile(floor_lat, 50), "ms", "reported", True),
        Result(f"booking: p95 of {n} POSTs", percentile(lat, 95), percentile(floor_lat, 95), "ms", "reported", True),
    ]


def _cancellations(port: int) -> Result:
    """10 seats, 10 confirmed and 10 waiting; 8 of them cancel while 30 others register, all at once."""
    from django.urls import resolve, reverse

    from workshops.models import Registration

    seats, cancelling, joining = 10, 8, 30
    session = _session(capacity=seats)
    path = reverse("workshops:register", kwargs={"session_id": session.pk})
    form = Form(port, path)
    tokens = []
    for i in range(2 * seats):
        status, location = _send(port, form.registration(path, i, prefix="stay"))
        if status != 302:
            raise RuntimeError(f"registration {i} answered {status}")
        tokens.append(resolve(urlparse(location).path).kwargs["token"])
    leaving = tokens[::5] + tokens[1::5]  # confirmed and waiting people
    assert len(leaving) == cancelling
    requests = [form.post(reverse("workshops:cancel", kwargs={"token": token})) for token in leaving]
    requests += [form.registration(path, i, prefix="join") for i in range(joining)]
    with Observer(session.pk, SAMPLE_SECONDS) as observer:
        _, answers, _ = _burst(port, requests)
    errors = sum(status != 302 for status, _ in answers)
    final = Counter(Registration.objects.filter(session=session).values_list("status", flat=True))
    most = observer.most_confirmed()
    ok = most <= seats and errors == 0 and final["confirmed"] == seats and final["cancelled"] == cancelling
    return Result(
        f"booking: most confirmed seen, {seats} seats, cancellations during registrations",
        most,
        None,
        "confirmed",
        f"≤ {seats}",
        ok,
        f"{cancelling} cancellations + {joining} registrations at once, errors {errors}; "
        f"{len(observer.samples)} samples every {SAMPLE_SECONDS * 1000:.0f} ms; "
        f"at the end {final['confirmed']} confirmed, {final['waitlisted']} waiting",
    )


def _leftovers() -> None:
    """What earlier runs (or `bench.booking_cpu`) left queued in the bench database and on its queue would be sent
    by this run's worker: cancel and purge it."""
    from cms.celery import app
    from events.models import OutboxMail

    OutboxMail.objects.filter(status__in=[OutboxMail.Status.QUEUED, OutboxMail.Status.SENDING]).update(
        status=OutboxMail.Status.CANCELLED
    )
    with app.connection_for_write() as connection:
        try:
            connection.default_channel.queue_purge(settings.CELERY_TASK_DEFAULT_QUEUE)
        except Exception:  # noqa: BLE001 - the queue does not exist yet
            pass


def run(smoke: bool) -> list[Result]:
    from django.core.management import call_command
    from django.urls import reverse

    from home.models import TrainingPage

    if not TrainingPage.objects.live().exists():
        call_command("load_initial_data", verbosity=0)
    n = 40 if smoke else 200
    _leftovers()
    warm_session = _session()
    warm_path = reverse("workshops:register", kwargs={"session_id": warm_session.pk})
    warm_floor = reverse("bench_registration_floor", kwargs={"session_id": warm_session.pk})
    with Sink(settings.EMAIL_PORT) as sink, Worker():
        with gunicorn(workers=4, warm_paths=("/bench/bare/", warm_path)) as port:
            # every web worker has handled both kinds of POST, and the worker has sent their mail, before we measure
            form = Form(port, warm_path)
            _burst(port, [form.registration(warm_floor, i, prefix="warm") for i in range(16)])
            _burst(port, [form.registration(warm_path, i, prefix="warm") for i in range(16)])
            _wait_for_mail(sink, [f"warm{i}@example.org" for i in range(16)], warm_session.scope, timeout=60)
            results = _contention(port, sink, n)
            results.append(_cancellations(port))
    return results
