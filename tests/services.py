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
