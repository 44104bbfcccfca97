"""Team board: 30 participants on one board for 60 s under gunicorn with several sync workers and Redis, each phone
polling the board once a second as board.js does and adding a short answer every ~10 s (step 1: every answer shows
on every phone and on the projector), plus the projector polling.

Figures: the p95 time from a contribution (the moment its POST is sent) to its appearance on another screen (every
other phone and the projector; a poll that brings the fragment holding it), and the server's CPU (gunicorn master and
workers, from /proc) per participant per minute.
Floor, measured in the same run with the same clients and rhythm: the same polls against the project's bare view
(no board), where a "contribution" appears with the first poll that completes after it, so the floor holds the poll
interval and the server's own answer time; its CPU per participant per minute is the cost of merely answering.
Target: p95 ≤ 2 s."""

from __future__ import annotations

import os
import random
import re
import threading
import time
from datetime import timedelta

from bench.core import Http, Result, gunicorn, percentile

POLL_SECONDS = 1.0
CONTRIBUTE_EVERY = 10.0
MARKER = re.compile(r"bench-m(\d+)-x")
VERSION = re.compile(r'data-version="([^"]*)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _board(participants: int):
    """A session running now, its board in step 1 and `participants` joined phones (their cookies)."""
    from django.core import signing
    from django.utils import timezone

    from evaluations.board import services
    from evaluations.board.views import cookie_name
    from evaluations.services.evaluation import room_token
    from home.models import TrainingIndexPage, TrainingPage
    from workshops.models import Session

    if TrainingIndexPage.objects.first() is None:
        from django.core.management import call_command

        call_command("load_initial_data", verbosity=0)
    training = TrainingPage.objects.live().first()
    now = timezone.now()
    session = Session.objects.create(
        training=training, starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=2), address="Bench"
    )
    board = services.board_for(session)
    cookies = []
    for number in range(participants):
        _member, key = services.join(board.pk, f"P{number}")
        name = cookie_name(board)
        value = signing.get_cookie_signer(salt=name + services.COOKIE_SALT).sign(key)
        cookies.append(f"{name}={value}")
    services.move(board.pk, "next")  # step 1: answers show on every screen
    return session, room_token(session), cookies


