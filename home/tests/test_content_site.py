"""What visitors notice: filters that work without JavaScript, a quick exit, search in their language, a sitemap
with hreflang alternates, robots.txt, the live campaign, contact channels and a lesson page whose number of
queries does not grow with its themes, audiences and help links."""

import datetime
import xml.etree.ElementTree as ET
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from home.models import (
    CampaignIndexPage,
    CampaignPage,
    ContactPage,
    HelpLink,
    HelpLinksPage,
    LessonAudience,
    LessonIndexPage,
    LessonPage,
    SiteSettings,
    Theme,
    TrainingAgendaStep,
    TrainingPage,
)

pytestmark = pytest.mark.django_db


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def make_theme(slug, nl, en):
    return Theme.objects.create(slug=slug, name_nl=nl, name_en=en)


def make_lesson(index, slug_nl, slug_en, title_nl, title_en, themes=(), audiences=(), **fields):
    lesson = LessonPage(slug_nl=slug_nl, slug_en=slug_en, title_nl=title_nl, title_en=title_en, **fields)
    lesson.themes = list(themes)
    lesson.audiences = [LessonAudience(school_type=kind, year_from=a, year_to=b) for kind, a, b in audiences]
    index.add_child(instance=lesson)
    return lesson


@pytest.fixture
def lesson_index(home_page):
    index = LessonIndexPage(title_nl="Lessen", title_en="Lessons", slug_nl="lessen", slug_en="lessons")
    home_page.add_child(instance=index)
    return index


@pytest.fixture
def lessons(lesson_index):
    grooming = make_theme("grooming", "Grooming", "Grooming")
    love = make_theme("relationships", "Liefde en relaties", "Love and relationships")
    love_lesson = make_lesson(
        lesson_index,
        "liefde-is",
        "love-is",
        "Liefde is…",
        "Love is…",
        themes=[love],
        audiences=[("primary", 7, 8)],
    )
    sexting = make_lesson(
        lesson_index,
        "sexting-en-grooming",
        "sexting-and-grooming",
        "Sexting & Grooming",
        "Sexting & Grooming",
        themes=[grooming],
        audiences=[("secondary", 1, 4)],
        intro_nl="De vijf fasen van het groomingproces.",
        intro_en="The five stages of the grooming process.",
    )
    return love_lesson, sexting


@pytest.fixture
def help_page(home_page):
    page = HelpLinksPage(title_nl="Hulp", title_en="Help", slug_nl="hulp", slug_en="help")
    home_page.add_child(instance=page)
    reporting = make_theme("reporting", "Melden", "Reporting")
    media = make_theme("media-parenting", "Mediaopvoeding", "Media and parenting")
    police = HelpLink(
        name="Vraag het de politie",
        url="https://www.vraaghetdepolitie.nl/",
        description_nl="De politie beantwoordt vragen.",
        description_en="The police answer questions.",
    )
    police.topics = [reporting]
    police.save()
    media_link = HelpLink(
        name="Mediaopvoeding.nl",
        url="https://www.mediaopvoeding.nl/",
        description_nl="Advies voor ouders.",
        description_en="Advice for parents.",
    )
    media_link.topics = [media]
    media_link.save()
    return page


# --- Filters -----------------------------------------------------------------------------------------------


def test_lessons_filter_by_theme_and_audience_with_plain_get_parameters(client, lessons):
    everything = html(client.get("/lessen/"))
    assert "Liefde is…" in everything and "Sexting &amp; Grooming" in everything
    assert '<form class="filters" method="get"' in everything
    assert '<option value="grooming">Grooming</option>' in everything

    grooming = html(client.get("/lessen/?theme=grooming"))
    assert "Sexting &amp; Grooming" in grooming and "Liefde is…" not in grooming
    assert '<option value="grooming" selected>' in grooming

    primary = html(client.get("/en/lessons/?audience=primary"))
    assert "Love is…" in primary and "Sexting &amp; Grooming" not in primary
    assert "1 lesson" in primary

    neither = html(client.get("/lessen/?theme=grooming&audience=primary"))
    assert "Er zijn geen lessen die bij dit filter passen." in neither


