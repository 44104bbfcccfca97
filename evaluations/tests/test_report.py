"""Reports, exports and the non-respondent list, checked against figures computed by hand for a seeded set."""

import csv
import io
import re
from datetime import date

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from evaluations.admin_views import BaseReportListView
from evaluations.models import (
    EvaluationAction,
    EvaluationAnswer,
    GroupAction,
    GroupFactor,
    GroupResult,
    GroupTopItem,
)
from evaluations.services import evaluation as service
from evaluations.tests.support import make_session, make_training, register
from events.api import Audience
from workshops.mail import SessionMailProvider
from workshops.models import Registration, Session

pytestmark = pytest.mark.django_db
S = Registration.Status


@pytest.fixture(autouse=True)
def every_group_shown(settings):
    """These tests check the arithmetic on a few answers; the minimum group size has its own tests
    (test_small_groups.py)."""
    settings.EVALUATION_MIN_GROUP_SIZE = 1


def answer(session, registration=None, *, language="nl", **data):
    via = "personal" if registration else "room"
    return service.submit_answer(session, data, via=via, language=language, registration=registration).answer


@pytest.fixture
def seeded(home_page):
    training = make_training(home_page)
    other_training = make_training(home_page, slug="ander", title_nl="Andere training", title_en="Other training")
    a, b = make_session(training), make_session(training, ended_hours_ago=30)
    c = make_session(other_training)
    people = {
        "anna": register(a, "Anna de Vries"),
        "bert": register(a, "Bert Jansen"),
        "cas": register(a, "Cas Bakker", status=S.CONFIRMED),
        "dirk": register(a, "Dirk Smit"),
        "eva": register(a, "Eva Cancelled", status=S.CANCELLED),
        "fay": register(a, "Fay Waiting", status=S.WAITLISTED),
        "gijs": register(b, "Gijs Mulder"),
        "hanna": register(b, "Hanna Visser"),
        "ivo": register(c, "Ivo Elders"),
    }
    answer(
        a,
        people["anna"],
        rating_session=5,
        rating_material=4,
        did_homework="yes",
        suggestions_professional=["believe_victim"],
        factors_professional=["Luisteren zonder oordeel"],
        factors_environment=["Steun van de directie"],
        suggestions_victim=["family_friends"],
        top_three=["Geloven en steunen van het slachtoffer", "Luisteren zonder oordeel", ""],
        actions=[{"text": "Protocol opstellen", "owner": "Team zorg", "due_date": date(2027, 2, 1)}],
        new_insights="Schaamte speelt een grote rol.",
    )
    answer(
        a,
        people["bert"],
        rating_session=3,
        did_homework="partly",
        suggestions_professional=["believe_victim"],
        factors_professional=["luisteren ZONDER oordeel"],
        factors_environment=["Steun van de Directie"],
        top_three=["Luisteren zonder oordeel", "Believe and support the victim", ""],
        actions=[{"text": "Les plannen", "owner": "", "due_date": None}],
        respondent_name="Bert",
    )
    answer(
        a,
        None,
        language="en",
        rating_session=4,
        rating_material=2,
        did_homework="no",
        suggestions_professional=["safe_sexting"],
        suggestions_victim=["family_friends"],
        top_three=["Geloven en steunen van het slachtoffer", "", ""],
    )
    answer(
        b,
        people["gijs"],
        rating_session=2,
        rating_material=5,
        did_homework="yes",
        factors_professional=["Luisteren zonder oordeel"],
    )
    answer(c, people["ivo"], rating_session=1, factors_professional=["Luisteren zonder oordeel"])
    group = GroupResult.objects.create(session=a, notes="Flap 1 en 2")
    GroupFactor.objects.create(result=group, column="victim", text="Steun van vrienden")
    GroupTopItem.objects.create(result=group, text="Open klimaat")
    GroupAction.objects.create(result=group, text="Teamoverleg over beleid", owner="Directie")
    return {"training": training, "a": a, "b": b, "c": c, "people": people, "group": group}


