"""How many queries the pages visitors read most cost, with the demo content (the benchmark's targets): the frame
every page shares (site, settings, menu, help and contact links, site root paths) comes from the process memo."""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from home.models import LessonPage, TrainingPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.PAGE_CACHE_ENABLED = False
    call_command("load_initial_data", verbosity=0)


def _queries(client, url):
    for _ in range(2):  # warm the process memo (the first view of a new site creates its settings, a change)
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_pages_stay_within_their_query_budgets(client, demo):
    lesson = LessonPage.objects.live().first()
    training = TrainingPage.objects.live().first()
    assert _queries(client, lesson.url) <= 9
    assert _queries(client, "/") <= 12
    assert _queries(client, "/en/") <= 12
    assert _queries(client, training.url) <= 8


def test_page_urls_do_not_read_the_site_root_paths_from_the_cache_per_request(client, demo, monkeypatch):
    """wagtail-modeltranslation keeps one language's site root paths on the request and reads the cache again for
    the other language (the language switcher asks for both); cms.cache.use_site_root_paths hands it both from
    the process memo. This notices when an upgrade changes how those paths are kept."""
    cache = caches["default"]
    lesson = LessonPage.objects.live().first()
    client.get(lesson.url)
    client.get(lesson.url)
    read = []
    original = type(cache).get

    def get(self, key, *args, **kwargs):
        read.append(str(key))
        return original(self, key, *args, **kwargs)

    monkeypatch.setattr(type(cache), "get", get)
    content = client.get(lesson.url).content.decode()
    assert not [key for key in read if "site_root_paths" in key], read
    assert 'hreflang="en"' in content and "/en/" in content