@pytest.mark.parametrize("query", ["?theme=<script>", "?audience=university", "?theme=&audience=", "?theme=a&theme=b"])
def test_unknown_filter_values_show_all_lessons_instead_of_an_error(client, lessons, query):
    content = html(client.get("/lessen/" + query))
    assert "Liefde is…" in content and "Sexting &amp; Grooming" in content
    assert "<script>" not in content.split("<main")[1]


def test_help_links_are_grouped_by_topic_and_filter_by_topic(client, help_page):
    everything = html(client.get("/hulp/"))
    assert '<h2 id="topic-reporting">Melden</h2>' in everything
    assert '<h2 id="topic-media-parenting">Mediaopvoeding</h2>' in everything
    assert "De politie beantwoordt vragen." in everything

    reporting = html(client.get("/en/help/?topic=reporting"))
    assert "The police answer questions." in reporting
    assert "Advice for parents." not in reporting
    assert '<strong aria-current="true">Reporting</strong>' in reporting
    assert 'href="/en/help/?topic=media-and-parenting"' in reporting  # filter keys in the page's language
    assert "Advice for parents." in html(client.get("/en/help/?topic=nonsense"))
    dutch = html(client.get("/hulp/?topic=melden"))
    assert "De politie beantwoordt vragen." in dutch and "Advies voor ouders." not in dutch
    assert 'href="/hulp/?topic=mediaopvoeding"' in dutch and "?topic=media-parenting" not in dutch
    assert '<strong aria-current="true">Melden</strong>' in html(client.get("/hulp/?topic=reporting"))  # older links


# --- Quick exit --------------------------------------------------------------------------------------------


def test_quick_exit_is_the_first_link_after_skip_link_on_help_and_lesson_pages(client, help_page, lessons):
    for url in ("/hulp/", "/en/help/", "/lessen/sexting-en-grooming/", "/en/lessons/love-is/"):
        content = html(client.get(url))
        body = content.split("<body", 1)[1]
        links = [chunk.split(">", 1)[0] for chunk in body.split("<a ")[1:]]
        assert 'class="skip-link"' in links[0]
        assert "data-quick-exit" in links[1], url
        assert 'href="https://' in links[1] and "noreferrer" in links[1]
        assert 'tabindex="-1"' not in links[1]
    assert "Snel weg" in html(client.get("/hulp/"))
    assert "Quick exit" in html(client.get("/en/help/"))
    assert "data-quick-exit" in html(client.get("/"))  # on every page (cms/tests/test_security_quick_exit.py)


def test_quick_exit_script_replaces_the_history_entry(client):
    from django.contrib.staticfiles import finders

    script = open(finders.find("js/site.js"), encoding="utf-8").read()
    assert "location.replace(" in script
    assert "preventDefault" in script and '"Shift"' in script


# --- Lesson page -------------------------------------------------------------------------------------------


def test_lesson_page_offers_the_school_request_and_related_help(client, lessons, help_page):
    love, sexting = lessons
    police = HelpLink.objects.get(name="Vraag het de politie")
    police.topics.add(Theme.objects.get(slug="grooming"))
    police.save()
    content = html(client.get("/lessen/sexting-en-grooming/"))
    assert "Voortgezet onderwijs, leerjaar 1–4" in content
    assert "Vraag het de politie" in content and "Mediaopvoeding.nl" not in content
    url = sexting.school_request_url()
    if url is None:
        assert "Vraag deze les aan" not in content
    else:
        assert f'href="{url}"' in content


