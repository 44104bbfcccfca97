"""The anonymous page cache: per language, never for logged-in users, emptied when content is published."""

import io

import pytest
from django.test import Client

from home.models import ContentPage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    from django.core.cache import cache

    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page(home_page):
    page = ContentPage(title_nl="Aanbod", title_en="Offer", slug_nl="aanbod", slug_en="offer", body_nl="<p>Eerste</p>")
    home_page.add_child(instance=page)
    page.save_revision().publish()
    Client().get("/")  # the first request of a new site creates its settings row, which empties the cache
    return page


def test_second_anonymous_request_is_served_from_cache(client, page):
    first = client.get("/aanbod/")
    second = client.get("/aanbod/")
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_languages_are_cached_apart(client, page):
    client.get("/aanbod/")
    english = client.get("/en/offer/")
    assert english["X-Page-Cache"] == "miss"
    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="nl">' in client.get("/aanbod/").content.decode()


def test_publishing_a_change_is_visible_on_the_next_request(client, page):
    assert "Eerste" in client.get("/aanbod/").content.decode()
    page.body_nl = "<p>Tweede versie</p>"
    page.save_revision().publish()
    response = client.get("/aanbod/")
    assert response["X-Page-Cache"] == "miss"
    assert "Tweede versie" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_page_rendered_before_the_publish_commits_is_not_served_after_it(client, page):
    from django.db import transaction

    with transaction.atomic():
        page.body_nl = "<p>Tweede versie</p>"
        page.save_revision().publish()
        client.get("/aanbod/")  # a request rendered (and cached) while the publish has not committed yet
    response = client.get("/aanbod/")
    assert response["X-Page-Cache"] == "miss"
    assert "Tweede versie" in response.content.decode()


def test_unpublished_page_is_gone_at_once(client, page):
    client.get("/aanbod/")
    page.unpublish()
    assert client.get("/aanbod/").status_code == 404


def test_logged_in_users_never_get_cached_pages(client, page, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw-123456!")
    client.force_login(user)
    client.get("/aanbod/")
    assert "X-Page-Cache" not in client.get("/aanbod/")


def test_an_unreachable_cache_server_never_breaks_pages_or_saves(client, page, settings):
    settings.CACHES = {
        **settings.CACHES,
        "down": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"},
    }
    settings.PAGE_CACHE_ALIAS = "down"
    assert client.get("/aanbod/").status_code == 200
    page.body_nl = "<p>Opgeslagen zonder cache</p>"
    page.save_revision().publish()
    assert "Opgeslagen zonder cache" in client.get("/aanbod/").content.decode()


# --- Across processes, in front of Django, with the cache server down ---------------------------------------


def _another_process_publishes(page, **fields):
    """What this process sees when another one publishes: the rows change and the shared generation counter moves,
    but nothing in this process is told (no signal here, its memo is not emptied)."""
    from django.core.cache import cache

    from cms.cache import GENERATION_KEY

    type(page).objects.filter(pk=page.pk).update(**fields)
    cache.incr(GENERATION_KEY)


def test_a_publish_in_another_process_is_visible_on_the_next_request(client, page):
    client.get("/aanbod/")
    assert client.get("/aanbod/")["X-Page-Cache"] == "hit"
    _another_process_publishes(page, body_nl="<p>Elders gepubliceerd</p>", title_nl="Ons aanbod", show_in_menus=True)
    response = client.get("/aanbod/")
    assert response["X-Page-Cache"] == "miss"
    content = response.content.decode()
    assert "Elders gepubliceerd" in content
    assert '<a href="/aanbod/">Ons aanbod</a>' in content  # the menu, remembered per process, follows too


def test_the_menu_follows_a_publish_on_the_next_request(client, page):
    assert ">Menu-aanbod<" not in client.get("/").content.decode()
    page.title_nl, page.show_in_menus = "Menu-aanbod", True
    page.save_revision().publish()
    assert ">Menu-aanbod<" in client.get("/").content.decode()
    assert ">Offer<" in client.get("/en/").content.decode()


@pytest.fixture
def wsgi_application():
    """The production WSGI shape (cms/wsgi.py)."""
    from django.core.wsgi import get_wsgi_application

    from cms.cache import PageCacheApplication

    return PageCacheApplication(get_wsgi_application())


def _wsgi_get(application, path, **extra):
    """One GET through the WSGI application, with the test's database connection kept open as the test client
    keeps it (Django's request signals would close it)."""
    from django.core import signals
    from django.db import close_old_connections
    from django.test import RequestFactory

    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET", **extra)
    environ["wsgi.input"] = io.BytesIO(b"")
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=status, headers=dict(headers))

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, start_response))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


