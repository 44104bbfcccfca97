"""Cached page: requests per second for a cached lesson page under a bounded load on loopback, against the bare
view under the same gunicorn (the floor). Target: ≥ 0.5 of the floor. Also shows that a publish is visible on
the very next request."""

from __future__ import annotations

from bench.bench_page import make_lesson
from bench.core import Http, Result, gunicorn, load


def run(smoke: bool) -> list[Result]:
    lesson = make_lesson(20)
    seconds = 2 if smoke else 10
    with gunicorn(workers=2, threads=2) as port:
        http = Http(port)
        url = lesson.url
        http.get(url)
        status, headers, _ = http.get(url)
        cache_state = headers.get("X-Page-Cache")
        floor_rps, floor_errors = load(port, "/bench/bare/", seconds)
        page_rps, page_errors = load(port, url, seconds)

        # publishing a change is visible on the next request
        lesson.intro_nl = "Nieuwe introductie na publicatie."
        lesson.save_revision().publish()
        _, after_headers, body = http.get(url)
        visible = "Nieuwe introductie na publicatie." in body.decode()
        http.close()
    errors = floor_errors + page_errors
    ok = page_rps >= 0.5 * floor_rps and cache_state == "hit" and errors == 0
    return [
        Result(
            "cached page: requests/s",
            page_rps,
            floor_rps,
            "req/s",
            "≥ 0.5 × floor",
            ok,
            f"X-Page-Cache={cache_state}, errors={errors}",
        ),
        Result(
            "cached page: publish visible next request",
            1.0 if visible else 0.0,
            None,
            "",
            "yes",
            visible,
            f"after publish X-Page-Cache={after_headers.get('X-Page-Cache')}",
        ),
    ]
