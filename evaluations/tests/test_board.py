"""The live team board, driven as the facilitator and the participants use it (plain forms, no JavaScript): joining
with the room link, the four steps with 1-2-4-all, dot votes, actions, the result in the group result and report."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from evaluations.board import services
from evaluations.board_models import Board, BoardCard, BoardMember
from evaluations.models import GroupResult
from evaluations.services.evaluation import room_token
from evaluations.tests.support import make_session, make_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(django_user_model):
    user = django_user_model.objects.create_user("facilitator", "f@example.org", "pw")
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


@pytest.fixture
def running_session(home_page, trainer):
    session = make_session(make_training(home_page), ended_hours_ago=-1, duration_hours=2)  # started an hour ago
    session.trainers.add(trainer)
    return session


def board_path(session, language="nl", name="evaluation:board"):
    with translation.override(language):
        return reverse(name, args=[room_token(session)])


def facilitate(client, session, **data):
    return client.post(reverse("team_board_admin:board", args=[session.pk]), data)


def join(session, name="", language="nl"):
    phone = Client()
    response = phone.post(board_path(session, language), {"op": "join", "first_name": name})
    assert response.status_code == 303
    return phone


def post(phone, session, language="nl", **data):
    return phone.post(board_path(session, language), data)


def test_participants_join_without_account_and_the_projector_shows_no_names(client, running_session, trainer):
    client.force_login(trainer)
    assert client.get(reverse("team_board_admin:board", args=[running_session.pk])).status_code == 200
    page = Client().get(board_path(running_session))
    assert page.status_code == 200 and "Join" in page.content.decode() or "Doe mee" in page.content.decode()
    phones = [join(running_session, name) for name in ("Anna", "", "Bram", "")]
    members = list(BoardMember.objects.order_by("number"))
    assert [m.number for m in members] == [1, 2, 3, 4]
    assert members[0].first_name == "Anna" and members[1].first_name == ""
    assert len(members[0].key_hash) == 64  # only the hash of the key is stored
    # the phone knows who it is; the projector shows the count and the QR code, never a name
    assert "Anna" in phones[0].get(board_path(running_session)).content.decode()
    projector = Client().get(board_path(running_session, name="evaluation:board_projector")).content.decode()
    assert "<svg" in projector and "Anna" not in projector and "Bram" not in projector


def test_four_steps_with_1_2_4_all_votes_and_actions_end_in_the_group_result(client, running_session, trainer):
    client.force_login(trainer)
    session = running_session
    phones = [join(session, name) for name in ("Anna", "Bram", "Cem", "Dewi")]

    facilitate(client, session, op="next")  # step 1
    board = Board.objects.get(session=session)
    assert (board.step, board.timer_total) == (1, 20 * 60)
    post(phones[0], session, op="answer", text="De schaamte van Robin viel op")
    assert (
        "De schaamte van Robin viel op"
        in Client().get(board_path(session, name="evaluation:board_projector")).content.decode()
    )

    facilitate(client, session, op="next")  # step 2, alone: 3 minutes
    board.refresh_from_db()
    assert (board.step, board.round, board.timer_total) == (2, 1, 3 * 60)
    post(phones[0], session, op="factor", column="professional", text="Luisteren zonder oordeel")
    post(phones[1], session, op="factor", column="professional", text="luisteren  zonder oordeel")
    post(phones[1], session, op="factor", column="victim", suggestion="know_where_to_go")
    post(phones[2], session, op="factor", column="environment", text="Steun van de directie")
    post(phones[3], session, op="factor", column="environment", text="Een protocol")
    own = BoardCard.objects.filter(kind="factor", level=0)
    assert own.count() == 5
    # a participant sees only their own list in round 1
    assert "Steun van de directie" not in phones[0].get(board_path(session)).content.decode()

    facilitate(client, session, op="next")  # pairs by join order: 1+2, 3+4; their lists merged
    pairs = {m.number: m.pair for m in BoardMember.objects.all()}
    assert pairs == {1: 1, 2: 1, 3: 2, 4: 2}
    pair_one = BoardCard.objects.filter(kind="factor", level=1, group=1)
    assert pair_one.filter(normalised="luisteren zonder oordeel").get().merged == 2  # the double became one note
    assert "Bram" in phones[0].get(board_path(session)).content.decode()  # Anna sees her partner

    facilitate(client, session, op="next")  # fours
    facilitate(client, session, op="next")  # all together: the flip chart
    chart = BoardCard.objects.filter(kind="factor", level=3)
    assert chart.count() == 4
    dup = BoardCard.objects.create(
        board=board, kind="factor", level=3, column="environment", text="Protocol", normalised="protocol"
    )
    protocol = chart.get(text="Een protocol")
    facilitate(client, session, op="merge", card=[protocol.pk, dup.pk], text="Een protocol voor sexting")
    assert chart.filter(column="environment").count() == 2
    assert chart.get(pk=protocol.pk).text == "Een protocol voor sexting"
    # one note gets a better text; ticking two for that is refused with a clear message
    steun = chart.get(text="Steun van de directie")
    facilitate(client, session, op="edit_card", card=[steun.pk], text="Steun van de schoolleiding")
    assert chart.get(pk=steun.pk).text == "Steun van de schoolleiding"
    refused = facilitate(client, session, op="edit_card", card=[steun.pk, protocol.pk], text="Twee tegelijk")
    assert refused.status_code == 400 and "Vink één briefje aan" in refused.content.decode()
    assert not chart.filter(text="Twee tegelijk").exists()

    facilitate(client, session, op="next")  # step 3: insights and three votes each
    post(phones[0], session, op="insight", text="Schaamte houdt hulp tegen")
    listen = chart.get(normalised="luisteren zonder oordeel")
    for phone in phones:
        post(phone, session, op="vote", card=listen.pk)
    for card in chart.exclude(pk=listen.pk)[:3]:
        post(phones[0], session, op="vote", card=card.pk)
    response = post(phones[0], session, op="vote", card=protocol.pk)  # a fourth vote
    assert response.status_code == 400
    assert services.top_three(board)[0].pk == listen.pk

    facilitate(client, session, op="next")  # step 4
    post(phones[1], session, op="learn", kind="learn", text="Eerst luisteren")
    post(phones[2], session, op="learn", kind="need", text="Tijd in het teamoverleg")
    post(phones[3], session, op="action", text="Protocol sexting opstellen", owner="Dewi", due="2027-02-01")
    facilitate(client, session, op="next")  # finish: the result is saved

    result = GroupResult.objects.get(session=session)
    assert {f.text for f in result.factors.all()} >= {"Luisteren zonder oordeel", "Een protocol voor sexting"}
    assert [t.text for t in result.top_items.all()][0] == "Luisteren zonder oordeel"
    action = result.actions.get()
    assert (action.text, action.owner, str(action.due_date)) == ("Protocol sexting opstellen", "Dewi", "2027-02-01")
    assert "Schaamte houdt hulp tegen" in result.notes and "Tijd in het teamoverleg" in result.notes
    # step 1's answer, under its question, first in the notes; no names
    step_one = result.notes.split("\n\n")[0].splitlines()
    assert step_one[0] == "Stap 1: de podcast bespreken" and step_one[1] == board.questions[0]
    assert step_one[2] == "- De schaamte van Robin viel op"
    assert not any(name in result.notes for name in ("Anna", "Bram", "Cem", "Dewi"))
    report = client.get(reverse("evaluation_reports:session", args=[session.pk])).content.decode()
    assert "Protocol sexting opstellen" in report and "Een protocol voor sexting" in report
    assert result.follow_up.due_at == session.ends_at + timedelta(weeks=12)


def test_the_live_poll_is_empty_until_something_changes(
    client, running_session, trainer, django_capture_on_commit_callbacks
):
    client.force_login(trainer)
    phone = join(running_session, "Anna")
    live = board_path(running_session, name="evaluation:board_live")
    first = phone.get(live)
    assert first.status_code == 200
    token = first.content.decode().split('data-version="')[1].split('"')[0]
    assert phone.get(live, {"v": token}).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):  # the live token moves when the change commits
        facilitate(client, running_session, op="next")
    changed = phone.get(live, {"v": token})
    assert changed.status_code == 200 and "data-board" in changed.content.decode()
    projector = Client().get(live, {"v": token, "view": "projector"})
    assert projector.status_code == 200 and "Anna" not in projector.content.decode()


def test_bad_input_gives_a_clear_answer_in_both_languages(client, running_session, trainer):
    client.force_login(trainer)
    phone = join(running_session)
    facilitate(client, running_session, op="next")
    facilitate(client, running_session, op="next")
    for language, expected in (("nl", "Kies een van de drie kolommen"), ("en", "Choose one of the three columns")):
        response = post(phone, running_session, language, op="factor", column="nope", text="x")
        assert response.status_code == 400 and expected in response.content.decode()
    long = post(phone, running_session, "en", op="factor", column="victim", text="ß" * 250)
    assert long.status_code == 400 and "At most 200 characters" in long.content.decode()
    assert post(phone, running_session, op="vote", card="abc").status_code == 400
    assert post(phone, running_session, op="nonsense").status_code == 400
    assert Client().get(board_path(running_session).replace("teambord/", "teambord/x")).status_code == 404
    assert (
        Client().post(board_path(running_session), {"op": "factor"}).status_code == 302
    )  # not joined: to the join page
    bad = client.post(reverse("team_board_admin:board", args=[running_session.pk]), {"op": "merge", "card": ["x"]})
    assert bad.status_code == 400


def test_the_board_closes_hours_after_the_session(client, home_page, trainer, settings):
    settings.TEAM_BOARD_CLOSE_HOURS = 4
    session = make_session(make_training(home_page), ended_hours_ago=5)
    response = Client().get(board_path(session))
    assert response.status_code == 410
    assert "gesloten" in response.content.decode()
    session.ends_at = timezone.now() - timedelta(hours=3)
    session.save()
    assert Client().get(board_path(session)).status_code == 200


def test_other_trainers_cannot_open_the_board(client, running_session, django_user_model):
    other = django_user_model.objects.create_user("other", "o@example.org", "pw")
    other.groups.add(Group.objects.get(name="Trainers"))
    client.force_login(other)
    assert client.get(reverse("team_board_admin:board", args=[running_session.pk])).status_code == 404
    assert client.post(reverse("team_board_admin:board", args=[running_session.pk]), {"op": "next"}).status_code == 404


def test_the_trainer_opens_the_board_from_the_sessions_list_and_the_session(client, running_session, trainer):
    """The sessions list and the session's own admin page carry a "Team board" button to its board."""
    board_url = reverse("team_board_admin:board", args=[running_session.pk])
    client.force_login(trainer)
    listing = client.get(reverse("workshops_session:index")).content.decode()
    assert f'href="{board_url}"' in listing and "Teambord" in listing
    page = client.get(reverse("workshops_session:inspect", args=[running_session.pk])).content.decode()
    assert f'href="{board_url}"' in page
    assert client.get(board_url).status_code == 200