def test_the_wsgi_front_answers_with_the_headers_the_whole_stack_gave(page, wsgi_application):
    application = wsgi_application
    status, first, body = _wsgi_get(application, "/aanbod/")
    assert status == "200 OK" and first["X-Page-Cache"] == "miss"
    status, second, cached = _wsgi_get(application, "/aanbod/")
    assert status == "200 OK" and second.pop("X-Page-Cache") == "hit" and first.pop("X-Page-Cache") == "miss"
    assert cached == body
    assert second == first
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Language", "Permissions-Policy", "Vary"):
        assert header in second, header
    # English has its own copy, with its own language
    _wsgi_get(application, "/en/offer/")
    status, english, body = _wsgi_get(application, "/en/offer/")
    assert english["X-Page-Cache"] == "hit" and english["Content-Language"] == "en"
    assert b'<html lang="en">' in body


@pytest.mark.parametrize("cookie", ["sessionid=abc", "messages=abc"])
def test_visitors_with_a_session_or_messages_get_fresh_pages(client, page, cookie):
    client.get("/aanbod/")
    name, value = cookie.split("=")
    client.cookies[name] = value
    assert "X-Page-Cache" not in client.get("/aanbod/")


def test_a_page_holding_a_csrf_token_is_never_stored(rf):
    from django.http import HttpResponse
    from django.middleware.csrf import get_token
    from django.urls import resolve

    from cms.cache import _response_is_cacheable

    request = rf.get("/aanbod/")
    request.resolver_match = resolve("/aanbod/")
    response = HttpResponse("<form>", content_type="text/html; charset=utf-8")
    assert _response_is_cacheable(request, response)
    get_token(request)
    assert not _response_is_cacheable(request, response)


def test_with_the_cache_server_down_nothing_is_remembered(client, page, settings, wsgi_application):
    """django-redis as production runs it (IGNORE_EXCEPTIONS): every call misses; pages render, a publish shows
    at once, and the process memo is not used (it could not learn of another process's publish)."""
    from cms.cache import request_generation

    settings.CACHES = {
        **settings.CACHES,
        "down": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        },
    }
    settings.PAGE_CACHE_ALIAS = "down"
    assert request_generation(None) is None
    assert "X-Page-Cache" not in client.get("/aanbod/")
    type(page).objects.filter(pk=page.pk).update(body_nl="<p>Zonder cache gewijzigd</p>")  # no signal, no bump
    assert "Zonder cache gewijzigd" in client.get("/aanbod/").content.decode()
    status, headers, body = _wsgi_get(wsgi_application, "/aanbod/")
    assert status == "200 OK" and "X-Page-Cache" not in headers and b"Zonder cache gewijzigd" in body


@pytest.mark.django_db(transaction=True)
def test_a_registration_shows_on_the_training_page_at_the_next_request(client, home_page):
    """A registration is saved under its session's lock; the shared counter moves when it commits, not while the
    lock is held. A training page rendered before the commit (still with the old seat count) is not served after
    it, and the next request shows the new count."""
    from django.db import transaction

    from tests.factories import make_session, make_training
    from workshops.services import booking

    training = make_training(home_page)
    session = make_session(training, capacity=2)
    url = training.url
    first = client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    with transaction.atomic():
        booking.register(session.pk, booking.RegistrationData(name="Anna de Vries", email="anna@example.org"))
        client.get(url)  # rendered while the registration has not committed yet
    after = client.get(url)
    assert after["X-Page-Cache"] == "miss"
    assert after.content != first.content
