"""Whether the real services the tests need (Redis, a worker, a browser) are there: skip with a reason, or fail
under CI=true, where every one must be."""

import os
import socket
from urllib.parse import urlparse

import pytest

CI = os.environ.get("CI", "").lower() == "true"


def service_unavailable(reason: str):
    """Skip with a clear reason, or fail under CI=true, where every service must be there."""
    if CI:
        pytest.fail(f"CI=true and a required service is missing: {reason}")
    pytest.skip(reason)


def port_open(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def free_port(ports) -> int | None:
    """The first of `ports` nobody listens on (each test area has its own range), or None."""
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return None


def free_port_or_skip(ports) -> int:
    port = free_port(ports)
    if port is None:
        pytest.skip(f"no free port in {ports}")
    return port
