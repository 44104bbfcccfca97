"""A visitor reads a lesson in both languages, filters help links and leaves through the quick exit."""

from django.utils import translation

from tests.e2e.conftest import JOURNEY

pytestmark = JOURNEY


def url_in(page, language: str) -> str:
    with translation.override(language):
        return page.specific.get_url()


def test_switching_language_on_a_lesson_stays_on_that_lesson(browser_factory, demo_site, captured_logs):
    from home.models import LessonPage

    lesson = LessonPage.objects.live().exclude(title_en="").exclude(title_en__isnull=True).first()
    assert lesson is not None, "the demo content has no lesson with an English title"
    nl_url, en_url = url_in(lesson, "nl"), url_in(lesson, "en")
    assert nl_url != en_url and en_url.startswith("/en/")

    visitor = browser_factory("visitor")
    with visitor.step("open-dutch-lesson"):
        visitor.goto(nl_url)
        assert visitor.page.locator("html").get_attribute("lang") == "nl"
        assert visitor.page.locator("h1").first.inner_text().strip() == lesson.title_nl

    with visitor.step("switch-to-english"):
        visitor.page.get_by_role("navigation", name="Taal").get_by_role("link", name="English").click()
        visitor.page.wait_for_url(f"**{en_url}")
        assert visitor.path == en_url
        assert visitor.page.locator("html").get_attribute("lang") == "en"
        assert visitor.page.locator("h1").first.inner_text().strip() == lesson.title_en

    with visitor.step("switch-back-to-dutch"):
        visitor.page.get_by_role("navigation", name="Language").get_by_role("link", name="Nederlands").click()
        visitor.page.wait_for_url(f"**{nl_url}")
        assert visitor.path == nl_url
        assert visitor.page.locator("h1").first.inner_text().strip() == lesson.title_nl

    visitor.assert_clean_console()


def test_filtering_help_links_and_leaving_through_the_quick_exit(browser_factory, demo_site):
    from home.models import HelpLinksPage

    help_page = HelpLinksPage.objects.live().first()
    assert help_page is not None, "the demo content has no help links page"
    help_url = url_in(help_page, "nl")

    visitor = browser_factory("visitor")
    page = visitor.page
    with visitor.step("open-help-links"):
        visitor.goto(help_url)
        all_links = page.locator(".card-list > li").count()
        assert all_links >= 5

    with visitor.step("filter-by-topic"):
        filter_nav = page.get_by_role("navigation", name="Filter op onderwerp")
        filters = filter_nav.get_by_role("link")
        topic_link = filters.nth(1) if filters.nth(0).inner_text().strip().lower().startswith("alle") else filters.first
        topic = topic_link.inner_text().strip()
        topic_link.click()
        page.wait_for_url("**?topic=*")
        assert filter_nav.locator("[aria-current='true']").inner_text().strip() == topic
        shown = page.locator(".card-list > li").count()
        assert 0 < shown < all_links
        assert page.locator("main h2").first.inner_text().strip() == topic

    with visitor.step("quick-exit-by-keyboard"):
        quick_exit = page.locator("[data-quick-exit]")
        quick_exit.focus()
        assert page.evaluate("document.activeElement.hasAttribute('data-quick-exit')")
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "127.0.0.1" not in url)
        assert page.title() == "Weather"

    with visitor.step("back-does-not-return"):
        # The page left through the quick exit was replaced in the tab's history: Back skips it. (Pages visited
        # before it in the same tab stay there; no browser lets a site erase those.)
        page.go_back()
        assert "topic=" not in page.url, "the page left through the quick exit is still in the tab's history"

    visitor.assert_clean_console()


def test_the_quick_exit_also_works_with_escape_twice_on_a_lesson(browser_factory, demo_site):
    from home.models import LessonPage

    lesson = LessonPage.objects.live().first()
    visitor = browser_factory("visitor", locale="en-GB")
    visitor.goto(url_in(lesson, "en"))
    visitor.page.keyboard.press("Escape")
    visitor.page.keyboard.press("Escape")
    visitor.page.wait_for_url(lambda url: "127.0.0.1" not in url)
    visitor.page.go_back()
    assert url_in(lesson, "en") not in visitor.path