def column(report, name):
    return {
        row["label"].casefold(): row["count"]
        for col in report["factor_columns"]
        if col["column"] == name
        for row in col["rows"]
    }


def test_session_report_figures(seeded):
    with translation.override("en"):
        report = service.build_report(Session.objects.filter(pk=seeded["a"].pk))
        assert report["answers"] == 3
        assert (report["personal"], report["room"], report["named"]) == (2, 1, 1)
        assert report["participants"] == 4  # cancelled and waitlisted people are not asked
        assert report["responded"] == 2
        assert report["response_rate"] == 50.0
        assert report["avg_session"] == 4.0  # (5 + 3 + 4) / 3
        assert report["avg_material"] == 3.0  # (4 + 2) / 2; an empty rating does not count
        assert report["rated_material"] == 2
        assert [r["count"] for r in report["session_distribution"]] == [0, 0, 1, 1, 1]
        assert [r["count"] for r in report["homework"]] == [1, 1, 1]
        assert column(report, "professional") == {
            "believe and support the victim": 2,
            "luisteren zonder oordeel": 2,  # "luisteren ZONDER oordeel" is the same factor
            "focus on safe sexting: how do you keep it fun for everyone?": 1,
        }
        assert column(report, "environment") == {"steun van de directie": 2}
        assert column(report, "victim") == {"support from family and friends": 2}  # ticked in NL and EN
        tops = {row["label"].casefold(): (row["count"], row["named"], row["first"]) for row in report["top_three"]}
        assert tops == {
            "believe and support the victim": (8, 3, 2),  # 3 + 2 + 3 points; typed in Dutch and in English
            "luisteren zonder oordeel": (5, 2, 1),  # 2 + 3
        }
        assert report["top_three"][0]["label"] == "Believe and support the victim"
        assert [(a["text"], a["owner"], a["due_date"]) for a in report["actions"]] == [
            ("Protocol opstellen", "Team zorg", date(2027, 2, 1)),
            ("Les plannen", "", None),
        ]
        assert [g.session_id for g in report["group_results"]] == [seeded["a"].pk]
        assert report["non_respondents"] == 2
        assert "non_respondent_names" not in report  # names are never in a report of answers
        assert service.non_respondent_names(Session.objects.filter(pk=seeded["a"].pk)) == ["Cas Bakker", "Dirk Smit"]


def test_training_report_figures(seeded):
    report = service.build_report(Session.objects.filter(training=seeded["training"]))
    assert report["answers"] == 4
    assert report["participants"] == 6 and report["responded"] == 3
    assert report["response_rate"] == 50.0
    assert report["avg_session"] == 3.5  # (5 + 3 + 4 + 2) / 4
    assert report["avg_material"] == 3.67  # (4 + 2 + 5) / 3
    assert column(report, "professional")["luisteren zonder oordeel"] == 3  # the other training's answer is not in
    assert report["non_respondents"] == 3


def test_group_result_is_kept_apart_from_individual_answers(seeded):
    report = service.build_report(Session.objects.filter(pk=seeded["a"].pk))
    assert "steun van vrienden" not in column(report, "victim")  # the flip chart does not count as an answer
    assert report["answers"] == 3
    group = report["group_results"][0]
    victim = next(c for c in group.columns if c["column"] == "victim")
    assert [f.text for f in victim["items"]] == ["Steun van vrienden"]
    assert [t.text for t in group.top_items.all()] == ["Open klimaat"]
    assert [(a.text, a.owner) for a in group.actions.all()] == [("Teamoverleg over beleid", "Directie")]


