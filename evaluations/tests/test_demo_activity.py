"""The demo shows the whole journey: upcoming sessions to register for (online and on location, one full with a
waiting list), a past session with attendance, evaluation answers and a group result, a school request with a
proposal, and a coordinator and a trainer to log in as. Run again, it creates nothing twice; a month later it tops
up the upcoming sessions."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from evaluations.models import EvaluationAnswer, GroupResult
from evaluations.services import evaluation
from workshops.models import Registration, SchoolBookingRequest, Session

pytestmark = pytest.mark.django_db


def _upcoming():
    return Session.objects.filter(is_public=True, status=Session.Status.SCHEDULED, starts_at__gt=timezone.now())


def _state():
    return (
        Session.objects.count(),
        Registration.objects.count(),
        EvaluationAnswer.objects.count(),
        GroupResult.objects.count(),
        SchoolBookingRequest.objects.count(),
        get_user_model().objects.count(),
    )


def test_the_demo_shows_every_step_and_tops_up_a_month_later(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    out = StringIO()
    call_command("load_initial_data", stdout=out)
    printed = out.getvalue()
    assert "user: editor" in printed and "user: coordinator" in printed and "user: trainer" in printed

    upcoming = list(_upcoming())
    assert len(upcoming) >= 4
    assert len({session.training_id for session in upcoming}) >= 3
    assert {session.mode for session in upcoming} == {Session.Mode.ONLINE, Session.Mode.LOCATION}
    full = [s for s in upcoming if s.registrations.filter(status=Registration.Status.WAITLISTED).exists()]
    assert full and full[0].seats_left() == 0
    for session in upcoming:  # every one can be booked from its page
        assert client.get(f"/trainingen/sessie/{session.pk}/aanmelden/").status_code == 200
        assert session.trainers.filter(username="trainer").exists()

    past = Session.objects.get(starts_at__lt=timezone.now())
    assert past.registrations.filter(status=Registration.Status.ATTENDED).count() >= 6
    assert past.evaluation_answers.count() >= 6 and GroupResult.objects.filter(session=past).exists()
    report = evaluation.build_report(Session.objects.filter(pk=past.pk))
    assert report  # the report has figures to show
    assert SchoolBookingRequest.objects.filter(status=SchoolBookingRequest.Status.PROPOSED).count() == 1
    User = get_user_model()
    assert User.objects.get(username="coordinator").groups.filter(name="Coordinators").exists()
    assert User.objects.get(username="trainer").groups.filter(name="Trainers").exists()

    before = _state()
    call_command("load_initial_data", stdout=StringIO())
    assert _state() == before, "nothing created twice"

    # a month later: the upcoming sessions have passed; running again tops them up, nothing else is added
    Session.objects.update(starts_at=F("starts_at") - timedelta(days=40), ends_at=F("ends_at") - timedelta(days=40))
    assert _upcoming().count() == 0
    call_command("load_initial_data", stdout=StringIO())
    assert _upcoming().count() >= 4
    assert EvaluationAnswer.objects.count() == before[2] and GroupResult.objects.count() == before[3]
    assert SchoolBookingRequest.objects.count() == before[4]
