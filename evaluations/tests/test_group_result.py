"""The facilitator records the group's flip charts in the admin; they show in the report, apart from the answers."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from evaluations.models import EvaluationAnswer, GroupResult
from evaluations.tests.support import make_session, make_training

pytestmark = pytest.mark.django_db


def formset(prefix, rows, fields):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for name in fields:
            data[f"{prefix}-{i}-{name}"] = row.get(name, "")
        data[f"{prefix}-{i}-ORDER"] = str(i + 1)
        data[f"{prefix}-{i}-id"] = ""
    return data


@pytest.fixture
def trainer(django_user_model):
    user = django_user_model.objects.create_user("facilitator", "f@example.org", "pw")
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


def test_facilitator_records_the_group_result(client, home_page, trainer):
    session = make_session(make_training(home_page))
    session.trainers.add(trainer)
    client.force_login(trainer)
    data = {"session": str(session.pk), "notes": "Flap uit stap 3"}
    data.update(
        formset(
            "factors",
            [
                {"column": "professional", "text": "Positief over sexting praten"},
                {"column": "environment", "text": "Open klimaat"},
                {"column": "victim", "text": "Niet de schuld krijgen"},
            ],
            ["column", "text"],
        )
    )
    data.update(formset("top_items", [{"text": "Positief over sexting praten"}, {"text": "Open klimaat"}], ["text"]))
    data.update(
        formset(
            "actions",
            [{"text": "Seksualiteitsbeleid herzien", "owner": "MT", "due_date": "2027-03-01"}],
            ["text", "owner", "due_date"],
        )
    )
    response = client.post(reverse("evaluation_group_results:add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    result = GroupResult.objects.get(session=session)
    assert sorted(result.factors.values_list("column", "normalised")) == [
        ("environment", "open klimaat"),
        ("professional", "positief over sexting praten"),
        ("victim", "niet de schuld krijgen"),
    ]
    assert list(result.top_items.values_list("text", flat=True)) == ["Positief over sexting praten", "Open klimaat"]
    assert list(result.actions.values_list("owner", flat=True)) == ["MT"]
    assert EvaluationAnswer.objects.count() == 0  # the group result is not an individual answer

    report = client.get(reverse("evaluation_reports:session", args=[session.pk])).content.decode()
    assert "Seksualiteitsbeleid herzien" in report and "Flap uit stap 3" in report
    assert 'data-figure="answers">0<' in report
    assert reverse("evaluation_group_results:edit", args=[result.pk]) in report


def test_one_group_result_per_session(client, home_page, trainer):
    session = make_session(make_training(home_page))
    GroupResult.objects.create(session=session)
    client.force_login(trainer)
    data = {"session": str(session.pk), "notes": ""}
    for prefix, fields in (("factors", ["column", "text"]), ("top_items", ["text"]), ("actions", ["text"])):
        data.update(formset(prefix, [], fields))
    response = client.post(reverse("evaluation_group_results:add"), data)
    assert response.status_code == 200  # the form comes back with an error, no second row
    assert GroupResult.objects.filter(session=session).count() == 1


def test_record_link_from_the_report_preselects_the_session(client, home_page, trainer):
    session = make_session(make_training(home_page))
    session.trainers.add(trainer)
    client.force_login(trainer)
    report = client.get(reverse("evaluation_reports:session", args=[session.pk])).content.decode()
    add_url = reverse("evaluation_group_results:add") + f"?session={session.pk}"
    assert add_url in report
    form = client.get(add_url).content.decode()
    # the session chooser comes with this session chosen
    assert f'name="session" value="{session.pk}"' in form
    assert client.get(reverse("evaluation_group_results:add") + "?session=abc").status_code == 200
