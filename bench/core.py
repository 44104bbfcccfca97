"""The harness: results table, timing, the bench database, a gunicorn on loopback and a bounded load generator."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass
class Result:
    """One row of the table. `ratio` is figure/floor; `ok` says whether the target was met."""

    name: str
    figure: float
    floor: float | None
    unit: str
    target: str
    ok: bool
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.figure / self.floor if self.floor else None


def print_table(results: list[Result], out=sys.stdout) -> None:
    header = ("benchmark", "figure", "floor", "ratio", "target", "result")
    rows = [header]
    for r in results:
        rows.append(
            (
                r.name,
                f"{r.figure:,.2f} {r.unit}",
                "-" if r.floor is None else f"{r.floor:,.2f} {r.unit}",
                "-" if r.ratio is None else f"{r.ratio:.2f}",
                r.target,
                ("pass" if r.ok else "FAIL") + (f" ({r.note})" if r.note else ""),
            )
        )
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    line = "+".join("-" * (w + 2) for w in widths)
    for index, row in enumerate(rows):
        print(" | ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)), file=out)
        if index == 0:
            print(line, file=out)


def median_ms(func, repeat: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def interleaved_medians(funcs: dict, repeat: int, rounds: int = 5, warmup: int = 20, cpu: dict | None = None) -> dict:
    """Median milliseconds of each function, sampled in turns (`rounds` rounds of repeat/rounds calls each), so
    that a noisy neighbour on the machine weighs on every figure alike. With `cpu`, that dict gets the median
    CPU milliseconds of this process too (what a busy machine disturbs least; a database server's work is not in
    it)."""
    for func in funcs.values():
        for _ in range(warmup):
            func()
    samples: dict = {name: [] for name in funcs}
    cpu_samples: dict = {name: [] for name in funcs}
    per_round = max(1, repeat // rounds)
    for _ in range(rounds):
        for name, func in funcs.items():
            for _ in range(per_round):
                start, start_cpu = time.perf_counter(), time.process_time()
                func()
                cpu_samples[name].append((time.process_time() - start_cpu) * 1000)
                samples[name].append((time.perf_counter() - start) * 1000)
    if cpu is not None:
        cpu.update({name: statistics.median(values) for name, values in cpu_samples.items()})
    return {name: statistics.median(values) for name, values in samples.items()}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, int(round(pct / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]


# --- the bench database -------------------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    """Create the bench database if it does not exist (PostgreSQL)."""
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    if not parsed.scheme.startswith("postgres"):
        return  # SQLite creates its file itself
    name = parsed.path.lstrip("/")
    admin_url = url.replace(f"/{name}", "/postgres", 1)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def bench_env(**extra) -> dict:
    env = dict(os.environ)
    env.update({"DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}, **extra)
    return env


# --- servers ------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port} within {timeout}s")


SERVERS: dict[int, subprocess.Popen] = {}  # gunicorn master processes by port, while they run


def worker_rss_mib(port: int) -> float:
    """Resident memory of the largest gunicorn worker serving `port`, in MiB (Linux /proc)."""
    master = SERVERS[port].pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return max(sizes) if sizes else 0.0


@contextmanager
def gunicorn(workers: int = 2, threads: int = 1, env: dict | None = None, warm_paths=("/bench/bare/", "/")):
    """gunicorn serving the site (bench settings) on a free loopback port; stopped on exit."""
    port = free_port()
    proc = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "bench.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            "--backlog",
            "2048",
        ],
        cwd=ROOT,
        env=bench_env(**(env or {})),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    SERVERS[port] = proc
    try:
        wait_for_port(port)
        warm(port, workers * threads, paths=warm_paths)
        yield port
    finally:
        SERVERS.pop(port, None)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def warm(port: int, concurrency: int, paths=("/bench/bare/",), rounds: int = 3) -> None:
    """Concurrent requests until every worker has answered a few: the figures then measure a warm server."""

    def hit():
        client = Http(port)
        for path in paths:
            client.get(path)
        client.close()

    for _ in range(rounds):
        threads = [threading.Thread(target=hit) for _ in range(max(2, concurrency * 2))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


class Http:
    """One keep-alive HTTP/1.1 connection to a loopback server."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request(method, path, body=body, headers=headers or {})
            response = self.conn.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), data

    def get(self, path: str):
        return self.request("GET", path)

    def close(self):
        self.conn.close()


def load(port: int, path: str, seconds: float, connections: int = 8) -> tuple[float, int]:
    """Requests per second for `path` under a bounded load: wrk when installed, else Python threads.

    Returns (requests per second, errors). The loop stops by itself after `seconds`."""
    wrk = shutil.which("wrk")
    if wrk:
        out = subprocess.run(
            [
                wrk,
                "-t",
                "2",
                "-c",
                str(connections),
                "-d",
                f"{max(1, int(seconds))}s",
                f"http://127.0.0.1:{port}{path}",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
        ).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        count = int(errors.group(1)) if errors else 0
        if socket_errors:
            count += sum(int(x) for x in socket_errors.groups())
        return rps, count
    counts = [0] * connections
    errors = [0] * connections
    deadline = time.monotonic() + seconds

    def worker(i):
        client = Http(port)
        while time.monotonic() < deadline:
            status, _, _ = client.get(path)
            counts[i] += 1
            if status != 200:
                errors[i] += 1
        client.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - start), sum(errors)
