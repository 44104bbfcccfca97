"""A school requests a lesson, a coordinator proposes a date and trainer in the admin, and the school accepts."""

import datetime
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone, translation

from tests.e2e.conftest import JOURNEY
from tests.e2e.privacy import assert_event_log_is_clean, assert_text_is_clean, assert_urls_are_clean
from tests.e2e.test_editor_journey import log_in
from tests.e2e.test_registration_journey import deliver_outbox

pytestmark = JOURNEY


def next_weekday(days_ahead: int, weekday: int = 1) -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    while day.weekday() != weekday:
        day += datetime.timedelta(days=1)
    return day


def staff_user(username: str, group: str, **extra):
    user = get_user_model().objects.create_user(username, f"{username}@qpido.example", "e2e-pass-4-staff", **extra)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_a_school_requests_a_lesson_the_coordinator_proposes_and_the_school_accepts(
    browser_factory, demo_site, captured_logs
):
    from home.models import LessonPage
    from workshops.models import SchoolBookingRequest, Session

    lesson = LessonPage.objects.live().first()
    trainer = staff_user("trainer.tess", "Trainers", first_name="Tess", last_name="Trainer")
    staff_user("coordinator.cor", "Coordinators")
    with translation.override("nl"):
        lesson_url = lesson.get_url()
    first_choice, second_choice = next_weekday(21, 1), next_weekday(28, 3)

    school = browser_factory("school")
    page = school.page
    with school.step("request-from-the-lesson-page"):
        school.goto(lesson_url)
        page.locator("p.cta a").click()
        page.wait_for_url("**/schoolaanvraag/")
        page.fill("#id_school_name", "OBS De Regenboog")
        page.fill("#id_contact_name", "Mirjam Bakker")
        page.fill("#id_email", "m.bakker@regenboog.example.nl")
        page.fill("#id_phone", "020 123 4567")
        page.fill("#id_town", "Amsterdam")
        page.select_option("#id_school_type", "primary")
        page.fill("#id_year_group", "groep 7 en 8")
        page.fill("#id_groups", "2")
        page.fill("#id_pupils", "54")
        page.fill("#id_date_1", first_choice.isoformat())
        page.fill("#id_date_2", second_choice.isoformat())
        page.check("#id_consent")
        page.locator("form.school-request-form button[type=submit]").click()
        page.wait_for_url("**/schoolaanvraag/verstuurd/")

    request_obj = SchoolBookingRequest.objects.get()
    assert request_obj.status == SchoolBookingRequest.Status.REQUESTED
    assert (request_obj.lesson_id, request_obj.pupils, request_obj.language) == (lesson.pk, 54, "nl")

    coordinator = browser_factory("coordinator")
    admin = coordinator.page
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=22)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    with coordinator.step("find-the-request-in-the-admin"):
        log_in(coordinator, "coordinator.cor", "e2e-pass-4-staff")
        coordinator.goto("/admin/workshops/school-requests/")
        assert "OBS De Regenboog" in admin.locator("main").inner_text()
        coordinator.goto(f"/admin/workshops/school-requests/propose/{request_obj.pk}/")

    with coordinator.step("propose-date-and-trainer"):
        admin.fill("#id_starts_at", start.strftime("%Y-%m-%d %H:%M"))
        admin.keyboard.press("Escape")
        admin.fill("#id_ends_at", (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"))
        admin.keyboard.press("Escape")
        admin.select_option("#id_trainer", str(trainer.pk))
        admin.locator("main form button.button[type=submit]:not([name])").click()
        admin.wait_for_url("**/admin/workshops/school-requests/")
        coordinator.assert_no_csp_violations()

    request_obj.refresh_from_db()
    assert request_obj.status == SchoolBookingRequest.Status.PROPOSED
    assert request_obj.proposed_trainer == trainer

    with school.step("the-school-reads-the-proposal-mail"):
        deliver_outbox()
        messages = [m for m in mail.outbox if "m.bakker@regenboog.example.nl" in m.to]
        assert [m.subject for m in messages if "ontvangen" in m.subject] == ["We hebben jullie aanvraag ontvangen"]
        proposals = [m for m in messages if m.subject == "Een voorstel voor jullie aanvraag"]
        assert len(proposals) == 1, [m.subject for m in messages]
        proposal = proposals[0]
        assert "Mirjam" not in proposal.subject and "@" not in proposal.subject
        links = [u for u in re.findall(r"https?://[^\s\"'<>]+", proposal.body) if "/schoolaanvraag/" in u]
        assert links, proposal.body

    with school.step("accept"):
        school.goto(links[0])
        page.locator("form.school-response button[value=accept]").click()
        page.wait_for_url("**notice=accepted")
        assert page.locator("main [role=status]").first.is_visible()

    request_obj.refresh_from_db()
    assert request_obj.status == SchoolBookingRequest.Status.CONFIRMED
    session = Session.objects.get(pk=request_obj.session_id)
    assert not session.is_public
    assert list(session.trainers.all()) == [trainer]
    assert timezone.localtime(session.starts_at) == start

    with school.step("no-personal-data-leaked"):
        school.assert_clean_console()
        assert_urls_are_clean(
            school.urls + coordinator.urls + school.rendered_urls() + links,
            [request_obj],
            allowed_numbers=[lesson.pk],
        )
        assert_text_is_clean(captured_logs.text, [request_obj], "the log lines written during the journey")
        assert_event_log_is_clean([request_obj])