def _render_lesson_queries(client, url):
    client.get(url)  # warm the per-process caches (site root paths, settings) once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_lesson_page_queries_do_not_grow_with_related_items(client, lesson_index, help_page, settings):
    settings.PAGE_CACHE_ENABLED = False
    counts = {}
    for size in (2, 20):
        themes = [make_theme(f"theme-{size}-{i}", f"Thema {i}", f"Theme {i}") for i in range(size)]
        for i, theme in enumerate(themes):
            link = HelpLink(name=f"Hulp {size}-{i}", url=f"https://example.org/{size}/{i}", description_nl="Hulp")
            link.topics = [theme]
            link.save()
        make_lesson(
            lesson_index,
            f"les-{size}",
            f"lesson-{size}",
            f"Les {size}",
            f"Lesson {size}",
            themes=themes,
            audiences=[("secondary", i % 6 + 1, i % 6 + 2) for i in range(size)],
        )
        response, counts[size] = _render_lesson_queries(client, f"/lessen/les-{size}/")
        content = response.content.decode()
        assert content.count('<li class="card help-link">') == size
        assert f"Thema {size - 1}" in content
    assert counts[2] == counts[20], counts


# --- Trainings, campaigns, contact -------------------------------------------------------------------------


def test_training_page_shows_agenda_minutes_and_preparation(client, home_page):
    from home.models import TrainingIndexPage

    index = TrainingIndexPage(title_nl="Trainingen", title_en="Trainings", slug_nl="trainingen", slug_en="trainings")
    home_page.add_child(instance=index)
    training = TrainingPage(
        title_nl="Teamsessie shame sexting",
        title_en="Team session on shame sexting",
        slug_nl="teamsessie",
        slug_en="team-session",
        podcast_title_nl="niet jouw schuld – Shame Sexting",
        podcast_url="https://example.org/podcast",
        podcast_minutes=30,
    )
    training.agenda_steps = [
        TrainingAgendaStep(minutes=m, title_nl=nl, title_en=en, sort_order=i)
        for i, (m, nl, en) in enumerate(
            [
                (20, "Bespreken van de podcast", "Discussing the podcast"),
                (30, "Succesfactoren verzamelen", "Collecting success factors"),
                (15, "Verdieping", "Going deeper"),
                (10, "Evaluatie en actie", "Evaluation and action"),
            ]
        )
    ]
    index.add_child(instance=training)
    nl = html(client.get("/trainingen/teamsessie/"))
    assert "20 min.</span> <strong>Bespreken van de podcast" in nl
    assert "10 min.</span> <strong>Evaluatie en actie" in nl
    assert "In totaal 75 minuten." in nl
    assert "Luister de podcast" in nl and "(30 minuten)" in nl
    en = html(client.get("/en/trainings/team-session/"))
    assert "15 min.</span> <strong>Going deeper" in en and "In total 75 minutes." in en
    assert "Upcoming sessions" in en


def test_home_page_shows_the_campaign_that_runs_today_only(client, home_page):
    index = CampaignIndexPage(title_nl="Campagnes", slug_nl="campagnes")
    home_page.add_child(instance=index)
    today = timezone.localdate()
    past = CampaignPage(
        title_nl="Week van de Lentekriebels",
        title_en="Spring Fever Week",
        slug_nl="lentekriebels",
        start_date=today - datetime.timedelta(days=40),
        end_date=today - datetime.timedelta(days=35),
    )
    index.add_child(instance=past)
    assert "Week van de Lentekriebels" not in html(client.get("/"))
    live = CampaignPage(
        title_nl="Week van de Liefde",
        title_en="Week of Love",
        slug_nl="week-van-de-liefde",
        slug_en="week-of-love",
        start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=5),
    )
    index.add_child(instance=live)
    nl = html(client.get("/"))
    assert "Campagne van dit moment" in nl and 'href="/campagnes/week-van-de-liefde/"' in nl
    en = html(client.get("/en/"))
    assert "Campaign running now" in en and "Week of Love" in en and "Spring Fever Week" not in en


