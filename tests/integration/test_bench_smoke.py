"""`make bench-smoke` keeps working: every benchmark runs at small sizes and prints its row in the table."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.services import service_unavailable

pytestmark = pytest.mark.integration


def run_module(*args, timeout):
    """`python -m <args>` in the project, on the benchmarks' own settings and database."""
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        service_unavailable("the benchmarks need PostgreSQL (set DATABASE_URL)")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(settings.BASE_DIR)
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_bench_smoke_runs_every_benchmark(redis_url):
    result = run_module("bench", "--smoke", timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    table = result.stdout
    for row in (
        "page: lesson queries",
        "cached page: requests/s",
        "mail:",
        "scheduler: tick, nothing due",
        "booking: 40 concurrent registrations",
        "booking: most confirmed seen",
        "report: training",
        "board:",
    ):
        assert row in table, f"missing row {row!r} in\n{table}"
    assert "crashed" not in table


def test_booking_cpu_breakdown_runs(redis_url):
    """`python -m bench.booking_cpu` (the figures behind the booking analysis in docs/performance.md) keeps working."""
    result = run_module("bench.booking_cpu", timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "registration POST" in result.stdout and "waiting list" in result.stdout, result.stdout
