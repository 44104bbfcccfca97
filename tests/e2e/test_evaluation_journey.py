"""A participant opens the personal evaluation link after the session and fills in the team tool's evaluation."""

import datetime

from django.urls import reverse
from django.utils import timezone, translation

from tests.e2e.conftest import JOURNEY
from tests.e2e.privacy import assert_event_log_is_clean, assert_text_is_clean, assert_urls_are_clean

pytestmark = JOURNEY


def past_session_with_participant(name="Sanne de Boer", email="sanne.deboer@wijkteam.example.nl", language="en"):
    from home.models import TrainingPage
    from workshops.models import Registration, Session

    end = timezone.now() - datetime.timedelta(hours=3)
    session = Session.objects.create(
        training=TrainingPage.objects.live().first(),
        starts_at=end - datetime.timedelta(hours=3),
        ends_at=end,
        capacity=20,
        language=language,
    )
    registration = Registration.objects.create(
        session=session,
        name=name,
        email=email,
        status=Registration.Status.ATTENDED,
        language=language,
        consent_at=timezone.now() - datetime.timedelta(days=10),
    )
    return session, registration


def evaluation_path(registration, language: str) -> str:
    from workshops.tokens import make_token

    with translation.override(language):
        return reverse("evaluation:answer", args=[make_token(registration, "evaluation")])


def test_a_participant_fills_in_the_evaluation_in_english(browser_factory, demo_site, captured_logs):
    from evaluations.models import EvaluationAnswer

    session, registration = past_session_with_participant()
    path = evaluation_path(registration, "en")
    assert path.startswith("/en/")

    participant = browser_factory("participant", locale="en-GB")
    page = participant.page
    with participant.step("open-the-personal-link"):
        participant.goto(path)
        assert page.locator("html").get_attribute("lang") == "en"
        assert "anonymous" in page.locator("main").inner_text()

    with participant.step("success-factors"):
        for column in page.locator("fieldset.evaluation-column").all():
            column.locator("input[type=checkbox]").first.check()
        page.locator("ol.item-list input[type=text]").first.fill("Listen without judging")

    with participant.step("top-three-insights-actions"):
        page.fill("#id_top_1", "Listen without judging")
        page.fill("#id_top_2", "Take the victim seriously")
        page.fill("#id_top_3", "Involve the school's confidential adviser")
        page.fill("#id_new_insights", "Shame keeps young people from asking for help.")
        page.fill("#id_learned", "Respond calmly, never blame.")
        page.fill("#id_needs", "A short protocol on the staff room wall.")

    with participant.step("ratings-and-comment"):
        page.check("#id_rating_session_3")  # the fourth choice: 4
        page.check("#id_rating_material_4")  # 5
        page.check("#id_did_homework_0")
        page.fill("#id_comment", "Very useful afternoon.")
        page.get_by_role("button", name="Save my evaluation").click()
        page.wait_for_url("**saved=1")
        assert "Thank you, your evaluation has been saved." in page.locator("main [role=status]").first.inner_text()

    answer = EvaluationAnswer.objects.get(session=session)
    assert (answer.rating_session, answer.rating_material, answer.language) == (4, 5, "en")
    assert answer.respondent_name == ""
    assert answer.top_items.count() == 3
    assert answer.factors.count() >= 4  # three ticked suggestions and one own item
    registration.refresh_from_db()
    assert registration.evaluation_responded_at is not None

    with participant.step("the-link-cannot-be-used-twice"):
        other = browser_factory("someone-else", locale="en-GB")
        other.goto(path)
        assert "already" in other.page.locator("main").inner_text()
        assert EvaluationAnswer.objects.filter(session=session).count() == 1

    with participant.step("no-personal-data-leaked"):
        participant.assert_clean_console()
        assert_urls_are_clean(
            participant.urls + participant.rendered_urls(),
            [registration],
            registration_ids=[registration.pk],
            allowed_numbers=[session.pk],
        )
        assert_text_is_clean(captured_logs.text, [registration], "the log lines written during the journey")
        assert_event_log_is_clean([registration])
