"""The home page finds pages by their translated URL path in one query, with Wagtail's routing as fallback; which
page a path names is then remembered per process (no query for the path at all), and every change an editor makes
to where a page lives is followed on the next request, in both languages."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.cache import GENERATION_KEY, memo
from home.models import ContentPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def nested(home_page):
    parent = ContentPage(title_nl="Aanbod", title_en="Offer", slug_nl="aanbod", slug_en="offer")
    home_page.add_child(instance=parent)
    parent.save_revision().publish()
    child = ContentPage(title_nl="Romeo & Julia", slug_nl="romeo-en-julia", body_nl="<p>Ambulante hulp</p>")
    parent.add_child(instance=child)
    child.save_revision().publish()
    return parent, child


def test_nested_page_in_both_languages(client, nested):
    assert "Ambulante hulp" in client.get("/aanbod/romeo-en-julia/").content.decode()
    # no English slug: the English URL uses the Dutch slug under the English parent
    assert client.get("/en/offer/romeo-en-julia/").status_code == 200


def test_a_nested_page_is_found_with_one_url_path_query(client, nested):
    client.get("/aanbod/romeo-en-julia/")
    memo.clear()  # as after a publish: this process has to look the path up again
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/aanbod/romeo-en-julia/").status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert sum('"url_path_nl" = ' in sql for sql in sqls) == 1
    assert not any('"depth" = 4' in sql for sql in sqls), "walked the tree level by level"
    with CaptureQueriesContext(connection) as ctx:  # the next request: the path is remembered
        assert client.get("/aanbod/romeo-en-julia/").status_code == 200
    assert not [q["sql"] for q in ctx.captured_queries if '"url_path' in q["sql"].partition(" WHERE ")[2]]


def test_draft_and_unknown_pages_are_404(client, nested):
    parent, child = nested
    child.unpublish()
    assert client.get("/aanbod/romeo-en-julia/").status_code == 404
    assert client.get("/aanbod/bestaat-niet/").status_code == 404
    assert client.get("/en/offer/does-not-exist/").status_code == 404


@pytest.fixture
def page(home_page):
    page = ContentPage(title_nl="Aanbod", title_en="Offer", slug_nl="aanbod", slug_en="offer", body_nl="<p>Een</p>")
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def _warm(client, *paths):
    for _ in range(2):  # the first view of a new site creates its settings row, a change that empties the memo
        for path in paths:
            assert client.get(path).status_code == 200, path


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
