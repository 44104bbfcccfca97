"""The evaluation form as a participant meets it: both languages, one answer per link, editing, closing, bad input."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from evaluations.models import EvaluationAnswer, EvaluationFactor
from evaluations.services import evaluation as service
from evaluations.tests.support import full_post, make_session, make_training, register
from workshops.models import Registration
from workshops.tokens import make_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(home_page):
    return make_session(make_training(home_page))


@pytest.fixture
def anna(session):
    return register(session, "Anna de Vries")


def personal_url(registration, language="nl"):
    with translation.override(language):
        return reverse("evaluation:answer", args=[make_token(registration, "evaluation")])


def room_url(session, language="nl"):
    with translation.override(language):
        return reverse("evaluation:room", args=[service.room_token(session)])


def text(response):
    return response.content.decode()


def test_full_form_in_dutch(client, anna):
    response = client.get(personal_url(anna))
    html = text(response)
    assert response.status_code == 200
    assert '<html lang="nl">' in html
    for expected in (
        "Acties, aanpak &amp; kwaliteiten van de professional",
        "Omgevingsfactoren die een positieve bijdrage leveren",
        "Behoeften van het slachtoffer in steun en hulp",
        "Suggesties van het spiekbriefje",
        "Geloven en steunen van het slachtoffer",  # a cheat-sheet suggestion to tick
        "Weten waar je terechtkunt, bijvoorbeeld bij Helpwanted en Slachtofferhulp",
        "2. Je top drie",
        "3. Nieuwe inzichten",
        "Wat leren wij hier nu van?",
        "Wat hebben we nodig om dit in de praktijk te brengen?",
        "Acties die we hebben afgesproken",
        "Wie (niet verplicht)",
        "Hoe waardeer je de sessie?",
        "Hoe waardeer je het voorbereidingsmateriaal",
        "Heb je van tevoren de podcast beluisterd",
        "Wil je ons nog iets vertellen?",
        "Je naam (niet verplicht)",
        "Evaluatie opslaan",
        "Meer lege rijen",
    ):
        assert expected in html, expected
    # three columns, each with checkboxes and its own list of rows; the JS only enhances
    assert html.count('type="checkbox" name="suggestions_professional"') == 14
    assert html.count('type="checkbox" name="suggestions_environment"') == 5
    assert html.count('type="checkbox" name="suggestions_victim"') == 3
    assert html.count('type="text" name="factors_victim"') == 3
    assert html.count('name="actions_text"') == 3
    assert html.count('type="radio" name="rating_session"') == 5
    assert "evaluations/evaluation.js" in html
    assert "<script>" not in html  # no inline script (CSP)


def test_full_form_in_english(client, anna):
    response = client.get(personal_url(anna, "en"))
    html = text(response)
    assert response.status_code == 200
    assert '<html lang="en">' in html
    for expected in (
        "Actions, approach and qualities of the professional",
        "Environmental factors that help",
        "What the victim needs in support and help",
        "Suggestions from the cheat sheet",
        "Believe and support the victim",
        "2. Your top three",
        "What do we learn from this?",
        "What do we need to put this into practice?",
        "How would you rate the preparation material",
        "Save my evaluation",
    ):
        assert expected in html, expected
    assert "Evaluatie opslaan" not in html


def test_saving_stores_every_part_and_marks_only_the_registration(client, anna, session):
    response = client.post(personal_url(anna), full_post(respondent_name=""))
    assert response.status_code == 302
    answer = EvaluationAnswer.objects.get()
    assert answer.session == session and answer.via == "personal" and answer.language == "nl"
    assert answer.respondent_name == ""
    assert answer.rating_session == 4 and answer.rating_material == 5 and answer.did_homework == "yes"
    assert answer.learned == "We reageren te vaak met verbieden."
    factors = {(f.column, f.normalised) for f in answer.factors.all()}
    assert ("professional", "#believe_victim") in factors
    assert ("professional", "luisteren zonder oordeel") in factors
    assert ("environment", "steun van de directie") in factors
    assert ("victim", "#know_where_to_go") in factors
    tops = {t.rank: t.normalised for t in answer.top_items.all()}
    assert tops == {1: "#believe_victim", 2: "luisteren zonder oordeel"}  # typed suggestion text maps to its key
    actions = list(answer.actions.values_list("text", "owner", "due_date"))
    assert actions[0][0] == "Protocol sexting opstellen" and actions[0][1] == "Team zorg"
    assert str(actions[0][2]) == "2027-02-01"
    assert actions[1] == ("Les over consent plannen", "", None)
    anna.refresh_from_db()
    assert anna.evaluation_responded_at is not None
    # the thank-you page is the edit page and hands back the edit link
    page = client.get(response["Location"])
    assert "Dank je wel, je evaluatie is opgeslagen." in text(page)
    assert "/evaluatie/antwoord/" in text(page)


def test_name_only_when_the_participant_types_it(client, anna):
    html = text(client.get(personal_url(anna)))
    assert "Anna de Vries" not in html  # never pre-filled
    client.post(personal_url(anna), full_post(respondent_name="  Anna  "))
    assert EvaluationAnswer.objects.get().respondent_name == "Anna"


def test_more_rows_without_javascript_saves_nothing(client, anna):
    data = full_post(factors_victim=["Eerste", "Tweede", "Derde"], more_rows="1")
    data.pop("save")
    response = client.post(personal_url(anna), data)
    html = text(response)
    assert response.status_code == 200
    assert html.count('type="text" name="factors_victim"') == 6  # three typed + three new blank rows
    assert 'value="Tweede"' in html
    assert "Er zijn lege rijen toegevoegd" in html
    assert "errorlist" not in html
    assert EvaluationAnswer.objects.count() == 0
    anna.refresh_from_db()
    assert anna.evaluation_responded_at is None


def test_one_answer_per_personal_link(client, anna):
    assert client.post(personal_url(anna), full_post()).status_code == 302
    # Same browser: the signed cookie leads back to the answer to edit it.
    again = client.get(personal_url(anna))
    assert again.status_code == 302 and "/evaluatie/antwoord/" in again["Location"]
    # Another browser with the same link: told plainly, and a second post stores nothing.
    other = Client()
    page = other.get(personal_url(anna))
    assert page.status_code == 200
    assert "Je hebt de evaluatie al ingevuld" in text(page)
    second = other.post(personal_url(anna), full_post())
    assert second.status_code == 200 and "Je hebt de evaluatie al ingevuld" in text(second)
    assert EvaluationAnswer.objects.count() == 1


def test_a_race_between_two_submits_still_stores_one_answer(anna, session):
    form_data = {"rating_session": 3}
    service.submit_answer(session, form_data, via="personal", language="nl", registration=anna)
    with pytest.raises(service.EvaluationError):
        service.submit_answer(session, form_data, via="personal", language="nl", registration=anna)
    assert EvaluationAnswer.objects.count() == 1


def test_editing_changes_the_same_answer(client, anna):
    saved = client.post(personal_url(anna), full_post())
    edit_url = saved["Location"].split("?")[0]
    page = text(client.get(edit_url))
    assert 'value="Luisteren zonder oordeel"' in page
    assert 'value="believe_victim" id="id_suggestions_professional_1_0" checked' in page
    response = client.post(
        edit_url, full_post(rating_session="2", factors_professional=["Nieuw punt"], suggestions_professional=[])
    )
    assert response.status_code == 302
    answer = EvaluationAnswer.objects.get()
    assert answer.rating_session == 2
    assert list(answer.factors.filter(column="professional").values_list("text", flat=True)) == ["Nieuw punt"]
    # the edit link works from any device (it carries the key), a changed one does not
    assert Client().get(edit_url).status_code == 200
    assert Client().get(edit_url[:-3] + "xx/").status_code == 404


def test_closing_date_closes_form_and_edits(client, home_page, settings):
    training = make_training(home_page, slug="oud")
    late = make_session(training, ended_hours_ago=24 * (service.OPEN_DAYS_AFTER_SESSION + 1))
    bert = register(late, "Bert Jansen")
    response = client.get(personal_url(bert))
    assert response.status_code == 200
    assert "De evaluatie is gesloten" in text(response)
    assert 'name="rating_session"' not in text(response)
    client.post(personal_url(bert), full_post())
    assert EvaluationAnswer.objects.count() == 0
    english = client.get(personal_url(bert, "en"))
    assert "The evaluation is closed" in text(english)


def test_edit_link_stops_working_after_closing(client, anna, session):
    saved = client.post(personal_url(anna), full_post())
    edit_url = saved["Location"].split("?")[0]
    session.ends_at = session.ends_at - timedelta(days=service.OPEN_DAYS_AFTER_SESSION + 1)
    session.starts_at = session.ends_at - timedelta(hours=2)
    session.save()
    page = client.get(edit_url)
    assert "De evaluatie is gesloten" in text(page)
    client.post(edit_url, full_post(rating_session="1"))
    assert EvaluationAnswer.objects.get().rating_session == 4


def test_not_open_before_the_session_starts(client, home_page):
    future = make_session(make_training(home_page, slug="later"), ended_hours_ago=-48)
    response = client.get(personal_url(register(future, "Cas")))
    assert "De evaluatie is nog niet geopend" in text(response)


def test_room_link_is_anonymous_and_marks_nobody(client, session, anna):
    url = room_url(session)
    assert client.get(url).status_code == 200
    response = client.post(url, full_post())
    assert response.status_code == 302
    answer = EvaluationAnswer.objects.get()
    assert answer.via == "room"
    anna.refresh_from_db()
    assert anna.evaluation_responded_at is None
    # the same browser goes back to its answer instead of adding a second one
    assert "/evaluatie/antwoord/" in client.get(url)["Location"]


@pytest.mark.parametrize(
    "url",
    [
        "/evaluatie/not-a-token/",
        "/evaluatie/%F0%9F%92%A9/",
        "/en/evaluatie/sessie/bogus:token/",
        "/evaluatie/antwoord/IjEyMyI:forged:signature/",
        "/evaluatie/" + "A" * 3000 + "/",
    ],
)
def test_forged_links_give_a_clear_page(client, url):
    response = client.get(url, follow=True)  # a Dutch path under /en/ first redirects to the English one
    assert response.status_code == 404
    assert "Deze link werkt niet" in text(response) or "This link does not work" in text(response)


def test_token_for_another_purpose_is_refused(client, anna):
    manage_token = make_token(anna, "manage")
    response = client.get(reverse("evaluation:answer", args=[manage_token]))
    assert response.status_code == 404


def test_link_of_a_deleted_registration(client, anna):
    url = personal_url(anna)
    Registration.objects.filter(pk=anna.pk).delete()
    assert client.get(url).status_code == 404


def test_waitlisted_registration_cannot_evaluate(client, session):
    waiting = register(session, "Dirk", status=Registration.Status.WAITLISTED)
    response = client.get(personal_url(waiting))
    assert response.status_code == 403
    assert "Alleen deelnemers van de sessie" in text(response)


def test_empty_submission_explains_in_both_languages(client, anna):
    nl = client.post(personal_url(anna), {"save": "1"})
    assert nl.status_code == 200
    assert "Geef de sessie een waardering van 1 tot 5." in text(nl)
    assert "Nog niet opgeslagen" in text(nl)
    en = client.post(personal_url(anna, "en"), {"save": "1"})
    assert "Please rate the session from 1 to 5." in text(en)
    assert EvaluationAnswer.objects.count() == 0


def test_huge_and_invalid_input_gets_field_errors(client, anna):
    data = full_post(
        factors_environment=["x" * 5000],
        comment="y" * 50_000,
        actions_text=["Plan", ""],
        actions_owner=["", "Alleen een eigenaar"],
        actions_due=["31-31-2027", ""],
        rating_session="9",
        suggestions_victim=["made_up"],
    )
    response = client.post(personal_url(anna), data)
    html = text(response)
    assert response.status_code == 200
    assert "Punt 1 is te lang: maximaal 200 tekens, het zijn er 5000." in html
    assert "Zorg ervoor dat deze waarde hooguit 4000 tekens bevat" in html or "4000" in html
    assert "Actie 1: ‘31-31-2027’ is geen datum" in html
    assert "Actie 2: beschrijf de actie, of maak de rij leeg." in html
    assert "Die suggestie bestaat niet" in html
    assert EvaluationAnswer.objects.count() == 0


def test_too_many_items(client, anna):
    response = client.post(personal_url(anna), full_post(factors_victim=[f"punt {i}" for i in range(40)]))
    assert "Noem maximaal 25 punten." in text(response)


def test_odd_unicode_is_cleaned_not_fatal(client, anna):
    data = full_post(
        factors_victim=["Steun\x00 van\u200b vrienden\u202e", "  ", "\u0301", "e\u0301cole"],
        comment="regel 1\r\nregel 2\x07",
        top_1="\ufeffGeloven en steunen van het slachtoffer",
        respondent_name="\u202eAnna",
    )
    response = client.post(personal_url(anna), data)
    assert response.status_code == 302
    answer = EvaluationAnswer.objects.get()
    victim = sorted(answer.factors.filter(column="victim", suggestion="").values_list("text", flat=True))
    assert victim == ["Steun van vrienden", "école"]
    assert answer.comment == "regel 1\nregel 2"
    assert answer.respondent_name == "Anna"
    assert answer.top_items.get(rank=1).normalised == "#believe_victim"


def test_duplicate_items_are_counted_once_per_answer(client, anna):
    client.post(
        personal_url(anna),
        full_post(factors_victim=["Steun van vrienden", "steun  VAN vrienden"], suggestions_victim=[]),
    )
    assert EvaluationFactor.objects.filter(column="victim").count() == 1


def test_oversized_request_is_refused_cleanly(client, anna):
    too_big = client.post(personal_url(anna), full_post(comment="z" * 3_000_000))
    assert too_big.status_code == 400
    too_many = client.post(personal_url(anna), full_post(factors_victim=["x"] * 1500))
    assert too_many.status_code == 400
    assert EvaluationAnswer.objects.count() == 0


def test_room_link_is_the_same_every_time_and_older_links_still_open(client, session):
    """The QR code on the report page and the one printed on a slide last week are one link."""
    from django.core import signing

    first = room_url(session)
    later = room_url(session)
    assert first == later
    assert client.get(first).status_code == 200
    # a link made before room links were stable (it carries a timestamp) still opens the form
    old = signing.dumps({"s": session.pk}, salt=service.ROOM_SALT, compress=True)
    assert service.read_room_token(old) == session
    assert client.get(reverse("evaluation:room", args=[old])).status_code == 200
    # a tampered or foreign link opens nothing
    token = service.room_token(session)
    assert service.read_room_token(token) == session
    assert service.read_room_token(token[:-3] + "abc") is None
    assert service.read_room_token(signing.dumps({"s": session.pk}, salt="other")) is None
    assert service.read_room_token("a:b:c") is None