def test_non_respondents_are_the_reminder_audience(seeded):
    a = seeded["a"]
    ours = set(service.non_respondents(Session.objects.filter(pk=a.pk)).values_list("pk", flat=True))
    expected = set(
        Registration.objects.filter(
            session=a, status__in=[S.CONFIRMED, S.ATTENDED], evaluation_responded_at__isnull=True
        ).values_list("pk", flat=True)
    )
    assert ours == expected == {seeded["people"]["cas"].pk, seeded["people"]["dirk"].pk}
    reminder = {
        due.recipient.key for due in SessionMailProvider().audience_for(f"session:{a.pk}", Audience.NOT_EVALUATED)
    }
    assert reminder == {f"registration:{pk}" for pk in ours}
    # answering through the personal link takes a person out of both lists
    answer(a, seeded["people"]["cas"], rating_session=4)
    reminder = {
        due.recipient.key for due in SessionMailProvider().audience_for(f"session:{a.pk}", Audience.NOT_EVALUATED)
    }
    assert reminder == {f"registration:{seeded['people']['dirk'].pk}"}
    assert list(service.non_respondents(Session.objects.filter(pk=a.pk))) == [seeded["people"]["dirk"]]


# --- The admin pages -----------------------------------------------------------------------------------------


@pytest.fixture
def coordinator(django_user_model):
    user = django_user_model.objects.create_user("coordinator", "c@example.org", "pw")
    user.groups.add(Group.objects.get(name="Coordinators"))
    return user


@pytest.fixture
def trainer(django_user_model):
    user = django_user_model.objects.create_user("trainer", "t@example.org", "pw")
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