def _gunicorn_cpu(master_pid: int) -> float:
    """CPU seconds (user + system) of the gunicorn master and its workers, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [master_pid]
    try:
        with open(f"/proc/{master_pid}/task/{master_pid}/children") as handle:
            pids += [int(p) for p in handle.read().split()]
    except OSError:
        pass
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            continue
    return total


class Run:
    """One measured period: phones and a projector polling, phones contributing; appearance times per marker."""

    def __init__(self, port, participants, seconds, *, board_paths=None, cookies=None):
        self.port, self.participants, self.seconds = port, participants, seconds
        self.board_paths, self.cookies = board_paths, cookies or [""] * participants
        self.sent: dict[int, float] = {}
        self.delays: list[float] = []
        self.errors = 0
        self.lock = threading.Lock()
        self.counter = 0
        self.requests = 0

    def _seen(self, html: str, observer_seen: set, now: float) -> None:
        for match in MARKER.finditer(html):
            marker = int(match.group(1))
            if marker in observer_seen:
                continue
            observer_seen.add(marker)
            with self.lock:
                sent = self.sent.get(marker)
            if sent is not None:
                self.delays.append(now - sent)

    def observer(self, index: int, deadline: float, contributes: bool) -> None:
        client = Http(self.port)
        rnd = random.Random(index)
        headers = {"X-Board-Fetch": "1"}
        if self.board_paths:
            cookie = self.cookies[index] if contributes else ""
            status, got, body = client.request("GET", self.board_paths["page"], headers={"Cookie": cookie})
            csrf_cookie = re.search(r"csrftoken=([^;]+)", got.get("Set-Cookie", "") or "")
            csrf = CSRF.search(body.decode())
            if csrf_cookie:
                pair = f"csrftoken={csrf_cookie.group(1)}"
                cookie = f"{cookie}; {pair}" if cookie else pair
            headers["Cookie"] = cookie
            token = csrf.group(1) if csrf else ""
            live = self.board_paths["live"] + ("?view=projector&v=" if not contributes else "?v=")
        seen: set[int] = set()
        version = ""
        next_contribution = time.monotonic() + rnd.uniform(0, CONTRIBUTE_EVERY)
        next_poll = time.monotonic() + rnd.uniform(0, POLL_SECONDS)
        while time.monotonic() < deadline:
            now = time.monotonic()
            if contributes and now >= next_contribution:
                next_contribution = now + rnd.expovariate(1 / CONTRIBUTE_EVERY)
                with self.lock:
                    self.counter += 1
                    marker = self.counter
                    self.sent[marker] = time.monotonic()
                if self.board_paths:
                    body = f"op=answer&text=bench-m{marker}-x&csrfmiddlewaretoken={token}".encode()
                    status, _h, _b = client.request(
                        "POST",
                        self.board_paths["page"],
                        body=body,
                        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
                    )
                    self.requests += 1
                    if status != 200:
                        self.errors += 1
                # the contributor's own screen is not "another screen"
                seen.add(marker)
            if now >= next_poll:
                next_poll += POLL_SECONDS
                if self.board_paths:
                    status, _h, body = client.request("GET", live + version, headers=headers)
                    self.requests += 1
                    if status == 200:
                        html = body.decode()
                        found = VERSION.search(html)
                        version = found.group(1) if found else ""
                        self._seen(html, seen, time.monotonic())
                    elif status != 204:
                        self.errors += 1
                else:  # the floor: the bare view; every marker sent before this poll appears with its answer
                    status, _h, _b = client.request("GET", "/bench/bare/")
                    self.requests += 1
                    finished = time.monotonic()
                    with self.lock:
                        fresh = [m for m, sent in self.sent.items() if m not in seen and sent <= finished]
                        sends = [self.sent[m] for m in fresh]
                    for m in fresh:
                        seen.add(m)
                    self.delays.extend(finished - s for s in sends)
            time.sleep(max(0.0, min(next_poll, next_contribution if contributes else next_poll) - time.monotonic()))
        client.close()

    def go(self) -> None:
        deadline = time.monotonic() + self.seconds
        threads = [
            threading.Thread(target=self.observer, args=(i, deadline, True)) for i in range(self.participants)
        ] + [threading.Thread(target=self.observer, args=(self.participants, deadline, False))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def run(smoke: bool = False) -> list[Result]:
    from django.urls import reverse
    from django.utils import translation

    participants, seconds, workers = (5, 6, 2) if smoke else (30, 60, 3)
    session, token, cookies = _board(participants)
    with translation.override("nl"):
        paths = {
            "page": reverse("evaluation:board", args=[token]),
            "live": reverse("evaluation:board_live", args=[token]),
        }
    with gunicorn(workers=workers) as port:
        master = _master_pid(port)
        cpu0 = _gunicorn_cpu(master)
        floor = Run(port, participants, seconds)
        floor.go()
        cpu_floor = _gunicorn_cpu(master) - cpu0
        cpu1 = _gunicorn_cpu(master)
        live = Run(port, participants, seconds, board_paths=paths, cookies=cookies)
        live.go()
        cpu_board = _gunicorn_cpu(master) - cpu1
    p95 = percentile(live.delays, 95) * 1000
    p95_floor = percentile(floor.delays, 95) * 1000
    minutes = seconds / 60
    per = cpu_board / participants / minutes
    per_floor = cpu_floor / participants / minutes
    note = f"{len(live.delays)} appearances, {live.requests} requests, {live.errors} errors, {workers} workers"
    return [
        Result(
            f"board: contribution → other screens p95 ({participants} phones, {seconds}s)",
            p95,
            p95_floor,
            "ms",
            "≤ 2000 ms",
            p95 <= 2000 and live.errors == 0 and bool(live.delays),
            note,
        ),
        Result("board: server CPU per participant per minute", per, per_floor, "s", "reported", True, ""),
    ]


def _master_pid(port: int) -> int:
    """The gunicorn master listening on `port` (the oldest process whose command line names it)."""
    best = None
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "gunicorn" in cmdline and f"127.0.0.1:{port}" in cmdline:
            pid = int(entry)
            with open(f"/proc/{entry}/stat") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            try:
                with open(f"/proc/{parent}/cmdline", "rb") as handle:
                    parent_is_gunicorn = f"127.0.0.1:{port}".encode() in handle.read()
            except OSError:
                parent_is_gunicorn = False
            if not parent_is_gunicorn:
                best = pid
    if best is None:
        raise RuntimeError("gunicorn master not found")
    return best
