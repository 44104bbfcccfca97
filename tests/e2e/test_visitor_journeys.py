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


def public_session():
    """A public session on the first training of the demo content (the journeys load it without demo sessions)."""
    from home.models import TrainingPage
    from tests.factories import make_session

    return make_session(TrainingPage.objects.live().first(), days=20)


def press_shift(page, times: int = 1):
    for _ in range(times):
        page.keyboard.press("Shift")


def test_shift_three_times_leaves_from_every_kind_of_page(browser_factory, demo_site):
    """GOV.UK's "Exit this page" pattern on pages that had no quick exit before: the home page, a registration
    form and the browse-safely page, in both languages; Back does not return to the page that was left."""
    from django.urls import reverse

    session = public_session()
    pages = ["/", "/en/"]
    with translation.override("en"):
        pages += [reverse("browse_safely"), reverse("workshops:register", args=[session.pk])]
    with translation.override("nl"):
        pages += [reverse("browse_safely")]
    visitor = browser_factory("visitor")
    page = visitor.page
    for path in pages:
        with visitor.step(f"shift-three-times-on-{path.strip('/').replace('/', '-') or 'home'}"):
            visitor.goto(path)
            assert page.locator(".quick-exit__button").is_visible()
            assert page.locator(".quick-exit__safely").is_visible()
            press_shift(page, 2)
            status = page.locator("[data-quick-exit-status]").inner_text()
            assert ("1 more time" in status) or ("nog 1 keer" in status), status
            press_shift(page)
            page.wait_for_url(lambda url: "127.0.0.1" not in url)
            assert page.title() == "Weather"
            page.go_back()
            assert visitor.path != path, f"{path} is still in the tab's history"


def test_typing_capitals_never_leaves_and_a_pause_starts_the_count_again(browser_factory, demo_site):
    from django.urls import reverse

    session = public_session()
    visitor = browser_factory("visitor", locale="en-GB")
    page = visitor.page
    page.clock.install()
    with translation.override("en"):
        form_url = reverse("workshops:register", args=[session.pk])
    with visitor.step("type-a-name-with-capitals"):
        visitor.goto(form_url)
        page.locator("input[name=name]").click()
        for letter in "ANNA":  # each capital: Shift held down while a letter is typed; none of them counts
            page.keyboard.down("Shift")
            page.keyboard.press(f"Key{letter}")
            page.keyboard.up("Shift")
        press_shift(page)
        page.keyboard.down("Shift")
        page.keyboard.press("KeyB")
        page.keyboard.up("Shift")
        assert "127.0.0.1" in page.url
        assert page.locator("input[name=name]").input_value() == "ANNAB"
    with visitor.step("a-pause-of-more-than-five-seconds"):
        page.locator("h1").click()
        press_shift(page, 2)
        page.clock.run_for(6000)
        assert "stopped" in page.locator("[data-quick-exit-status]").inner_text()
        press_shift(page)
        assert "127.0.0.1" in page.url  # the third press after the pause is a first press again
        press_shift(page, 2)
        page.wait_for_url(lambda url: "127.0.0.1" not in url)
    visitor.assert_clean_console()


def test_the_browse_safely_link_beside_the_quick_exit(browser_factory, demo_site):
    visitor = browser_factory("visitor")
    page = visitor.page
    with visitor.step("open-browse-safely"):
        visitor.goto("/")
        page.locator(".quick-exit__safely").click()
        page.wait_for_url("**/veilig-browsen/")
        assert page.locator("h1").inner_text().strip() == "Veilig browsen"
        assert page.get_by_text("privévenster").first.is_visible()
    visitor.assert_clean_console()