def test_report_page_for_a_coordinator_links_to_the_names_on_a_page_of_their_own(client, seeded, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("evaluation_reports:session", args=[seeded["a"].pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-figure="response-rate">50,0%' in html or 'data-figure="response-rate">50.0%' in html
    assert 'data-figure="answers">3<' in html
    assert "Cas Bakker" not in html and "Dirk Smit" not in html  # never beside the answers
    not_answered = reverse("evaluation_reports:session_not_answered", args=[seeded["a"].pk])
    assert not_answered in html
    names = client.get(not_answered).content.decode()
    assert "Cas Bakker" in names and "Dirk Smit" in names
    assert "Protocol opstellen" not in names and "Schaamte speelt" not in names
    assert "Steun van vrienden" in html and "Teamoverleg over beleid" in html  # group result
    assert "Protocol opstellen" in html
    assert "<svg" in html and "cdn" not in html.lower()
    assert "Anna de Vries" not in html  # respondents stay anonymous


def test_a_trainer_cannot_read_another_trainers_session(client, seeded, trainer):
    client.force_login(trainer)
    assert client.get(reverse("evaluation_reports:session", args=[seeded["a"].pk])).status_code == 404
    export = reverse("evaluation_reports:session_export", args=[seeded["a"].pk])
    assert client.get(export + "?export=csv").status_code == 404
    for name in ("session_texts", "session_actions"):
        assert client.get(reverse(f"evaluation_reports:{name}", args=[seeded["a"].pk])).status_code == 404


def test_report_page_for_a_trainer_hides_names(client, seeded, trainer):
    seeded["a"].trainers.add(trainer)  # a trainer reads the reports of their own sessions
    client.force_login(trainer)
    response = client.get(reverse("evaluation_reports:session", args=[seeded["a"].pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cas Bakker" not in html and "Dirk Smit" not in html
    assert "Alleen coördinatoren kunnen hun namen zien." in html
    assert 'data-figure="non-respondents">2 deelnemers' in html


def test_reports_need_the_permission(client, seeded, django_user_model):
    user = django_user_model.objects.create_user("reader", "r@example.org", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    # Wagtail turns PermissionDenied in the admin into a redirect to the dashboard with a message
    for name in ("session", "session_export", "room"):
        response = client.get(reverse(f"evaluation_reports:{name}", args=[seeded["a"].pk]))
        assert response.status_code in (302, 403)
        assert response.get("Location", "/admin/") == "/admin/"


def test_training_report_and_index(client, seeded, coordinator):
    client.force_login(coordinator)
    index = client.get(reverse("evaluation_reports:index"))
    assert index.status_code == 200
    assert reverse("evaluation_reports:training", args=[seeded["training"].pk]) in index.content.decode()
    page = client.get(reverse("evaluation_reports:training", args=[seeded["training"].pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-figure="answers">4<' in html
    assert "Hanna Visser" not in html  # a non-respondent of session B: on the page of names only
    names = client.get(reverse("evaluation_reports:training_not_answered", args=[seeded["training"].pk]))
    assert "Hanna Visser" in names.content.decode()
    # the sessions table: answers, participants asked (confirmed or attended), personal links used
    rows = [(row.pk, row.n_answers, row.n_participants, row.n_responded) for row in page.context["session_rows"]]
    assert rows == [(seeded["b"].pk, 1, 2, 1), (seeded["a"].pk, 3, 4, 2)]
    index_rows = {row.pk: (row.n_answers, row.n_participants, row.n_responded) for row in index.context["sessions"]}
    assert index_rows[seeded["c"].pk] == (1, 1, 1)


def test_room_link_page_shows_qr_codes(client, seeded, trainer):
    seeded["a"].trainers.add(trainer)  # a trainer reads the reports of their own sessions
    client.force_login(trainer)
    html = client.get(reverse("evaluation_reports:room", args=[seeded["a"].pk])).content.decode()
    token = service.room_token(seeded["a"])
    assert f"/evaluatie/sessie/{token}/" in html and f"/en/evaluation/session/{token}/" in html
    assert html.count('class="segno"') == 2


def _report_queries(client, session):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("evaluation_reports:session", args=[session.pk])).status_code == 200
    return len(queries)


def test_report_query_count_does_not_grow_with_answers(client, seeded, coordinator):
    client.force_login(coordinator)
    session = seeded["a"]
    before = _report_queries(client, session)
    for i in range(12):
        person = register(session, f"Extra {i}")
        answer(
            session,
            person,
            rating_session=1 + i % 5,
            factors_professional=[f"punt {i}", "Luisteren zonder oordeel"],
            suggestions_environment=["open_climate"],
            top_three=[f"punt {i}", "", ""],
            actions=[{"text": f"actie {i}", "owner": "", "due_date": None}],
            new_insights=f"inzicht {i}",
        )
        GroupFactor.objects.create(result=seeded["group"], column="professional", text=f"groep {i}")
    assert _report_queries(client, session) == before


def _seen(client, url, pattern, pages):
    """Every number matching `pattern` on pages 1..pages of a paged list."""
    seen = []
    for page in range(1, pages + 1):
        response = client.get(f"{url}?p={page}")
        assert response.status_code == 200
        seen += [int(n) for n in re.findall(pattern, response.content.decode())]
    return seen


def test_long_lists_are_cut_short_on_the_report_and_all_reachable_from_it(client, seeded, coordinator):
    """10,000 written answers made the report slow to load: it shows the first rows, links to all of them."""
    limit, per_page = service.REPORT_LIST_LIMIT, BaseReportListView.per_page
    extra = per_page + 20  # more than the report shows and more than one page of the full list
    # "zz-…" sorts after every hex digest, so the seeded answer (a random sha256) is on the first page of texts
    answers = EvaluationAnswer.objects.bulk_create(
        EvaluationAnswer(session=seeded["b"], via="room", edit_key_hash=f"zz-bulk-{i}", comment=f"opmerking {i:03d}")
        for i in range(extra)
    )
    EvaluationAction.objects.bulk_create(
        EvaluationAction(answer=a, text=f"stap {i:03d}") for i, a in enumerate(answers)
    )
    client.force_login(coordinator)
    training = seeded["training"].pk
    html = client.get(reverse("evaluation_reports:training", args=[training])).content.decode()
    texts_url = reverse("evaluation_reports:training_texts", args=[training])
    actions_url = reverse("evaluation_reports:training_actions", args=[training])
    # seeded: one answer with an insight in session A (in no particular place: texts follow neither session nor
    # time), two actions in session A
    shown = len(re.findall(r"opmerking \d{3}", html)) + html.count("Schaamte speelt een grote rol.")
    assert shown == limit
    assert len(re.findall(r"stap \d{3}", html)) == limit - 2
    assert f'data-more="{extra + 1}"' in html and f'href="{texts_url}"' in html
    assert f'data-more="{extra + 2}"' in html and f'href="{actions_url}"' in html
    # "show all": every text and every action, a page at a time, each once
    assert sorted(_seen(client, texts_url, r"opmerking (\d{3})", 2)) == list(range(extra))
    assert sorted(_seen(client, actions_url, r"stap (\d{3})", 2)) == list(range(extra))
    full = client.get(texts_url).content.decode()
    assert "Schaamte speelt een grote rol." in full
    assert "Protocol opstellen" in client.get(actions_url).content.decode()
    # a page number out of range or not a number is not an error
    for page in ("999", "abc", "-1", ""):
        assert client.get(f"{texts_url}?p={page}").status_code == 200


def test_short_lists_are_shown_whole_without_a_link(client, seeded, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("evaluation_reports:session", args=[seeded["a"].pk])).content.decode()
    assert "Schaamte speelt een grote rol." in html and "Les plannen" in html
    assert "data-more" not in html
    assert reverse("evaluation_reports:session_texts", args=[seeded["a"].pk]) not in html


EXPORT_HEADINGS_NL = [
    "Sessie",
    "Datum sessie",
    "Taal",
    "Ingevuld via",
    "Naam (als opgegeven)",
    "Acties, aanpak & kwaliteiten van de professional",
    "Omgevingsfactoren die een positieve bijdrage leveren",
    "Behoeften van het slachtoffer in steun en hulp",
    "Top drie: 1",
    "Top drie: 2",
    "Top drie: 3",
    "Nieuwe inzichten",
    "Wat leren wij hier nu van?",
    "Wat hebben we nodig om dit in de praktijk te brengen?",
    "Acties (wie, wanneer)",
    "Waardering sessie (1-5)",
    "Waardering voorbereidingsmateriaal (1-5)",
    "Huiswerk gedaan",
    "Opmerking",
]


def test_csv_export_columns_and_no_identities(client, seeded, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("evaluation_reports:session_export", args=[seeded["a"].pk]) + "?export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeff")  # so that Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))  # the list separator of Dutch Excel
    assert rows[0] == EXPORT_HEADINGS_NL
    assert len(rows) == 4  # three answers of session A
    names = [row[4] for row in rows[1:]]
    assert sorted(names) == ["", "", "Bert"]  # only the name Bert chose to add
    for person in seeded["people"].values():
        assert person.email not in body and str(person.public_id) not in body
        if person.name != "Bert Jansen":
            assert person.name not in body
    anna_row = next(row for row in rows[1:] if row[14].startswith("Protocol"))
    assert anna_row[14] == "Protocol opstellen (Team zorg, 2027-02-01)"
    assert anna_row[15] == "5" and anna_row[16] == "4"


def test_xlsx_export_of_a_training(client, seeded, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("evaluation_reports:training_export", args=[seeded["training"].pk]) + "?export=xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_HEADINGS_NL
    assert len(rows) == 5  # four answers in the training's two sessions
    assert sorted(r[15] for r in rows[1:]) == [2, 3, 4, 5]


def test_unknown_export_format_is_not_an_error(client, seeded, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("evaluation_reports:session_export", args=[seeded["a"].pk]) + "?export=pdf")
    assert response.status_code == 404


def test_training_report_query_count_does_not_grow_with_sessions(client, seeded, coordinator):
    client.force_login(coordinator)
    url = reverse("evaluation_reports:training", args=[seeded["training"].pk])
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    for i in range(3):
        extra = make_session(seeded["training"], ended_hours_ago=50 + i)
        answer(extra, register(extra, f"Nieuw {i}"), rating_session=3, factors_victim=[f"iets {i}"])
        GroupResult.objects.create(session=extra)
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    assert len(second) == len(first)
