"""Page: a lesson with realistic StreamField content and 2 or 20 related items, uncached.

Floor: the bare Django view (bench/urls.py) in the same process and under the same gunicorn.
Target: ≤ 12 queries, the same number for 2 and 20 related items (latency is reported as a ratio)."""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bench.core import Http, Result, gunicorn, median_ms

BODY = [
    ("text", "<h2>Waar gaat het over?</h2><p>" + "Jongeren ontdekken liefde en grenzen, ook online. " * 12 + "</p>"),
    (
        "definition",
        {
            "term": "Grooming",
            "pronunciation": "/groe:ming/",
            "definition": "<p>Volwassenen benaderen jongeren (online) met als doel seksueel contact.</p>",
        },
    ),
    (
        "definition",
        {
            "term": "Sexting",
            "pronunciation": "/seks:ting/",
            "definition": "<p>Het maken en delen van seksueel getinte foto's, video's of teksten.</p>",
        },
    ),
    (
        "steps",
        {
            "heading": "Het groomingsproces",
            "steps": [
                {"title": t, "text": "Uitleg bij deze fase."}
                for t in (
                    "Slachtofferselectie",
                    "Informatie en vertrouwen winnen",
                    "Voorzien in behoefte",
                    "Grenzen verleggen",
                    "Misbruik",
                )
            ],
        },
    ),
    ("quote", {"quote": "Het is nooit de schuld van het slachtoffer.", "attribution": "Robin"}),
    (
        "faq",
        {
            "heading": "Vragen",
            "items": [
                {"question": f"Vraag {i}?", "answer": "<p>" + "Een helder antwoord. " * 6 + "</p>"} for i in range(6)
            ],
        },
    ),
    ("text", "<p>" + "Afsluitende tekst met een <a href='https://example.org'>link</a>. " * 10 + "</p>"),
]


def make_lesson(related: int):
    """A published lesson with `related` themes, audiences and matching help links."""
    from home.models import HelpLink, LessonAudience, LessonIndexPage, LessonPage, Theme

    index = LessonIndexPage.objects.first()
    slug = f"bench-les-{related}"
    LessonPage.objects.filter(slug=slug).delete()
    Theme.objects.filter(name_nl__startswith=f"bench{related}-").delete()
    HelpLink.objects.filter(name__startswith=f"bench{related}-").delete()
    themes = []
    for i in range(related):
        theme = Theme(
            name_nl=f"bench{related}-thema-{i}", name_en=f"bench{related}-theme-{i}", slug=f"bench{related}-{i}"
        )
        theme.save()
        themes.append(theme)
        link = HelpLink(
            name=f"bench{related}-hulp-{i}",
            url=f"https://example.org/{related}/{i}",
            description_nl="Hulp en advies.",
            sort_order=i,
        )
        link.save()
        link.topics.set([theme])
    lesson = LessonPage(
        title_nl=f"Benchles {related}",
        title_en=f"Bench lesson {related}",
        slug_nl=slug,
        slug_en=slug,
        intro_nl="Een les om te meten.",
        duration_minutes=90,
        body_nl=BODY,
        learning_goals_nl=[("goal", f"Doel {i}") for i in range(5)],
    )
    for i in range(related):
        lesson.audiences.add(LessonAudience(school_type="secondary", year_from=1 + i % 6, year_to=2 + i % 6))
    index.add_child(instance=lesson)
    lesson.themes.set(themes)
    lesson.save_revision().publish()
    return lesson


def run(smoke: bool) -> list[Result]:
    call_command("load_initial_data", verbosity=0)
    lessons = {n: make_lesson(n) for n in (2, 20)}
    repeat = 15 if smoke else 200
    results = []
    with override_settings(PAGE_CACHE_ENABLED=False):
        client = Client()
        queries = {}
        for n, lesson in lessons.items():
            url = lesson.url
            assert client.get(url).status_code == 200, url
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            queries[n] = len(ctx.captured_queries)
        floor = median_ms(lambda: client.get("/bench/bare/"), repeat)
        page = median_ms(lambda: client.get(lessons[20].url), repeat)
    same = queries[2] == queries[20]
    results.append(
        Result(
            "page: queries, 2 vs 20 related",
            queries[20],
            queries[2],
            "queries",
            "≤ 12, equal",
            queries[20] <= 12 and same,
            f"{queries[2]} vs {queries[20]}",
        )
    )
    results.append(Result("page: median latency, test client", page, floor, "ms", "report", True))

    with gunicorn(workers=1, env={"PAGE_CACHE_ENABLED": "off"}) as port:
        http = Http(port)
        url = lessons[20].url
        status, _, _ = http.get(url)
        assert status == 200, status
        floor = median_ms(lambda: http.get("/bench/bare/"), repeat)
        page = median_ms(lambda: http.get(url), repeat)
        http.close()
    results.append(Result("page: median latency, gunicorn", page, floor, "ms", "report", True, "page cache bypassed"))
    return results
