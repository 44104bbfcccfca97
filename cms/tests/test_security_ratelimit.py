"""Rate limits on public POSTs and on the admin log-in, answered with a translated 429 page."""

import itertools
import random

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.services import free_port_or_skip

_addresses = itertools.count(1)


def fresh_client(**extra) -> Client:
    """A client from an address no other test (or earlier run, the cache may be Redis) has used."""
    address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{next(_addresses) % 250 + 1}"
    return Client(REMOTE_ADDR=address, **extra)


@pytest.fixture
def limits(settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_PUBLIC_POST = ["3/m"]
    settings.RATELIMIT_LOGIN_FAILURES_IP = "6/15m"
    settings.RATELIMIT_LOGIN_FAILURES_USER = "3/15m"
    settings.RATELIMIT_PASSWORD_RESET = "2/h"
    return settings


@pytest.fixture
def staff(db):
    """A superuser with a user name no earlier test (or run: the cache may be Redis) has locked."""
    username = f"staffer{random.randint(10**6, 10**7)}"
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "correct-horse-battery")
    user.is_staff = True
    user.is_superuser = True
    user.save()
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("language,prefix,text", [("nl", "", "Te veel pogingen"), ("en", "/en", "Too many attempts")])
def test_public_posts_are_limited_per_address_with_a_translated_page(limits, language, prefix, text):
    client = fresh_client(HTTP_ACCEPT_LANGUAGE=language)
    statuses = [
        client.post("/i18n/setlang/", {"language": language, "next": f"{prefix}/"}).status_code for _ in range(3)
    ]
    assert 429 not in statuses
    response = client.post(f"{prefix}/i18n/setlang/" if prefix else "/i18n/setlang/", {"language": language})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert text in response.content.decode()
    # another address is not affected
    assert fresh_client().post("/i18n/setlang/", {"language": "nl"}).status_code != 429


@pytest.mark.django_db
def test_the_limit_is_shared_by_every_public_form_but_not_by_page_views(limits, site):
    client = fresh_client()
    for _ in range(3):
        client.post("/i18n/setlang/", {"language": "nl"})
    assert client.post("/", {"q": "x"}).status_code == 429  # a Wagtail page POST counts against the same bucket
    assert client.get("/").status_code == 200  # reading is never limited


@pytest.mark.django_db
def test_limits_can_be_switched_off(limits):
    limits.RATELIMIT_ENABLE = False
    client = fresh_client()
    assert all(client.post("/i18n/setlang/", {"language": "nl"}).status_code != 429 for _ in range(6))


