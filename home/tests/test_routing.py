"""Routing: which page a URL names is remembered per process (one query fewer per page view), and every change an
editor makes to where a page lives is followed on the next request, in both languages."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.cache import GENERATION_KEY, memo
from home.models import ContentPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(home_page, settings):
    settings.PAGE_CACHE_ENABLED = False  # every request is routed; the process memo still works
    page = ContentPage(title_nl="Aanbod", title_en="Offer", slug_nl="aanbod", slug_en="offer", body_nl="<p>Een</p>")
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def _warm(client, *paths):
    for _ in range(2):  # the first view of a new site creates its settings row, a change that empties the memo
        for path in paths:
            assert client.get(path).status_code == 200, path


def test_a_remembered_route_costs_no_query_for_the_url_path(client, page):
    _warm(client, "/aanbod/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/aanbod/").status_code == 200
    by_path = [q["sql"] for q in queries if '"url_path' in q["sql"].partition(" WHERE ")[2]]
    assert not by_path, by_path


def test_a_new_slug_is_followed_at_once_in_both_languages(client, page):
    _warm(client, "/aanbod/", "/en/offer/")
    page.slug_nl, page.slug_en = "ons-aanbod", "our-offer"
    page.save_revision().publish()
    assert client.get("/aanbod/").status_code == 404
    assert client.get("/en/offer/").status_code == 404
    assert client.get("/ons-aanbod/").status_code == 200
    response = client.get("/en/our-offer/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_an_unpublished_page_is_gone_on_the_next_request_and_back_when_published(client, page):
    _warm(client, "/aanbod/")
    page.unpublish()
    assert client.get("/aanbod/").status_code == 404
    page.save_revision().publish()
    assert client.get("/aanbod/").status_code == 200


def test_a_page_moved_in_another_process_is_followed(client, page, home_page):
    """Another worker process moves the page: the rows change and the shared counter moves, no signal here."""
    _warm(client, "/aanbod/")
    ContentPage.objects.filter(pk=page.pk).update(url_path_nl="/home/elders/", slug_nl="elders")
    cache.incr(GENERATION_KEY)
    assert client.get("/aanbod/").status_code == 404
    assert client.get("/elders/").status_code == 200


def test_requests_for_pages_that_do_not_exist_are_not_remembered(client, page):
    _warm(client, "/aanbod/")
    before = len(memo._state[2])
    for i in range(50):
        assert client.get(f"/bestaat-niet-{i}/").status_code == 404
    assert len(memo._state[2]) == before
