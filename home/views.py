"""Site-wide views of the home app: search, sitemap.xml and robots.txt."""

import logging
import re

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.models import Page, Site

MAX_RESULTS = 50
MAX_QUERY_LENGTH = 200
WORD = re.compile(r"\w+")
logger = logging.getLogger(__name__)


def search_terms(raw: str) -> str:
    """Words only: quotes, operators and control characters would upset the full-text parser (SQLite's FTS)."""
    return " ".join(WORD.findall(raw[: MAX_QUERY_LENGTH * 2]))[:MAX_QUERY_LENGTH]


@require_GET
def search(request):
    """Live pages matching the query; titles and links come out in the visitor's language."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    terms = search_terms(query)
    results = []
    if terms:
        site = Site.find_for_request(request)
        pages = Page.objects.live().public()
        if site is not None:
            pages = pages.descendant_of(site.root_page, inclusive=True)
        try:
            with transaction.atomic():
                results = list(pages.specific().search(terms)[:MAX_RESULTS])
        except DatabaseError:
            logger.warning("search backend refused a query of %d characters", len(terms))
            results = []
    return render(
        request,
        "home/search.html",
        {"search_query": query, "results": results, "seo_title": _("Search")},
    )


def _site_pages(request):
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return []
    return list(
        Page.objects.live().public().descendant_of(site.root_page, inclusive=True).filter(depth__gt=1).order_by("path")
    )


@require_GET
def sitemap(request):
    """Every live page in every language, each with xhtml:link hreflang alternates (Google's format)."""
    languages = [code for code, _name in settings.LANGUAGES]
    entries = []
    for page in _site_pages(request):
        urls = {}
        for code in languages:
            with translation.override(code):
                url = page.get_url(request=request)
            if url:
                urls[code] = request.build_absolute_uri(url)
        if not urls:
            continue
        alternates = [(code, urls[code]) for code in languages if code in urls]
        default = urls.get(settings.LANGUAGE_CODE)
        for code in languages:
            if code in urls:
                entries.append(
                    {
                        "loc": urls[code],
                        "lastmod": page.last_published_at,
                        "alternates": alternates,
                        "default": default,
                    }
                )
    response = render(request, "home/sitemap.xml", {"entries": entries}, content_type="application/xml")
    return response


@require_GET
def robots(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
    ]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            lines.append(f"Disallow: {reverse('home:search')}")
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
