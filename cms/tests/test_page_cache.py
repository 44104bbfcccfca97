"""The anonymous page cache: per language, never for logged-in users, emptied when content is published."""

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
