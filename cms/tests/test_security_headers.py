"""Security headers, the Content-Security-Policy per area, CSRF and the absence of inline script on public pages."""

import re

import pytest
from django.conf import settings
from django.test import Client

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)
HANDLER_ATTR = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def csp(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def public_urls(client) -> list[str]:
    """Home, every live page one level down and their English versions (whatever the content issue has built)."""
    from wagtail.models import Page

    urls = ["/", "/en/"]
    for page in Page.objects.live().filter(depth__gte=3, depth__lte=4).specific()[:40]:
        url = page.get_url()
        if url:
            urls.append(url)
            if not url.startswith("/en/"):
                urls.append("/en" + url)
    return urls


@pytest.mark.django_db
def test_public_pages_send_a_strict_policy_and_hardening_headers(client, site):
    response = client.get("/")
    assert response.status_code == 200
    policy = csp(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_the_admin_gets_its_looser_policy_only_under_admin(client, site):
    admin = csp(client.get("/admin/login/"))
    assert "'unsafe-inline'" in admin["script-src"]
    assert admin["frame-ancestors"] == ["'self'"]  # the live preview frames the admin's preview view
    assert admin["object-src"] == ["'none'"]
    public = csp(client.get("/en/"))
    assert "'unsafe-inline'" not in public["script-src"]
    assert "'unsafe-inline'" not in public["style-src"]


@pytest.fixture
def demo(db):
    """The full demo content (lessons, trainings, help links), not just the home page."""
    import os

    from django.core.management import call_command

    call_command("load_initial_data", verbosity=0, stdout=open(os.devnull, "w"))


@pytest.mark.django_db
def test_public_pages_carry_no_inline_script_style_or_handlers(client, demo):
    """The strict policy would block them in the browser, so they must not be there at all."""
    checked = 0
    for url in public_urls(client):
        response = client.get(url, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for attributes, body in SCRIPT_TAG.findall(html):
            is_data = re.search(r"type\s*=\s*[\"']application/(ld\+)?json", attributes)
            assert "src=" in attributes or is_data or not body.strip(), f"inline script on {url}: {body[:120]}"
        assert not HANDLER_ATTR.search(html), f"inline event handler on {url}"
        assert not JAVASCRIPT_URL.search(html), f"javascript: URL on {url}"
        assert not STYLE_ATTR.search(html), f"inline style attribute on {url}"
        checked += 1
    assert checked >= 10


@pytest.mark.django_db
def test_personal_links_are_private_unindexed_and_send_no_referer_elsewhere(client):
    from django.urls import reverse

    response = client.get(reverse("workshops:manage", kwargs={"token": "forged-token"}))
    assert response.status_code < 500
    assert response["Cache-Control"] == "private, no-store"
    # same-origin: no Referer to other sites; "no-referrer" would make browsers send "Origin: null" on the page's
    # own forms (cancel, accept), which the CSRF check refuses (the registration journey caught this)
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]


@pytest.mark.django_db
def test_public_post_without_csrf_token_is_refused_with_a_translated_page(site):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/en/"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 403
    assert "Dit formulier is verlopen" in response.content.decode()
    response = client.post("/en/", {"anything": "x"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


@pytest.mark.django_db
def test_admin_login_needs_csrf(site):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "editor", "password": "qpido-demo-2026"})
    assert response.status_code == 403
    assert not client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_session_cookie_is_http_only_same_site_and_short_lived(client, site, settings):
    from home.management.commands.load_initial_data import DEMO_EDITOR

    credentials = {"username": DEMO_EDITOR["username"], "password": settings.DEMO_PASSWORD}
    response = client.post("/admin/login/", credentials)
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
    assert session_cookie["max-age"] == ""  # gone when the browser closes (a shared computer)
    client.logout()
    response = client.post("/admin/login/", {**credentials, "remember": "on"})
    remembered = response.cookies[settings.SESSION_COOKIE_NAME]
    assert 0 < int(remembered["max-age"]) <= 60 * 60 * 12


def test_production_cookies_are_secure_and_hsts_is_on():
    """Read the production module's own values (it refuses to import without SECRET_KEY, so parse the source)."""
    from pathlib import Path

    source = (Path(settings.BASE_DIR) / "cms" / "settings" / "production.py").read_text()
    for line in (
        "SESSION_COOKIE_SECURE = True",
        "CSRF_COOKIE_SECURE = True",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS = True",
        'SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")',
    ):
        assert line in source


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_nul_characters_never_cause_a_500(client, site, language):
    """A NUL in the query string is dropped (search used to answer 500 on PostgreSQL); one in a URL gets a
    translated 400 page."""
    from django.urls import reverse
    from django.utils import translation

    with translation.override(language):
        search = reverse("home:search")
        manage = reverse("workshops:manage", args=["abc\x00def"])
    response = client.get(search + "?q=a%00b")
    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.content.decode()
    response = client.get(manage)
    assert response.status_code == 400
    text = "Dit adres werkt niet" if language == "nl" else "This address does not work"
    assert text in response.content.decode()
