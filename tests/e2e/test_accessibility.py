"""axe-core (the copy shipped inside axe-playwright-python) on the pages visitors use, in Dutch and in English.

No serious or critical violation is allowed; minor and moderate ones are printed so they can be picked up.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.e2e.conftest import JOURNEY
from tests.e2e.test_evaluation_journey import past_session_with_participant
from tests.e2e.test_registration_journey import future_session

pytestmark = JOURNEY

BLOCKING = ("serious", "critical")


def pages_to_check(language: str) -> dict[str, str]:
    from home.models import HelpLinksPage, HomePage, LessonPage, TrainingPage
    from workshops.models import Registration
    from workshops.tokens import make_token

    training = TrainingPage.objects.live().first()
    session = future_session(training)
    registration = Registration.objects.create(
        session=session,
        name="Axe Tester",
        email=f"axe.{language}@example.org",
        status=Registration.Status.CONFIRMED,
        language=language,
        consent_at=session.created_at,
    )
    _, participant = past_session_with_participant(email=f"eval.{language}@example.org", language=language)
    with translation.override(language):
        return {
            "home": HomePage.objects.live().first().get_url(),
            "lesson": LessonPage.objects.live().first().get_url(),
            "training": training.get_url(),
            "help links": HelpLinksPage.objects.live().first().get_url(),
            "registration": reverse("workshops:register", args=[session.pk]),
            "manage": reverse("workshops:manage", args=[make_token(registration, "manage")]),
            "evaluation": reverse("evaluation:answer", args=[make_token(participant, "evaluation")]),
        }


def summarise(violation) -> str:
    targets = [", ".join(node.get("target", [])) for node in violation.get("nodes", [])[:3]]
    return f"{violation['impact']} {violation['id']}: {violation['help']} at {targets}"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_visitor_pages_have_no_serious_accessibility_violations(browser_factory, demo_site, language):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    visitor = browser_factory(f"axe-{language}", locale="nl-NL" if language == "nl" else "en-GB")
    blocking, advisory = [], []
    for name, path in pages_to_check(language).items():
        with visitor.step(f"axe-{name}"):
            visitor.goto(path)
            assert visitor.page.locator("html").get_attribute("lang") == language, f"{name} is not in {language}"
            results = axe.run(visitor.page)
            for violation in results.response["violations"]:
                line = f"{name} ({path}): {summarise(violation)}"
                (blocking if violation["impact"] in BLOCKING else advisory).append(line)
    if advisory:
        print("minor/moderate accessibility findings:\n" + "\n".join(advisory))
    assert not blocking, "serious or critical accessibility violations:\n" + "\n".join(blocking)
