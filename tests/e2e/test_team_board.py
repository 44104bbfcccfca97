"""The live team board as it is used in a room: a facilitator in the admin, the projector, and four participants on
their own phones (browser contexts) run the team tool's four steps; changes appear on the other screens without a
reload; the result is then in the session's evaluation report. In Dutch and in English."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from tests.e2e.conftest import JOURNEY

pytestmark = JOURNEY

LIVE = 5_000  # ms: a change must reach the other screens well within this (the poll runs every second)

WORDS = {
    "nl": {
        "join": "Doe mee",
        "add": "Toevoegen",
        "next": "Volgende",
        "finish": "Afronden en het resultaat opslaan",
        "merge": "De aangevinkte briefjes samenvoegen",
        "action": "Actie toevoegen",
        "cheat": "Spiekbriefje",
        "pair": "Jouw tweetal",
        "suggestion": "Geloven en steunen van het slachtoffer",
        "answers": ["Schaamte viel op", "Wie helpt Robin?", "Steun van haar moeder", "Snel reageren"],
        "factors": ["Luisteren zonder oordeel", "Open klimaat op school", "Protocol voor incidenten", "Luisteren"],
        "insight": "Schaamte houdt hulp tegen",
        "learn": "Eerst luisteren, dan handelen",
        "act": "Protocol shame sexting opstellen",
    },
    "en": {
        "join": "Join",
        "add": "Add",
        "next": "Next",
        "finish": "Finish and save the result",
        "merge": "Merge the ticked notes",
        "action": "Add action",
        "cheat": "Cheat sheet",
        "pair": "Your pair",
        "suggestion": "Believe and support the victim",
        "answers": ["Shame stood out", "Who helps Robin?", "Support from her mother", "React quickly"],
        "factors": ["Listen without judging", "Open climate at school", "Incident protocol", "Listening"],
        "insight": "Shame keeps people from asking for help",
        "learn": "Listen first, then act",
        "act": "Write a shame sexting protocol",
    },
}


def running_session(language):
    from home.models import TrainingPage
    from workshops.models import Session

    now = timezone.now()
    return Session.objects.create(
        training=TrainingPage.objects.get(slug="teamsessie-shame-sexting"),
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(minutes=80),
        mode=Session.Mode.LOCATION,
        address="Utrecht",
        language=language,
    )


def log_in(visitor, username, password):
    page = visitor.page
    visitor.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_facilitator_and_four_participants_run_the_four_steps(browser_factory, demo_site, language):
    from evaluations.models import GroupResult
    from evaluations.services.evaluation import room_token
    from home.management.commands.load_initial_data import DEMO_EDITOR

    words = WORDS[language]
    session = running_session(language)
    with translation.override(language):
        join_path = reverse("evaluation:board", args=[room_token(session)])
        projector_path = reverse("evaluation:board_projector", args=[room_token(session)])
    locale = "nl-NL" if language == "nl" else "en-GB"

    facilitator = browser_factory("facilitator", locale=locale)
    log_in(facilitator, DEMO_EDITOR["username"], settings.DEMO_PASSWORD)
    admin = facilitator.page
    with facilitator.step("open-the-board"):
        facilitator.goto(reverse("team_board_admin:board", args=[session.pk]))
        assert join_path.split(":")[0] in admin.locator("main").inner_text()  # the room link (signed anew each time)

    projector = browser_factory("projector", locale=locale)
    screen = projector.page
    with projector.step("projector-lobby"):
        projector.goto(projector_path)
        assert screen.locator(".board-join__qr svg").count() == 1

    people = []
    for number in range(4):
        person = browser_factory(f"participant-{number + 1}", locale=locale)
        person.page.set_viewport_size({"width": 390, "height": 844})  # a phone
        with person.step("join"):
            person.goto(join_path)
            if number == 0:
                person.page.fill("#id_first_name", "Anna")
            person.page.get_by_role("button", name=words["join"], exact=True).click()
            person.page.wait_for_selector("[data-board]")
        people.append(person)
    with projector.step("four-joined-live"):
        screen.locator(".board-count", has_text="4").wait_for(timeout=LIVE)
        assert "Anna" not in screen.locator("main").inner_text()
    projector.screenshot(f"{language}-1-lobby")

    def facilitator_next():
        admin.locator("button[data-next]").click()  # the admin speaks the facilitator's own language

    def add(person, selector, text):
        person.page.fill(selector, text)
        person.page.locator(selector).press("Enter")

    with facilitator.step("step-1-answers-appear-on-the-projector"):
        facilitator_next()
        for person, answer in zip(people, words["answers"], strict=True):
            person.page.locator("#id_answer").wait_for(timeout=LIVE)
            add(person, "#id_answer", answer)
        for answer in words["answers"]:
            screen.get_by_text(answer).wait_for(timeout=LIVE)
    projector.screenshot(f"{language}-2-step-1")

    with facilitator.step("step-2-alone"):
        facilitator_next()
        for person, factor in zip(people, words["factors"], strict=True):
            person.page.locator("#id_factor").wait_for(timeout=LIVE)
            add(person, "#id_factor", factor)
            person.page.locator(".board-note", has_text=factor).first.wait_for(timeout=LIVE)
        cheat = people[1].page
        cheat.get_by_text(words["cheat"], exact=True).click()
        cheat.get_by_role("button", name=words["suggestion"]).click()
        cheat.locator("[data-region=my-list] .board-note", has_text=words["suggestion"]).wait_for(timeout=LIVE)
        screen.locator(".board-big-number", has_text="5").wait_for(timeout=LIVE)  # the projector counts, no texts

    with facilitator.step("step-2-pairs-fours-all"):
        facilitator_next()
        people[0].page.locator(".board-partners", has_text=words["pair"]).wait_for(timeout=LIVE)
        # Anna's pair list holds both members' notes, merged
        people[0].page.locator("[data-region=my-list]", has_text=words["factors"][1]).wait_for(timeout=LIVE)
        facilitator_next()
        facilitator_next()
        screen.locator(".board-column", has_text=words["factors"][0]).first.wait_for(timeout=LIVE)
        # the facilitator merges two notes about listening on the flip chart
        admin.locator("[data-region=chart] label", has_text=words["factors"][0]).locator("input").check()
        admin.locator("[data-region=chart] label", has_text=re.compile(f"^\\s*{words['factors'][3]}\\s*$")).locator(
            "input"
        ).check()
        admin.locator("button[data-merge]").click()
        screen.locator(".board-note__merged", has_text="×2").wait_for(timeout=LIVE)
    projector.screenshot(f"{language}-3-flip-chart")

    with facilitator.step("step-3-votes-and-insight"):
        facilitator_next()
        for person in people:
            vote = person.page.locator(".board-vote", has_text=words["factors"][0])
            vote.wait_for(timeout=LIVE)
            vote.click()
            person.page.locator(".board-note.is-voted", has_text=words["factors"][0]).wait_for(timeout=LIVE)
        add(people[2], "#id_insight", words["insight"])
        screen.locator(".board-top", has_text=words["factors"][0]).wait_for(timeout=LIVE)
        screen.get_by_text(words["insight"]).wait_for(timeout=LIVE)
    projector.screenshot(f"{language}-4-step-3")

    with facilitator.step("step-4-learn-and-act"):
        facilitator_next()
        phone = people[3].page
        phone.locator("#id_learn").wait_for(timeout=LIVE)
        add(people[3], "#id_learn", words["learn"])
        phone.fill("#id_action", words["act"])
        phone.fill("#id_owner", "Dewi")
        phone.fill("#id_due", "2027-03-01")
        phone.get_by_role("button", name=words["action"]).click()
        screen.get_by_text(words["act"]).wait_for(timeout=LIVE)
        assert "Dewi" not in screen.locator("main").inner_text()  # the projector shows no names
        admin.locator("[data-region=actions]", has_text=words["act"]).wait_for(timeout=LIVE)
    projector.screenshot(f"{language}-5-step-4")

    with facilitator.step("finish-and-find-the-result-in-the-report"):
        facilitator_next()
        screen.locator(".board-top", has_text=words["factors"][0]).wait_for(timeout=LIVE)
        result = GroupResult.objects.get(session=session)
        assert result.actions.get().text == words["act"]
        facilitator.goto(reverse("evaluation_reports:session", args=[session.pk]))
        report = admin.locator("main").inner_text()
        for text in (words["act"], words["factors"][0], words["insight"], words["learn"]):
            assert text in report
    projector.screenshot(f"{language}-6-done")

    for visitor in [facilitator, projector, *people]:
        visitor.assert_no_csp_violations()
    for visitor in [projector, *people]:
        visitor.assert_clean_console()
