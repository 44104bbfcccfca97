"""The home page finds pages by their translated URL path in one query, with Wagtail's routing as fallback."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/aanbod/romeo-en-julia/").status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert sum('"url_path_nl" = ' in sql for sql in sqls) == 1
    assert not any('"depth" = 4' in sql for sql in sqls), "walked the tree level by level"


def test_draft_and_unknown_pages_are_404(client, nested):
    parent, child = nested
    child.unpublish()
    assert client.get("/aanbod/romeo-en-julia/").status_code == 404
    assert client.get("/aanbod/bestaat-niet/").status_code == 404
    assert client.get("/en/offer/does-not-exist/").status_code == 404
