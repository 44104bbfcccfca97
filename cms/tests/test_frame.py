"""What every page view passes through, made cheaper without changing what it answers: the CSP header built once,
LocaleMiddleware without the work our URL configuration discards, view restrictions from the process memo."""

import pytest
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.test import RequestFactory

from cms.middleware import LocaleMiddleware


@pytest.mark.parametrize("path", ["/", "/en/lessons/", "/admin/pages/", "/django-admin/"])
def test_the_csp_header_built_once_is_the_one_django_csp_builds(client, path, db):
    response = client.get(path)
    admin = path.startswith(("/admin/", "/django-admin/"))
    expected = build_policy(replace=settings.CONTENT_SECURITY_POLICY_ADMIN if admin else None)
    assert response["Content-Security-Policy"] == expected


def test_the_csp_header_follows_changed_settings(client, settings, db):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'", "https://example.org"]}}
    assert client.get("/healthz")["Content-Security-Policy"] == "default-src 'self' https://example.org"


REQUESTS = [
    ("/", {}),
    ("/", {"HTTP_ACCEPT_LANGUAGE": "en"}),
    ("/lessen/", {"HTTP_COOKIE": "django_language=en"}),
    ("/en/lessons/", {"HTTP_ACCEPT_LANGUAGE": "nl"}),
    ("/en/", {}),
    ("/healthz", {"HTTP_ACCEPT_LANGUAGE": "en"}),
    ("/admin/login/", {"HTTP_COOKIE": "django_language=en"}),
    ("/xx/onbekend/", {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8"}),
]


@pytest.mark.parametrize("path,headers", REQUESTS)
@pytest.mark.parametrize("status", [200, 404])
def test_our_locale_middleware_answers_as_djangos(path, headers, status):
    from django.utils import translation

    answers = []
    for middleware_class in (DjangoLocaleMiddleware, LocaleMiddleware):
        request = RequestFactory().get(path, **headers)
        seen = {}

        def view(request, seen=seen):
            seen["language"] = translation.get_language()
            return HttpResponse(status=status)

        response = middleware_class(view)(request)
        answers.append((seen["language"], request.LANGUAGE_CODE, response.get("Vary"), response["Content-Language"]))
        translation.deactivate()
    assert answers[0] == answers[1]


@pytest.mark.django_db
def test_a_view_restriction_applies_on_the_next_request(client, home_page):
    from wagtail.models import PageViewRestriction

    from home.models import ContentPage

    page = ContentPage(
        title_nl="Besloten", title_en="Closed", slug_nl="besloten", slug_en="closed", body_nl="<p>Alleen intern</p>"
    )
    home_page.add_child(instance=page)
    page.save_revision().publish()
    assert "Alleen intern" in client.get("/besloten/").content.decode()  # no restriction anywhere (remembered)
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="geheim")
    response = client.get("/besloten/")
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    assert "Alleen intern" not in response.content.decode()
