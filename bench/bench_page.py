"""Page: a lesson with realistic StreamField content and 2 or 20 related items, uncached; the home and a training
page's queries; the project's own bare view against the same view under a stock middleware list.

Floors, all measured in this process, sampled in turns: the bare Django view (bench/urls.py) under the project's
middleware; for that view itself, the same view under the nine middleware of a bilingual Wagtail site as Django
and Wagtail ship them (Django's default seven, LocaleMiddleware and Wagtail's RedirectMiddleware), and under
Django's default seven. Targets: lesson ≤ 9 queries, the same for 2 and 20 related items; home ≤ 12; training
≤ 8; the uncached lesson ≤ 50 × the project's bare view; that bare view ≤ 1.3 × the nine."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bench.core import Http, Result, gunicorn, interleaved_medians, median_ms

# Django's `startproject` list
DJANGO_DEFAULT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
# a bilingual Wagtail site as shipped: Django's seven, Django's LocaleMiddleware and Wagtail's redirects
STOCK_BILINGUAL_WAGTAIL_MIDDLEWARE = [
    *DJANGO_DEFAULT_MIDDLEWARE[:2],
    "django.middleware.locale.LocaleMiddleware",
    *DJANGO_DEFAULT_MIDDLEWARE[2:],
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

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
        link.topics.set([theme])  # a ParentalManyToManyField: written by save()
        link.save()
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


def _queries(client: Client, url: str) -> int:
    assert client.get(url).status_code == 200, url  # warm: the process memo, templates
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _client_with(middleware: list[str]) -> Client:
    with override_settings(MIDDLEWARE=middleware):
        client = Client()
        client.get("/bench/bare/")  # the handler loads its middleware now, from this list
    return client


def run(smoke: bool) -> list[Result]:
    from home.models import TrainingPage

    call_command("load_initial_data", verbosity=0)
    lessons = {n: make_lesson(n) for n in (2, 20)}
    training = TrainingPage.objects.live().first()
    repeat = 15 if smoke else 300
    results = []
    client = Client()
    with override_settings(PAGE_CACHE_ENABLED=False):
        queries = {n: _queries(client, lesson.url) for n, lesson in lessons.items()}
        home_queries = _queries(client, "/")
        training_queries = _queries(client, training.url)
        for n, lesson in lessons.items():  # the page shows what the figure claims: n themes, audiences, help links
            shown = client.get(lesson.url).content.count(b'class="card help-link"')
            assert shown == n, f"the lesson with {n} related items shows {shown} help links"
    same = queries[2] == queries[20]
    results.append(
        Result(
            "page: lesson queries, 2 vs 20 related",
            queries[20],
            queries[2],
            "queries",
            "≤ 9, equal",
            queries[20] <= 9 and same,
            f"{queries[2]} vs {queries[20]}",
        )
    )
    results.append(Result("page: home queries", home_queries, None, "queries", "≤ 12", home_queries <= 12))
    results.append(Result("page: training queries", training_queries, None, "queries", "≤ 8", training_queries <= 8))

    # In one process, in turns: the uncached lesson, the project's bare view (production settings: page cache on),
    # and the bare view under the two stock lists.
    url = lessons[20].url
    project, stock, django_default = (
        Client(),
        _client_with(STOCK_BILINGUAL_WAGTAIL_MIDDLEWARE),
        _client_with(DJANGO_DEFAULT_MIDDLEWARE),
    )

    cache_enabled = settings.PAGE_CACHE_ENABLED

    def uncached_lesson():
        settings.PAGE_CACHE_ENABLED = False  # (no override_settings per call: it would empty the process memo)
        try:
            client.get(url)
        finally:
            settings.PAGE_CACHE_ENABLED = cache_enabled

    cpu: dict = {}
    ms = interleaved_medians(
        {
            "lesson": uncached_lesson,
            "project": lambda: project.get("/bench/bare/"),
            "stock": lambda: stock.get("/bench/bare/"),
            "django": lambda: django_default.get("/bench/bare/"),
        },
        repeat,
        cpu=cpu,
    )
    results.append(
        Result(
            "page: uncached lesson, in-process median",
            ms["lesson"],
            ms["project"],
            "ms",
            "≤ 50 × floor",
            ms["lesson"] <= 50 * ms["project"],
            f"floor: the project's bare view; CPU of this process {cpu['lesson']:.2f} vs {cpu['project']:.3f} ms"
            f" ({cpu['lesson'] / cpu['project']:.0f} ×)",
        )
    )
    results.append(
        Result(
            "bare view: project's middleware",
            ms["project"],
            ms["stock"],
            "ms",
            "≤ 1.3 × floor",
            ms["project"] <= 1.3 * ms["stock"],
            f"floor: stock bilingual Wagtail (9); CPU {cpu['project'] / cpu['stock']:.2f} ×",
        )
    )
    results.append(
        Result(
            "bare view: project's middleware",
            ms["project"],
            ms["django"],
            "ms",
            "report",
            True,
            f"floor: Django's default (7); CPU {cpu['project'] / cpu['django']:.2f} ×",
        )
    )

    with gunicorn(workers=1, env={"PAGE_CACHE_ENABLED": "off"}) as port:
        http = Http(port)
        status, _, _ = http.get(url)
        assert status == 200, status
        floor = median_ms(lambda: http.get("/bench/bare/"), repeat)
        page = median_ms(lambda: http.get(url), repeat)
        http.close()
    results.append(Result("page: median latency, gunicorn", page, floor, "ms", "report", True, "page cache bypassed"))
    return results
