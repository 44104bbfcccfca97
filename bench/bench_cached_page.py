"""Cached page: requests per second for a cached lesson page under a bounded load on loopback, against the bare
view under the same gunicorn (the floor). Target: ≥ 1.3 × the floor. Also shows, with the same server (other
processes than the one publishing), that a publish is visible on the very next request, in the page and in the
menu every page shows (the process memo), that each language keeps its own copy, and the memory of one worker."""

from __future__ import annotations

import shutil
import statistics

from django.utils import translation

from bench.bench_page import make_lesson
from bench.core import Http, Result, gunicorn, load, worker_rss_mib


def _menu_page():
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True).root_page.get_children().live().in_menu().first().specific


def run(smoke: bool) -> list[Result]:
    lesson = make_lesson(20)
    seconds = 2 if smoke else 12
    with gunicorn(workers=2, threads=2) as port:
        http = Http(port)
        url = lesson.url
        with translation.override("en"):
            url_en = lesson.get_url()
        http.get(url)
        status, headers, _ = http.get(url)
        cache_state = headers.get("X-Page-Cache")
        rss_warm = worker_rss_mib(port)
        # in turns, so that a busy neighbour on the machine weighs on both figures alike
        rounds = 1 if smoke else 4
        floor_runs, page_runs = [], []
        for _ in range(rounds):
            floor_runs.append(load(port, "/bench/bare/", seconds / rounds))
            page_runs.append(load(port, url, seconds / rounds))
        floor_rps, floor_errors = statistics.mean(r for r, _e in floor_runs), sum(e for _r, e in floor_runs)
        page_rps, page_errors = statistics.mean(r for r, _e in page_runs), sum(e for _r, e in page_runs)
        rss_after = worker_rss_mib(port)

        # each language its own copy
        http.get(url_en)
        _, en_headers, en_body = http.get(url_en)
        _, nl_headers, nl_body = http.get(url)
        languages_apart = (
            '<html lang="en">' in en_body.decode()
            and '<html lang="nl">' in nl_body.decode()
            and en_headers.get("X-Page-Cache") == nl_headers.get("X-Page-Cache") == "hit"
        )

        # publishing a change is visible on the next request, in the page and in the menu (remembered per process)
        lesson.intro_nl = "Nieuwe introductie na publicatie."
        lesson.save_revision().publish()
        _, after_headers, body = http.get(url)
        visible = "Nieuwe introductie na publicatie." in body.decode()
        menu_page = _menu_page()
        old_title = menu_page.title_nl
        menu_page.title_nl = "Menutitel na publicatie"
        menu_page.save_revision().publish()
        _, _, body = http.get(url)
        menu_visible = "Menutitel na publicatie" in body.decode()
        menu_page.title_nl = old_title
        menu_page.save_revision().publish()
        http.close()
    errors = floor_errors + page_errors
    ok = page_rps >= 1.3 * floor_rps and cache_state == "hit" and errors == 0
    return [
        Result(
            "cached page: requests/s",
            page_rps,
            floor_rps,
            "req/s",
            "≥ 1.3 × floor",
            ok,
            f"X-Page-Cache={cache_state}, errors={errors}; worker RSS {rss_warm:.0f} MiB warm, {rss_after:.0f} after"
            # Python threads share one GIL with each other: they read a 20 kB page much slower than a 20-byte one,
            # so they measure themselves more than the server (`make bench` installs wrk)
            + ("" if shutil.which("wrk") else "; load from Python threads, not wrk: the ratio reads low"),
        ),
        Result(
            "cached page: publish visible next request",
            1.0 if visible and menu_visible else 0.0,
            None,
            "",
            "yes",
            visible and menu_visible,
            f"page: {visible} (X-Page-Cache={after_headers.get('X-Page-Cache')}), menu: {menu_visible}",
        ),
        Result(
            "cached page: languages cached apart", 1.0 if languages_apart else 0.0, None, "", "yes", languages_apart
        ),
    ]
