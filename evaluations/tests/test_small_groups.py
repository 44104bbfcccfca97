"""Small groups stay anonymous: a report shows figures, success factors and written answers only from k answers
(EVALUATION_MIN_GROUP_SIZE, default 5). Below k it says "too few answers to show" and the answers count toward the
training's report, where nothing says which session they came from. The names of those who have not answered are
never on a page or in an export with the answers. Checked with 3, 5 and 6 answers."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from evaluations.services import evaluation as service
from evaluations.tests.support import make_session, make_training, register
from workshops.models import Session

pytestmark = pytest.mark.django_db
WRITTEN = "Mijn eigen zin van persoon"


def answer_session(session, n, *, prefix):
    """n participants answer (by personal link), one more is registered and does not answer."""
    people = [register(session, f"{prefix} Deelnemer {i}") for i in range(n)]
    for i, person in enumerate(people):
        service.submit_answer(
            session,
            {
                "rating_session": 1 + i % 5,
                "rating_material": 5,
                "factors_professional": [f"{prefix} factor {i}"],
                "top_three": [f"{prefix} top {i}", "", ""],
                "actions": [{"text": f"{prefix} actie {i}", "owner": "", "due_date": None}],
                "comment": f"{WRITTEN} {prefix} {i}",
            },
            via="personal",
            language="nl",
            registration=person,
        )
    register(session, f"{prefix} Stille Deelnemer")
    return people


@pytest.fixture
def coordinator(django_user_model):
    user = django_user_model.objects.create_user("coordinator", "c@example.org", "pw")
    user.groups.add(Group.objects.get(name="Coordinators"))
    return user


@pytest.fixture
def groups(home_page):
    training = make_training(home_page)
    sessions = {n: make_session(training, ended_hours_ago=2 + n) for n in (3, 5, 6)}
    for n, session in sessions.items():
        answer_session(session, n, prefix=f"S{n}")
    return {"training": training, "sessions": sessions}


def csv_rows(response) -> list[list[str]]:
    """The export as a Dutch spreadsheet reads it: a byte order mark, then ";" between the columns."""
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def page(client, name, pk):
    response = client.get(reverse(f"evaluation_reports:{name}", args=[pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_default_minimum_is_five(settings):
    """The default lives in the settings (EVALUATION_MIN_GROUP_SIZE unset in the environment)."""
    import os

    assert "EVALUATION_MIN_GROUP_SIZE" not in os.environ
    assert settings.EVALUATION_MIN_GROUP_SIZE == 5
    assert service.min_group_size() == 5
    settings.EVALUATION_MIN_GROUP_SIZE = 0  # a nonsense value still keeps groups of one apart
    assert service.min_group_size() == 1


def test_three_answers_show_counts_only(client, groups, coordinator):
    client.force_login(coordinator)
    pk = groups["sessions"][3].pk
    report = service.build_report(Session.objects.filter(pk=pk))
    assert report["too_few"] and report["answers"] == 3 and report["participants"] == 4
    assert report["avg_session"] is None and report["texts"] == [] and report["actions"] == []
    assert report["factor_columns"] == [] and report["top_three"] == [] and report["session_distribution"] == []

    html = page(client, "session", pk)
    assert 'data-figure="answers">3<' in html
    assert 'data-too-few="5"' in html and "Te weinig antwoorden om te tonen" in html
    assert WRITTEN not in html and "S3 factor" not in html and "S3 top" not in html and "S3 actie" not in html
    assert 'data-figure="avg-session"' not in html
    assert reverse("evaluation_reports:session_export", args=[pk]) not in html
    for name in ("session_texts", "session_actions"):
        listed = page(client, name, pk)
        assert WRITTEN not in listed and "S3 actie" not in listed and 'data-too-few="5"' in listed
    # the export is refused with the same explanation, not a file with three people's answers
    export = client.get(reverse("evaluation_reports:session_export", args=[pk]) + "?export=csv", follow=True)
    assert not getattr(export, "streaming", False)
    assert WRITTEN not in export.content.decode() and "Te weinig antwoorden" in export.content.decode()


@pytest.mark.parametrize("n", [5, 6])
def test_five_and_six_answers_show_everything(client, groups, coordinator, n):
    client.force_login(coordinator)
    pk = groups["sessions"][n].pk
    report = service.build_report(Session.objects.filter(pk=pk))
    assert not report["too_few"] and report["answers"] == n
    assert report["avg_session"] is not None and len(report["texts"]) == n
    html = page(client, "session", pk)
    assert f'data-figure="answers">{n}<' in html and "data-too-few" not in html
    assert f"{WRITTEN} S{n} 0" in html and f"S{n} factor 0" in html and f"S{n} actie 0" in html
    assert html.count(WRITTEN) == n
    export = client.get(reverse("evaluation_reports:session_export", args=[pk]) + "?export=csv")
    assert len(csv_rows(export)) == n + 1


def test_a_small_session_counts_toward_the_training_without_saying_which_it_is(client, groups, coordinator):
    client.force_login(coordinator)
    training = groups["training"].pk
    report = service.build_report(Session.objects.filter(training=training))
    assert report["answers"] == 14 and not report["too_few"]
    assert report["rated_session"] == 14  # the three answers of the small session are in the averages
    html = page(client, "training", training)
    assert html.count(WRITTEN) == 14
    assert f"{WRITTEN} S3 0" in html

    export = client.get(reverse("evaluation_reports:training_export", args=[training]) + "?export=csv")
    rows = csv_rows(export)[1:]
    assert len(rows) == 14
    small_rows = [row for row in rows if row[18].startswith(f"{WRITTEN} S3")]
    assert len(small_rows) == 3
    assert all(row[0] == "Een sessie met weinig antwoorden" and row[1] == "" for row in small_rows)  # nor date
    assert rows[-3:] == small_rows  # after the sessions that are shown, not in their place among them
    assert {row[0] for row in rows[:-3]} == {groups["sessions"][n].title for n in (5, 6)}


def test_a_training_below_the_minimum_shows_counts_only(client, home_page, coordinator):
    training = make_training(home_page, slug="klein", title_nl="Klein", title_en="Small")
    answer_session(make_session(training), 2, prefix="A")
    answer_session(make_session(training, ended_hours_ago=30), 2, prefix="B")
    client.force_login(coordinator)
    html = page(client, "training", training.pk)
    assert 'data-figure="answers">4<' in html and 'data-too-few="5"' in html and WRITTEN not in html


def test_the_minimum_is_a_setting(client, groups, coordinator, settings):
    settings.EVALUATION_MIN_GROUP_SIZE = 7
    client.force_login(coordinator)
    assert 'data-too-few="7"' in page(client, "session", groups["sessions"][6].pk)
    settings.EVALUATION_MIN_GROUP_SIZE = 3
    assert WRITTEN in page(client, "session", groups["sessions"][3].pk)


@pytest.mark.parametrize("n", [3, 5, 6])
def test_names_of_those_who_did_not_answer_are_never_beside_the_answers(client, groups, coordinator, n):
    client.force_login(coordinator)
    pk = groups["sessions"][n].pk
    silent = f"S{n} Stille Deelnemer"
    report_pages = [page(client, name, pk) for name in ("session", "session_texts", "session_actions")]
    export = client.get(reverse("evaluation_reports:session_export", args=[pk]) + "?export=csv", follow=True)
    body = (
        b"".join(export.streaming_content).decode() if getattr(export, "streaming", False) else export.content.decode()
    )
    for text in [*report_pages, body]:
        assert silent not in text
    names = page(client, "session_not_answered", pk)
    assert silent in names
    assert WRITTEN not in names and f"S{n} actie" not in names and f"S{n} factor" not in names
    training_names = page(client, "training_not_answered", groups["training"].pk)
    assert silent in training_names and WRITTEN not in training_names


def test_only_coordinators_see_who_has_not_answered(client, groups, django_user_model):
    trainer = django_user_model.objects.create_user("trainer", "t@example.org", "pw")
    trainer.groups.add(Group.objects.get(name="Trainers"))
    session = groups["sessions"][6]
    session.trainers.add(trainer)
    client.force_login(trainer)
    html = page(client, "session", session.pk)
    assert "S6 Stille Deelnemer" not in html
    url = reverse("evaluation_reports:session_not_answered", args=[session.pk])
    assert url not in html
    response = client.get(url)
    assert response.status_code in (302, 403) and "S6 Stille Deelnemer" not in response.content.decode()
