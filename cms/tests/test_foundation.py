"""The foundation: demo content, admin login, health check, production settings and the compose file."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page

from home.management.commands.load_initial_data import DEMO_EDITOR

BASE = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_load_initial_data_twice_creates_nothing_twice():
    out = StringIO()
    call_command("load_initial_data", stdout=out)
    counts = (Page.objects.count(), get_user_model().objects.count())
    call_command("load_initial_data", stdout=out)
    assert (Page.objects.count(), get_user_model().objects.count()) == counts
    assert "home page: present" in out.getvalue()


@pytest.mark.django_db
def test_demo_editor_can_log_in_to_the_admin(client, site):
    response = client.post(
        "/admin/login/",
        {"username": DEMO_EDITOR["username"], "password": settings.DEMO_PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert response.wsgi_request.user.is_authenticated
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_outside_a_developer_machine_demo_accounts_get_a_random_password_shown_once(client, settings):
    """A site loaded with demo content in production never has the password printed in the README."""
    settings.DEMO_PASSWORD = ""
    out = StringIO()
    call_command("load_initial_data", stdout=out)
    printed = {
        line.split("user: ")[1].split()[0]: line.split("password: ")[1].split()[0]
        for line in out.getvalue().splitlines()
        if "user: " in line and "password: " in line
    }
    assert set(printed) == {"editor", "coordinator", "trainer"}
    assert "qpido-demo-2026" not in out.getvalue() and len(set(printed.values())) == 3
    assert "shown only now" in out.getvalue()
    for username, password in printed.items():
        assert not client.login(username=username, password="qpido-demo-2026")
        assert client.login(username=username, password=password)
    again = StringIO()
    call_command("load_initial_data", stdout=again)  # a second run shows no password and changes none
    assert not any(password in again.getvalue() for password in printed.values())
    assert client.login(username="editor", password=printed["editor"])


@pytest.mark.django_db
def test_healthz_tells_monitoring_when_mail_is_stuck(client):
    """Monitoring hears what the coordinator's dashboard says: due mail waiting, timed mail not looked for."""
    from datetime import timedelta

    from django.utils import timezone

    from events.models import MailRule, OutboxMail
    from events.services.schedule import tick
    from tests.smtp_sink import seed_defaults

    seed_defaults()
    tick()
    healthy = client.get("/healthz").json()
    assert healthy["mail"] == "ok" and "mail_waiting_minutes" not in healthy
    OutboxMail.objects.create(
        rule_key="x",
        scope="session:1",
        recipient_key="registration:1",
        to_email="a@example.org",
        due_at=timezone.now() - timedelta(minutes=30),
    )
    MailRule.objects.update(checked_until=timezone.now() - timedelta(minutes=20))
    response = client.get("/healthz")
    stuck = response.json()
    assert response.status_code == 200 and stuck["status"] == "degraded" and stuck["mail"] == "degraded"
    assert stuck["mail_waiting_minutes"] == 30 and stuck["timed_mail_unchecked_minutes"] == 20
    assert "a@example.org" not in response.content.decode()


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_broker_as_degraded_and_still_answers_200(client, settings):
    """The site serves without the broker (mail waits in the outbox), so a load balancer must keep sending
    visitors: 200, with the broker named as degraded."""
    from cms.celery import app

    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = old
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == "degraded"


@pytest.mark.integration
@pytest.mark.django_db
def test_healthz_ok_when_database_and_broker_answer(client, redis_url):
    from django.utils import timezone

    from events.models import MailRule

    MailRule.objects.update(checked_until=timezone.now())  # as by a running beat
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "cache": "ok", "mail": "ok"}


def _run_manage(args, env_extra, settings_module="cms.settings.production"):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    env.update({"DJANGO_SETTINGS_MODULE": settings_module, "VAR_DIR": "/tmp/qpido-check-var"}, **env_extra)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE, env=env, capture_output=True, text=True)


def test_check_deploy_is_clean_with_production_environment():
    result = _run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "SECRET_KEY": "x" * 20 + "-production-secret-for-the-check-" + "y" * 20,
            "ALLOWED_HOSTS": "qpido.example",
        },
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_without_secret_key_stops_with_clear_message():
    result = _run_manage(["check"], {})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_compose_file_agrees_with_the_settings():
    compose = yaml.safe_load((BASE / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "mailpit"} <= set(services)
    app_env = {}
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        app_env[name] = env
        for key in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_HOST", "EMAIL_PORT"):
            assert key in env, f"{name} lacks {key}"
        assert env["DJANGO_SETTINGS_MODULE"] == "cms.settings.production"
        assert (BASE / "cms" / "settings" / "production.py").exists()
    assert "gunicorn -c python:cms.gunicorn_conf cms.wsgi:application" in services["web"]["command"]
    assert "celery -A cms worker" in services["worker"]["command"]
    assert "celery -A cms beat" in services["beat"]["command"]
    assert app_env["web"]["DATABASE_URL"].startswith("postgres://")
    assert "@postgres:5432/" in app_env["web"]["DATABASE_URL"]
    assert app_env["web"]["REDIS_URL"].startswith("redis://redis:6379")
    assert app_env["web"]["EMAIL_HOST"] == "mailpit"
    assert str(app_env["web"]["EMAIL_PORT"]) == "1025"
    assert app_env["web"]["DJANGO_LOAD_INITIAL_DATA"] == "on"
    # every environment name the compose file sets is one the settings read
    settings_source = "".join(p.read_text() for p in (BASE / "cms" / "settings").glob("*.py"))
    settings_source += (BASE / "docker-entrypoint.sh").read_text()
    for env in app_env.values():
        for key in set(env) - {"DJANGO_SETTINGS_MODULE"}:
            assert f'"{key}"' in settings_source or key in settings_source, f"{key} is read nowhere"
    # one beat process only
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
