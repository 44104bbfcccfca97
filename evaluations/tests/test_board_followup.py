"""Follow-up on the agreed actions: the mail N weeks after the session (found by state, not by the minute's window),
the page where each action is marked (GET shows, POST saves), one reminder when nobody answers, the report, the
suggestion sets per training and the purge."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from evaluations.board import followup
from evaluations.board_models import ActionFollowUp, Board, BoardAction, BoardMember, SuggestionSet, TrainingTeamTool
from evaluations.cheatsheet import set_for_training, suggestion_choices
from evaluations.models import GroupAction, GroupResult
from evaluations.tests.support import make_session, make_training
from events.models import OutboxMail
from events.render import render
from events.services import schedule

pytestmark = pytest.mark.django_db


def result_with_actions(session, owners=(("Dewi", "dewi@team.example"), ("Sam", ""))):
    result = GroupResult.objects.create(session=session)
    for i, (owner, email) in enumerate(owners):
        GroupAction.objects.create(
            result=result, text=f"Actie {i + 1}", owner=owner, owner_email=email, due_date=date(2027, 2, 1)
        )
    followup.schedule(result)
    return result


def mails(rule_key):
    return list(OutboxMail.objects.filter(rule_key=rule_key).order_by("to_email"))


def test_the_follow_up_goes_the_training_s_weeks_after_the_session_even_after_missed_ticks(home_page):
    training = make_training(home_page)
    TrainingTeamTool.objects.create(training=training, follow_up_weeks=8)
    session = make_session(training, ended_hours_ago=1)
    result = result_with_actions(session)
    follow_up = result.follow_up
    assert follow_up.due_at == session.ends_at + timedelta(weeks=8)

    schedule.tick(now=follow_up.due_at - timedelta(minutes=1))
    assert mails("actions_follow_up") == []
    # the beat was down for two days after the moment: the follow-up is found by its state all the same
    later = follow_up.due_at + timedelta(days=2)
    schedule.tick(now=later)
    schedule.tick(now=later + timedelta(minutes=1))  # a second tick sends nothing twice
    sent = mails("actions_follow_up")
    assert [m.to_email for m in sent] == ["dewi@team.example"]  # the owner with an address
    follow_up.refresh_from_db()
    assert follow_up.mailed_at == later
    from events.models import MailTemplate

    template = MailTemplate.objects.get(name="Opvolging afgesproken acties")
    mail = render(template, sent[0].language, sent[0].context)
    assert "Actie 1" in mail.text and "Actie 2" in mail.text and "/acties/" in mail.text
    assert "Dewi" not in mail.subject and "Actie" not in mail.subject  # neutral subject


def test_without_owner_addresses_the_board_s_contact_gets_it(home_page):
    session = make_session(make_training(home_page), ended_hours_ago=1)
    Board.objects.create(session=session, contact_email="teamleider@school.example")
    result = result_with_actions(session, owners=(("Team", ""),))
    schedule.tick(now=result.follow_up.due_at + timedelta(minutes=1))
    assert [m.to_email for m in mails("actions_follow_up")] == ["teamleider@school.example"]


def test_the_page_shows_on_get_and_saves_on_post_and_stops_the_reminder(home_page, client):
    session = make_session(make_training(home_page), ended_hours_ago=1)
    result = result_with_actions(session)
    follow_up = result.follow_up
    schedule.tick(now=follow_up.due_at + timedelta(minutes=1))
    with translation.override("en"):
        url = reverse("evaluation:follow_up", args=[followup.make_token(follow_up)])
    page = Client().get(url)
    assert page.status_code == 200 and "Actie 1" in page.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.answered_at is None  # a link scanner's GET changes nothing
    one, two = result.actions.order_by("pk")
    saved = Client().post(
        url, {f"status_{one.pk}": "done", f"comment_{one.pk}": "Staat in het beleid", f"status_{two.pk}": "dropped"}
    )
    assert saved.status_code == 302
    one.refresh_from_db()
    assert (one.status, one.status_comment) == ("done", "Staat in het beleid")
    assert Client().post(url, {f"status_{one.pk}": "maybe"}).status_code == 400
    assert "Choose one of the statuses" in Client().post(url, {f"status_{one.pk}": "maybe"}).content.decode()
    schedule.tick(now=follow_up.due_at + timedelta(days=5))
    assert mails("actions_follow_up_reminder") == []  # answered: no reminder
    assert Client().get(url.replace("/actions/", "/actions/x")).status_code == 404


def test_one_reminder_when_nobody_answers(home_page):
    session = make_session(make_training(home_page), ended_hours_ago=1)
    result = result_with_actions(session)
    due = result.follow_up.due_at
    schedule.tick(now=due + timedelta(minutes=1))
    schedule.tick(now=due + timedelta(hours=95))
    assert mails("actions_follow_up_reminder") == []
    schedule.tick(now=due + timedelta(hours=97))
    schedule.tick(now=due + timedelta(days=6))
    assert [m.to_email for m in mails("actions_follow_up_reminder")] == ["dewi@team.example"]


def test_the_training_report_shows_the_follow_up_status(home_page, django_user_model):
    coordinator = django_user_model.objects.create_user("coordinator", "c@example.org", "pw")
    coordinator.groups.add(Group.objects.get(name="Coordinators"))
    training = make_training(home_page)
    session = make_session(training, ended_hours_ago=1)
    result = result_with_actions(session)
    action = result.actions.order_by("pk").first()
    action.status, action.status_comment = "in_progress", "Halverwege"
    action.save()
    client = Client()
    client.force_login(coordinator)
    report = client.get(reverse("evaluation_reports:training", args=[training.pk])).content.decode()
    assert "Actie 1" in report and "Halverwege" in report and 'data-action-status="in_progress"' in report
    export = client.get(reverse("team_board_admin:export_training", args=[training.pk]) + "?export=csv")
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert "Actie 1" in body and "Halverwege" in body


def test_a_follow_up_after_the_purge_is_refused_when_choosing_the_weeks(home_page, settings):
    settings.PURGE_PERSONAL_DATA_AFTER_DAYS = 90
    tool = TrainingTeamTool(training=make_training(home_page), follow_up_weeks=13)
    with pytest.raises(ValidationError):
        tool.full_clean()
    tool.follow_up_weeks = 12
    tool.full_clean()


def test_each_training_offers_its_own_suggestion_set(home_page):
    shame = SuggestionSet.objects.get(is_default=True)
    grooming = SuggestionSet.objects.get(name_nl="Spiekbriefje Grooming")
    team_training = make_training(home_page, slug="team")
    grooming_training = make_training(home_page, slug="grooming")
    TrainingTeamTool.objects.create(training=grooming_training, suggestion_set=grooming)
    assert set_for_training(team_training.pk) == shame
    assert set_for_training(grooming_training.pk) == grooming
    with translation.override("en"):
        labels = [label for _key, label in suggestion_choices("victim", grooming)]
    assert "Being believed without reproach" in labels
    # the evaluation form of a grooming session offers the grooming set
    session = make_session(grooming_training, ended_hours_ago=1)
    from evaluations.services.evaluation import room_token

    page = Client().get(reverse("evaluation:room", args=[room_token(session)])).content.decode()
    assert "grooming_believed" in page and "believe_victim" not in page


def test_the_purge_removes_names_owners_and_addresses_of_the_board(home_page, settings):
    from workshops.purge import purge_personal_data

    session = make_session(make_training(home_page), ended_hours_ago=24 * 100)
    board = Board.objects.create(session=session, contact_email="lead@team.example")
    BoardMember.objects.create(board=board, number=1, key_hash="x" * 64, first_name="Anna")
    BoardAction.objects.create(board=board, text="Protocol", owner="Dewi", owner_email="dewi@team.example")
    result_with_actions(session)
    purge_personal_data()
    assert not BoardMember.objects.exclude(first_name="").exists()
    assert (
        not BoardAction.objects.exclude(owner="").exists() and not BoardAction.objects.exclude(owner_email="").exists()
    )
    assert Board.objects.get(pk=board.pk).contact_email == ""
    assert not GroupAction.objects.exclude(owner_email="").exists()
    assert BoardAction.objects.get().text == "Protocol"  # the action itself stays
    assert ActionFollowUp.objects.filter(group_result__session=session).exists()
    assert timezone.now()