@pytest.mark.django_db
def test_admin_login_locks_a_user_name_after_failed_attempts_even_for_the_right_password(limits, staff):
    client = fresh_client()
    for _ in range(3):
        response = client.post("/admin/login/", {"username": staff.username, "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    response = client.post("/admin/login/", {"username": staff.username, "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert not client.session.get("_auth_user_id")
    # from another address the user name is locked too (guessing from many addresses does not help)
    assert (
        fresh_client().post("/admin/login/", {"username": staff.username.upper(), "password": "x"}).status_code == 429
    )


@pytest.mark.django_db
def test_admin_login_throttles_one_address_trying_many_user_names(limits, staff):
    client = fresh_client()
    for n in range(6):
        guess = f"guess{n}-{staff.username}"
        assert client.post("/admin/login/", {"username": guess, "password": "x"}).status_code == 200
    assert (
        client.post("/admin/login/", {"username": staff.username, "password": "correct-horse-battery"}).status_code
        == 429
    )


@pytest.mark.django_db
def test_successful_logins_do_not_count(limits, staff):
    for _ in range(5):
        client = fresh_client()
        response = client.post("/admin/login/", {"username": staff.username, "password": "correct-horse-battery"})
        assert response.status_code == 302
        assert client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_password_reset_requests_are_limited(limits, staff):
    client = fresh_client()
    codes = [client.post("/admin/password_reset/", {"email": staff.email}).status_code for _ in range(3)]
    assert codes[:2] != [429, 429] and codes[2] == 429


@pytest.mark.django_db
def test_signed_in_staff_saving_in_the_admin_is_not_limited(limits, staff):
    client = fresh_client()
    client.force_login(staff)
    codes = {client.post("/admin/account/", {}).status_code for _ in range(6)}
    assert 429 not in codes


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_filled_honeypot_is_refused_on_the_public_forms(language):
    """Bots fill every field; people never see the hidden "website" field. Nothing is stored for a bot."""
    import datetime
    import os

    from django.core.management import call_command
    from django.urls import reverse
    from django.utils import timezone, translation

    from home.models import LessonPage, TrainingPage
    from workshops.models import Registration, SchoolBookingRequest, Session

    call_command("load_initial_data", verbosity=0, stdout=open(os.devnull, "w"))
    school_requests_before = SchoolBookingRequest.objects.count()
    start = timezone.now() + datetime.timedelta(days=8)
    session = Session.objects.create(
        training=TrainingPage.objects.live().first(), starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    with translation.override(language):
        register = reverse("workshops:register", args=[session.pk])
        school = reverse("workshops:school_request", args=[LessonPage.objects.live().first().pk])
    client = fresh_client()
    bot = {"name": "Bot Bot", "email": "bot@example.org", "language": language, "consent": "on"}
    response = client.post(register, {**bot, "website": "http://spam.example"})
    assert response.status_code == 200 and not Registration.objects.filter(session=session).exists()
    assert 'role="alert"' in response.content.decode()
    weekday = timezone.localdate() + datetime.timedelta(days=30)
    while weekday.weekday() >= 5:
        weekday += datetime.timedelta(days=1)
    response = client.post(
        school,
        {
            "school_name": "Bot school",
            "contact_name": "Bot",
            "email": "bot@example.org",
            "phone": "020 123 4567",
            "town": "Nowhere",
            "school_type": "primary",
            "year_group": "7",
            "groups": "1",
            "pupils": "20",
            "date_1": weekday.isoformat(),
            "consent": "on",
            "website": "http://spam.example",
        },
    )
    assert response.status_code == 200 and SchoolBookingRequest.objects.count() == school_requests_before
    # the same data without the honeypot goes through: the field alone made the difference
    assert client.post(register, bot).status_code == 302
    assert Registration.objects.filter(session=session).count() == 1


# --- per client, not per process -------------------------------------------------------------------------------


def _start_server(port: int, var_dir, log):
    """A gunicorn server as `make run` runs without Redis: no REDIS_URL, so the file cache under VAR_DIR."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    db = settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL", "CELERY_BROKER_URL")}
    if db["ENGINE"].endswith("postgresql"):  # the test database, which the test's transaction has committed to
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        DEBUG="off",
        VAR_DIR=str(var_dir),
        RATELIMIT_ENABLE="on",
        RATELIMIT_PUBLIC_POST="5/d",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        GUNICORN_ACCESS_LOG=str(var_dir / f"access-{port}.log"),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:cms.gunicorn_conf", "--bind", f"127.0.0.1:{port}",
         "cms.wsgi:application"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_server_processes_share_one_count_per_client(site, tmp_path):
    """Two gunicorn servers on one machine without Redis (as `make run` runs its processes): a client that sends
    its POSTs to both, in turn, is refused after the configured count (5), not after 5 per process."""
    import time

    import requests

    log = open(tmp_path / "servers.log", "w")  # noqa: SIM115
    ports = [free_port_or_skip(range(8130, 8135)), free_port_or_skip(range(8135, 8140))]
    servers = [_start_server(port, tmp_path, log) for port in ports]
    try:
        deadline = time.monotonic() + 90
        for port in ports:
            while True:
                try:
                    requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
                    break
                except requests.RequestException:
                    assert time.monotonic() < deadline, open(tmp_path / "servers.log").read()[-3000:]
                    time.sleep(0.3)
        token = "a" * 32  # an unmasked CSRF secret, sent as cookie and form field
        statuses = []
        for n in range(8):
            response = requests.post(
                f"http://127.0.0.1:{ports[n % 2]}/i18n/setlang/",
                data={"language": "nl", "next": "/", "csrfmiddlewaretoken": token},
                cookies={"csrftoken": token},
                allow_redirects=False,
                timeout=10,
            )
            statuses.append(response.status_code)
        assert statuses == [302] * 5 + [429] * 3, statuses
        assert (tmp_path / "cache").is_dir()  # the count lives in the file cache both processes share
        for port in ports:  # a search for a person's name: the access log keeps the path, never the terms
            requests.get(f"http://127.0.0.1:{port}/admin/workshops/participants/?q=Anna+Geheim", timeout=10)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)
        log.close()
    access = "".join((tmp_path / f"access-{port}.log").read_text() for port in ports)
    assert "/admin/workshops/participants/" in access and "Geheim" not in access and "q=" not in access
