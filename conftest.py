"""Shared fixtures for every app's tests: a bilingual site, a training with a session, and the real Redis and
Celery worker for integration tests."""

import os

import pytest
from django.conf import settings

from tests.services import port_open, service_unavailable


def pytest_sessionstart(session):
    from django.core.management import call_command

    call_command("compile_catalogues", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_process_memo():
    """Every test starts without the Site, settings or menu that an earlier test's rolled-back content left in the
    process memo (cms.cache)."""
    from cms.cache import forget_process_state

    forget_process_state()


@pytest.fixture
def redis_url():
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis") or not port_open(url):
        service_unavailable(f"Redis is not reachable at {url} (start it, or set REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except Exception as exc:  # pragma: no cover - depends on the machine
        service_unavailable(f"Redis at {url} does not answer PING: {exc}")
    return url


@pytest.fixture
def celery_worker(redis_url, django_db_blocker):
    """A real Celery worker (solo pool, in this process) consuming from the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from cms.celery import app

    app.control.purge()
    with django_db_blocker.unblock():
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
            yield worker


@pytest.fixture
def site(db):
    """The bilingual home page at the root of the default site and the demo editor, without the demo content
    (tests that want the lessons, trainings and help links call `load_initial_data` without --no-demo)."""
    from django.core.management import call_command
    from wagtail.models import Site

    call_command("load_initial_data", "--no-demo", verbosity=0, stdout=open(os.devnull, "w"))
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def home_page(site):
    return site.root_page.specific


@pytest.fixture
def training(home_page):
    """A published training page (Dutch and English titles) under the home page."""
    from tests.factories import make_training

    return make_training(home_page)


@pytest.fixture
def session(training):
    """An online session of that training, two weeks ahead, with two seats."""
    from tests.factories import make_session

    return make_session(training, capacity=2)


def pytest_collection_modifyitems(config, items):
    """Transactional tests (and live-server browser tests) flush the database when they end, which would take
    the Wagtail root page, groups and seeded mail rules from migrations with it. With serialized rollback every
    such test starts again from the migrated state, whatever ran before it."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
            {"live_server", "transactional_db"} & set(getattr(item, "fixturenames", ()))
        )
        if transactional and not (marker and marker.kwargs.get("serialized_rollback")):
            kwargs = dict(marker.kwargs) if marker else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
