"""An editor creates a lesson in Dutch and English in the Wagtail admin, publishes it, and visitors read both.

The admin runs under its own Content-Security-Policy: the journey fails on any CSP violation in the editor.
"""

import re

from django.conf import settings
from django.utils import translation

from tests.e2e.conftest import JOURNEY

pytestmark = JOURNEY


def log_in(visitor, username: str, password: str):
    page = visitor.page
    visitor.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")


def show_language(page, code: str):
    """Turn on wagtail-modeltranslation's locale toggle for `code` (fields of other languages stay as they are)."""
    toggle = page.locator("button.locale-toggle", has_text=re.compile(rf"^\s*{code}\s*$", re.IGNORECASE)).first
    if "showing-locale" not in (toggle.get_attribute("class") or ""):
        toggle.click()


def test_an_editor_creates_and_publishes_a_lesson_in_dutch_and_english(browser_factory, demo_site, captured_logs):
    from home.management.commands.load_initial_data import DEMO_EDITOR
    from home.models import LessonIndexPage, LessonPage

    index = LessonIndexPage.objects.live().first()
    editor = browser_factory("editor")
    page = editor.page

    with editor.step("log-in"):
        log_in(editor, DEMO_EDITOR["username"], settings.DEMO_PASSWORD)

    with editor.step("open-the-editor"):
        editor.goto(f"/admin/pages/{index.pk}/")
        editor.goto(f"/admin/pages/add/home/lessonpage/{index.pk}/")
        page.wait_for_selector("#id_title_nl")

    with editor.step("fill-dutch-and-english"):
        page.fill("#id_title_nl", "Grenzen aangeven")
        page.fill("#id_intro_nl", "Een les over je eigen grenzen en die van een ander.")
        show_language(page, "en")  # wagtail-modeltranslation's picker shows one language's fields at a time
        page.fill("#id_title_en", "Setting boundaries")
        page.fill("#id_intro_en", "A lesson about your own boundaries and those of others.")

    with editor.step("lesson-details"):
        page.get_by_role("tab", name="Lesgegevens").click()
        page.select_option("select[name='audiences-0-school_type']", index=1)
        page.fill("input[name='audiences-0-year_from']", "7")
        page.fill("input[name='audiences-0-year_to']", "8")

    with editor.step("slugs"):
        page.get_by_role("tab", name="Promoten").click()
        page.fill("#id_slug_en", "setting-boundaries")
        show_language(page, "nl")
        page.fill("#id_slug_nl", "grenzen-aangeven")

    with editor.step("publish"):
        page.get_by_role("button", name="Meer acties").click()
        page.locator("button[name='action-publish']").click()
        page.wait_for_url(f"**/admin/pages/{index.pk}/**")

    lesson = LessonPage.objects.get(slug_nl="grenzen-aangeven")
    assert lesson.live
    assert (lesson.title_nl, lesson.title_en, lesson.slug_en) == (
        "Grenzen aangeven",
        "Setting boundaries",
        "setting-boundaries",
    )
    editor.assert_no_csp_violations()

    with translation.override("nl"):
        nl_url = lesson.get_url()
    with editor.step("the-editor-sees-the-live-page-with-the-userbar"):
        editor.goto(nl_url)
        editor.page.wait_for_selector(
            "wagtail-userbar, #wagtail-userbar-template, [data-wagtail-userbar]", state="attached"
        )
        editor.page.wait_for_load_state("networkidle")
        editor.assert_no_csp_violations()  # the public policy also holds for Wagtail's userbar

    visitor = browser_factory("visitor")
    with translation.override("nl"):
        nl_url = lesson.get_url()
    with translation.override("en"):
        en_url = lesson.get_url()
    with visitor.step("read-dutch"):
        visitor.goto(nl_url)
        assert visitor.page.locator("h1").first.inner_text().strip() == "Grenzen aangeven"
        assert "eigen grenzen" in visitor.page.locator("main").inner_text()
    with visitor.step("read-english"):
        visitor.goto(en_url)
        assert en_url.startswith("/en/") and "setting-boundaries" in en_url
        assert visitor.page.locator("h1").first.inner_text().strip() == "Setting boundaries"
        assert "own boundaries" in visitor.page.locator("main").inner_text()
    visitor.assert_clean_console()


def test_the_wagtail_editor_and_dashboard_load_without_csp_violations(browser_factory, demo_site):
    """Admin pages with heavy JavaScript (dashboard, page explorer, rich text and StreamField editor, snippets)."""
    from home.management.commands.load_initial_data import DEMO_EDITOR
    from home.models import LessonPage

    lesson = LessonPage.objects.live().first()
    home = demo_site.root_page
    editor = browser_factory("editor")
    log_in(editor, DEMO_EDITOR["username"], settings.DEMO_PASSWORD)
    for path in ("/admin/", "/admin/pages/", f"/admin/pages/{lesson.pk}/edit/", "/admin/snippets/", "/admin/images/"):
        with editor.step(f"load-{path.strip('/').replace('/', '-')}"):
            editor.goto(path)
            editor.page.wait_for_load_state("networkidle")
    with editor.step("rich-text-editor"):
        editor.goto(f"/admin/pages/{home.pk}/edit/")
        editor.page.wait_for_selector(".Draftail-Editor", state="attached")
    editor.assert_no_csp_violations()
    assert not [e for e in editor.console_errors if "pageerror" in e], editor.console_errors