def test_contact_page_lists_every_channel_from_the_site_settings(client, site, home_page):
    settings = SiteSettings.for_site(site)
    settings.address = "Baarsjesweg 224\n1058 AA Amsterdam"
    settings.phone = "06 2933 8064"
    settings.email = "info@qpido.nl"
    settings.website = "https://www.qpido.nl/"
    settings.whatsapp = "+31 6 2933 8064"
    settings.chat_url = "https://chat.example.org/"
    settings.consult_url = "https://example.org/consult"
    settings.social_links = [{"type": "link", "value": {"network": "Instagram", "url": "https://example.org/ig"}}]
    settings.chat_hours = [
        {"type": "hours", "value": {"days": ["0", "1", "2", "3", "4"], "opens": "13:00", "closes": "17:00"}},
        {"type": "hours", "value": {"days": ["0", "3"], "opens": "19:30", "closes": "21:30"}},
    ]
    settings.mail_sender_name = "Qpido"
    settings.save()
    home_page.add_child(instance=ContactPage(title_nl="Contact", slug_nl="contact", slug_en="contact"))
    nl = html(client.get("/contact/"))
    for text in (
        "Baarsjesweg 224<br>1058 AA Amsterdam",
        'href="tel:0629338064"',
        'href="mailto:info@qpido.nl"',
        'href="https://wa.me/31629338064"',
        'href="https://chat.example.org/"',
        'href="https://example.org/consult"',
        'href="https://example.org/ig"',
        '<th scope="row">Maandag t/m vrijdag</th><td>13:00–17:00</td>',
        '<th scope="row">Maandag en donderdag</th><td>19:30–21:30</td>',
        "neutrale afzendernaam “Qpido”",
    ):
        assert text in nl, text
    en = html(client.get("/en/contact/"))
    assert '<th scope="row">Monday to Friday</th>' in en and '<th scope="row">Monday and Thursday</th>' in en


# --- Search, sitemap, robots, SEO --------------------------------------------------------------------------


def test_search_finds_pages_and_answers_in_the_visitors_language(client, lessons):
    nl = html(client.get("/zoeken/", {"q": "groomingproces"}))
    assert 'href="/lessen/sexting-en-grooming/"' in nl
    assert "De vijf fasen van het groomingproces." in nl
    assert "1 resultaat" in nl

    en = html(client.get("/en/search/", {"q": "grooming process"}))
    assert 'href="/en/lessons/sexting-and-grooming/"' in en
    assert "The five stages of the grooming process." in en

    assert "0 results" in html(client.get("/en/search/", {"q": "zzzqqq"}))
    assert html(client.get("/en/search/", {"q": "x" * 5000}))  # long input is cut, not an error
    for odd in ('"', 'grooming"', "'", "AND (", "*", "NEAR(", "-", 'groomingproces" OR "x'):
        assert html(client.get("/zoeken/", {"q": odd})), odd
    assert 'href="/lessen/sexting-en-grooming/"' in html(client.get("/zoeken/", {"q": '"groomingproces'}))
    assert client.post("/en/search/", {"q": "x"}).status_code == 405


def test_sitemap_lists_every_page_in_both_languages_with_hreflang_alternates(client, lessons, help_page):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring(response.content)
    entries = {url.find("s:loc", ns).text: url for url in root.findall("s:url", ns)}
    live_pages = Page.objects.live().filter(depth__gt=1).count()
    assert len(entries) == 2 * live_pages
    lesson_nl = "http://testserver/lessen/sexting-en-grooming/"
    lesson_en = "http://testserver/en/lessons/sexting-and-grooming/"
    for loc in (lesson_nl, lesson_en):
        alternates = {link.get("hreflang"): link.get("href") for link in entries[loc].findall("x:link", ns)}
        assert alternates == {"nl": lesson_nl, "en": lesson_en, "x-default": lesson_nl}
    assert "http://testserver/en/help/" in entries


