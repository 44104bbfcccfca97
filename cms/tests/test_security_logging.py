"""E-mail addresses never reach a log line, whatever logger, handler or traceback carries them."""

import io
import logging

import pytest

from cms.security import REDACTED_EMAIL, redact


@pytest.mark.parametrize(
    "text",
    [
        "registered jan.de-vries+test@school.example.nl for session 4",
        "Key (session_id, email)=(7, Jan@Example.ORG) already exists.",
        "GET /x/?email=jan%40example.org",
        "unicode ünïcødé@bücher.example",
    ],
)
def test_redact_hides_addresses(text):
    cleaned = redact(text)
    assert REDACTED_EMAIL in cleaned
    assert "example" not in cleaned.split(REDACTED_EMAIL)[0][-20:] or "@" not in cleaned
    assert "@" not in cleaned and "%40" not in cleaned


def test_text_without_addresses_is_untouched():
    assert redact("session 7 at 10:00, 3 @ 5 seats") == "session 7 at 10:00, 3 @ 5 seats"


def test_every_logger_and_handler_gets_redacted_records(caplog):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    third_party = logging.getLogger("some.library")
    third_party.addHandler(handler)
    third_party.propagate = True
    try:
        with caplog.at_level(logging.INFO):
            third_party.warning("could not deliver to %s", "a.person@example.org")
            logging.getLogger("workshops").info({"email": "b.person@example.org"})
    finally:
        third_party.removeHandler(handler)
    assert "a.person@example.org" not in stream.getvalue()
    assert "could not deliver to [e-mail]" in stream.getvalue()
    assert "example.org" not in caplog.text
    assert all("@" not in record.getMessage() for record in caplog.records)


def test_tracebacks_are_redacted(caplog):
    logger = logging.getLogger("workshops.services")
    try:
        raise ValueError("duplicate registration for c.person@example.org")
    except ValueError:
        logger.exception("registration failed")
    assert "c.person@example.org" not in caplog.text
    assert "duplicate registration for [e-mail]" in caplog.text


def test_django_configures_the_redaction_through_logging_config(settings):
    assert settings.LOGGING_CONFIG == "cms.security.configure_logging"
    record = logging.getLogRecordFactory()("x", logging.INFO, __file__, 1, "to %s", ("d@example.org",), None)
    assert record.getMessage() == "to [e-mail]"


def test_signed_tokens_of_personal_links_are_redacted():
    from django.core import signing

    token = signing.dumps("3f1c9a8e-1b2c-4d5e-8f90-123456789abc", salt="workshops.manage", compress=True)
    plain = redact(f"Not Found: /mijn-aanmelding/{token}/")
    encoded = redact("Gone: /en/mijn-aanmelding/" + token.replace(":", "%3A") + "/agenda.ics")
    assert token not in plain and plain == "Not Found: /mijn-aanmelding/[token]/"
    assert "[token]" in encoded and "%3A" not in encoded
    assert redact("at 10:30:15 the tick ran") == "at 10:30:15 the tick ran"


def test_request_lines_of_the_development_server_lose_their_query_string():
    """runserver's request log: an admin search for a person's name (?q=...) never reaches a log line; gunicorn's
    access log has the same rule (cms/gunicorn_conf.py, checked with real servers in test_security_ratelimit.py)."""
    server_log = logging.getLogger("django.server")
    assert server_log.handlers, "runserver's request lines must be printed (not swallowed) by the console handler"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    server_log.addHandler(handler)
    try:
        server_log.info(
            '"%s" %s %s', "GET /admin/workshops/participants/?q=Anna+de+Vries&session=4 HTTP/1.1", "200", "5120"
        )
    finally:
        server_log.removeHandler(handler)
    assert "Anna" not in stream.getvalue() and "q=" not in stream.getvalue()
    assert '"GET /admin/workshops/participants/ HTTP/1.1" 200 5120' in stream.getvalue()


def test_the_gunicorn_access_log_format_has_no_query_string_or_referer():
    from cms import gunicorn_conf

    assert "%(U)s" in gunicorn_conf.access_log_format
    for field in ("%(r)s", "%(q)s", "%(f)s", "%(a)s"):  # request line, query, referer, user agent
        assert field not in gunicorn_conf.access_log_format


def test_every_production_start_line_uses_that_gunicorn_configuration():
    """The Procfile, the Dockerfile and docker-compose.yml all start gunicorn with cms/gunicorn_conf.py; gunicorn's
    own default access log format would write the query string (an admin search for a name) to the log."""
    from django.conf import settings

    for name in ("Procfile", "Dockerfile", "docker-compose.yml"):
        text = (settings.BASE_DIR / name).read_text()
        starts = [line for line in text.splitlines() if "gunicorn" in line and "cms.wsgi" in line]
        assert starts, f"{name} does not start gunicorn"
        for line in starts:
            assert "cms.gunicorn_conf" in line and "--access-logfile" not in line, f"{name}: {line.strip()}"