def test_robots_txt_points_to_the_sitemap_and_keeps_the_admin_out(client, site):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_seo_title_description_and_open_graph_follow_the_language(client, lessons):
    _love, sexting = lessons
    sexting.seo_title_nl = "Les over sexting en grooming"
    sexting.seo_title_en = "Lesson on sexting and grooming"
    sexting.search_description_nl = "Een les voor het voortgezet onderwijs."
    sexting.search_description_en = "A lesson for secondary schools."
    sexting.save_revision().publish()
    nl = html(client.get("/lessen/sexting-en-grooming/"))
    assert "<title>Les over sexting en grooming | Qpido</title>" in nl
    assert '<meta name="description" content="Een les voor het voortgezet onderwijs.">' in nl
    assert '<meta property="og:locale" content="nl_NL">' in nl
    assert '<meta property="og:url" content="http://testserver/lessen/sexting-en-grooming/">' in nl
    en = html(client.get("/en/lessons/sexting-and-grooming/"))
    assert "<title>Lesson on sexting and grooming | Qpido</title>" in en
    assert '<meta property="og:title" content="Lesson on sexting and grooming">' in en
    assert '<meta property="og:description" content="A lesson for secondary schools.">' in en
    assert '<meta property="og:locale:alternate" content="nl_NL">' in en


# --- Demo content ------------------------------------------------------------------------------------------


def counts():
    return (
        Page.objects.count(),
        Theme.objects.count(),
        HelpLink.objects.count(),
        LessonAudience.objects.count(),
        TrainingAgendaStep.objects.count(),
        get_image_model().objects.count(),
        get_document_model().objects.count(),
        SiteSettings.objects.count(),
    )


def test_demo_content_loads_once_and_reads_well_in_both_languages(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    out = StringIO()
    call_command("load_initial_data", stdout=out)
    first = counts()
    call_command("load_initial_data", stdout=out)
    assert counts() == first
    assert "demo content: 0 pages created" in out.getvalue()
    assert first[2] == 10, "the ten help links from the deck"
    site = Site.objects.get(is_default_site=True)
    assert SiteSettings.for_site(site).phone == "06 2933 8064"

    home_nl, home_en = html(client.get("/")), html(client.get("/en/"))
    assert "Liefde is…" in home_nl and "Love is…" in home_en
    lesson_nl = html(client.get("/lessen/sexting-en-grooming/"))
    for text in ("/groe:ming/", "Shame sexting", "Sextortion", "De vijf fasen van grooming", "Grenzen verleggen"):
        assert text in lesson_nl, text
    lesson_en = html(client.get("/en/lessons/sexting-and-grooming/"))
    assert "The five stages of grooming" in lesson_en and "Pushing boundaries" in lesson_en
    team = html(client.get("/en/trainings/team-session-shame-sexting/"))
    for minutes in ("20 min.", "30 min.", "15 min.", "10 min."):
        assert minutes in team
    assert "In total 75 minutes." in team
    assert ".pdf" in team, "background reading and cheat sheet are documents"
    help_en = html(client.get("/en/help/"))
    for domain in ("sense.info", "helpwanted.nl", "meldknop.nl", "allesoverseks.be", "hetgesprek.amsterdam.nl"):
        assert domain in help_en
    contact = html(client.get("/contact/"))
    assert "Maandag t/m vrijdag" in contact and "19:30–21:30" in contact
    for url in ("/campagnes/week-van-de-liefde/", "/en/campaigns/spring-fever-week/", "/en/what-we-offer/nova/"):
        html(client.get(url))


def test_moving_the_site_root_takes_effect_in_every_language_at_once(client, home_page):
    assert html(client.get("/en/")) and html(client.get("/"))  # fills the per-language root path cache
    from home.models import HomePage

    site = Site.objects.get(is_default_site=True)
    new_home = HomePage(title_nl="Nieuw", title_en="New", slug_nl="nieuw", slug_en="new")
    Page.get_first_root_node().add_child(instance=new_home)
    site.root_page = new_home
    site.save()
    en = html(client.get("/en/"))
    assert "<h1>New</h1>" in en
    assert '<link rel="alternate" hreflang="nl" href="http://testserver/">' in en
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/">' in html(client.get("/"))
