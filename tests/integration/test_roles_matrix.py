"""Who may do what in the admin: Editors, Coordinators and Trainers, checked through the admin URLs and exports.

The matrix (A = allowed, own = only for their own sessions, - = refused: 403, 404 or a redirect away, and nothing
of the data in the answer):

| screen / URL                                        | Editors | Coordinators | Trainers |
| --------------------------------------------------- | ------- | ------------ | -------- |
| pages: explorer, edit, add a lesson                 | A       | -            | -        |
| snippets: themes, help links                        | A       | -            | -        |
| media: images, documents                            | A       | -            | -        |
| sessions: list                                      | -       | A            | own      |
| session: edit, cancel, duplicate, add               | -       | A            | -        |
| session: participants and check-in                  | -       | A            | own      |
| participants list and CSV/XLSX export               | -       | A            | own      |
| school requests: list, inspect, propose             | -       | A            | -        |
| outbox, event log, mail rules and templates         | -       | A            | -        |
| evaluation reports and their export                 | -       | A            | own      |
| who has not answered (names for the reminder)       | -       | A            | -        |
| group results: list, add, edit                      | -       | A            | own      |
| a session's mail and preparation page (scope)       | -       | A            | own      |
| participants search, session chooser                | -       | A            | own      |
| users, groups, site settings, Django admin          | -       | -            | -        |

Each row below names the URL, the method, and what each role gets. A refused request must also not contain the
participants' e-mail addresses.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

ALLOW, OWN, DENY = "allow", "own", "deny"
PASSWORD = "roles-matrix-pass"


def make_user(username, group=None, **extra):
    user = get_user_model().objects.create_user(username, f"{username}@staff.example", PASSWORD, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def demo(db):
    """The full demo content (lessons, trainings, help links), not just the home page."""
    import os

    from django.core.management import call_command

    call_command("load_initial_data", verbosity=0, stdout=open(os.devnull, "w"))


@pytest.fixture
def world(demo):
    from evaluations.models import EvaluationAnswer, GroupResult
    from events.models import OutboxMail
    from home.models import LessonPage, TrainingPage
    from workshops.models import Registration, SchoolBookingRequest, Session

    users = {
        "editor": make_user("ed", "Editors"),
        "coordinator": make_user("co", "Coordinators"),
        "trainer": make_user("tr", "Trainers"),
        "other_trainer": make_user("tr2", "Trainers"),
    }
    training = TrainingPage.objects.live().first()
    lesson = LessonPage.objects.live().first()
    start = timezone.now() + datetime.timedelta(days=5)
    own = Session.objects.create(training=training, starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    other = Session.objects.create(
        training=training, starts_at=start + datetime.timedelta(days=1), ends_at=start + datetime.timedelta(days=1.1)
    )
    own.trainers.add(users["trainer"])
    other.trainers.add(users["other_trainer"])
    # the demo's own sessions and people would push these two off the first page of the participants list
    Registration.objects.all().delete()
    regs = {}
    for key, session in (("own", own), ("other", other)):
        regs[key] = Registration.objects.create(
            session=session,
            name=f"Person {key}",
            email=f"person.{key}@participants.example",
            status=Registration.Status.CONFIRMED,
            consent_at=timezone.now(),
        )
    school = SchoolBookingRequest.objects.create(
        lesson=lesson,
        school_name="De Regenboog",
        contact_name="Mirjam Bakker",
        email="mirjam@school.example",
        phone="020 123 4567",
        town="Amsterdam",
        school_type="primary",
        year_group="7",
        groups=1,
        pupils=25,
        date_1=(timezone.now() + datetime.timedelta(days=30)).date(),
    )
    mail = OutboxMail.objects.create(
        rule_key="confirmation",
        scope=f"session:{own.pk}",
        recipient_key=f"registration:{regs['own'].pk}",
        to_email=regs["own"].email,
        subject="Je aanmelding",
    )
    EvaluationAnswer.objects.create(session=other, edit_key_hash="x" * 64, rating_session=4)
    group_results = {
        key: GroupResult.objects.create(session=session, notes=f"Flap van sessie {key}")
        for key, session in (("own", own), ("other", other))
    }
    return {
        "users": users,
        "own": own,
        "other": other,
        "regs": regs,
        "school": school,
        "mail": mail,
        "lesson": lesson,
        "training": training,
        "group_results": group_results,
    }


SECRETS = ("person.own@participants.example", "person.other@participants.example", "mirjam@school.example")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def refused(response, url) -> bool:
    """403, 404, or Wagtail's way of saying no: a redirect to the dashboard (with a message) or to the login."""
    if response.status_code in (403, 404):
        return True
    if response.status_code == 302:
        target = response["Location"].split("?")[0]
        return target in ("/admin/", "/django-admin/") or "login" in target
    return False


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def check(client, method, url, expected, *, own_secret=None, other_secret=None, data=None):
    response = client.post(url, data or {}) if method == "POST" else client.get(url)
    text = body(response) if response.status_code == 200 else ""
    if expected == DENY:
        assert refused(response, url), f"{method} {url} answered {response.status_code}, expected a refusal"
        leaked = [s for s in SECRETS if s in text]
        assert not leaked, f"{method} {url} leaked {leaked}"
    else:
        assert response.status_code in (200, 302) and not refused(response, url), (
            f"{method} {url} answered {response.status_code}, expected access"
        )
        if expected == OWN and other_secret:
            assert other_secret not in text, f"{url} shows another trainer's data"
        if own_secret and method == "GET" and response.status_code == 200:
            assert own_secret in text, f"{url} does not show what this role should see"
    return response


def rows(w):
    own, lesson = w["own"], w["lesson"]
    own_mail, other_mail = w["regs"]["own"].email, w["regs"]["other"].email
    own_name, other_name = w["regs"]["own"].name, w["regs"]["other"].name
    parts = reverse("workshops_registration:index")
    return [
        # (label, method, url, {role: expectation}, own_secret, other_secret)
        ("page explorer", "GET", f"/admin/pages/{lesson.get_parent().pk}/", (ALLOW, DENY, DENY), None, None),
        ("edit a lesson", "GET", f"/admin/pages/{lesson.pk}/edit/", (ALLOW, DENY, DENY), None, None),
        (
            "add a lesson",
            "GET",
            f"/admin/pages/add/home/lessonpage/{lesson.get_parent().pk}/",
            (ALLOW, DENY, DENY),
            None,
            None,
        ),
        ("themes", "GET", "/admin/snippets/home/theme/", (ALLOW, DENY, DENY), None, None),
        ("help links", "GET", "/admin/snippets/home/helplink/", (ALLOW, DENY, DENY), None, None),
        ("images", "GET", "/admin/images/", (ALLOW, DENY, DENY), None, None),
        ("documents", "GET", "/admin/documents/", (ALLOW, DENY, DENY), None, None),
        ("sessions", "GET", reverse("workshops_session:index"), (DENY, ALLOW, OWN), None, None),
        ("add a session", "GET", reverse("workshops_session:add"), (DENY, ALLOW, DENY), None, None),
        ("edit a session", "GET", reverse("workshops_session:edit", args=[own.pk]), (DENY, ALLOW, DENY), None, None),
        (
            "cancel a session",
            "GET",
            reverse("workshops_session:cancel", args=[own.pk]),
            (DENY, ALLOW, DENY),
            None,
            None,
        ),
        (
            "duplicate a session",
            "POST",
            reverse("workshops_session:duplicate", args=[own.pk]),
            (DENY, ALLOW, DENY),
            None,
            None,
        ),
        (
            "own session's participants",
            "GET",
            reverse("workshops_session:participants", args=[own.pk]),
            (DENY, ALLOW, OWN),
            own_mail,
            other_mail,
        ),
        (
            "another trainer's participants",
            "GET",
            reverse("workshops_session:participants", args=[w["other"].pk]),
            (DENY, ALLOW, DENY),
            None,
            None,
        ),
        ("participants list", "GET", parts, (DENY, ALLOW, OWN), own_name, other_name),
        ("participants CSV export", "GET", parts + "?export=csv", (DENY, ALLOW, OWN), own_mail, other_mail),
        ("participants XLSX export", "GET", parts + "?export=xlsx", (DENY, ALLOW, OWN), None, None),
        (
            "another trainer's participant",
            "GET",
            reverse("workshops_registration:edit", args=[w["regs"]["other"].pk]),
            (DENY, ALLOW, DENY),
            None,
            None,
        ),
        ("school requests", "GET", reverse("workshops_schoolrequest:index"), (DENY, ALLOW, DENY), None, None),
        (
            "a school request",
            "GET",
            reverse("workshops_schoolrequest:inspect", args=[w["school"].pk]),
            (DENY, ALLOW, DENY),
            "mirjam@school.example",
            None,
        ),
        (
            "propose a date",
            "GET",
            reverse("workshops_schoolrequest:propose", args=[w["school"].pk]),
            (DENY, ALLOW, DENY),
            None,
            None,
        ),
        ("outbox", "GET", "/admin/snippets/events/outboxmail/", (DENY, ALLOW, DENY), None, None),
        (
            "an outbox mail",
            "GET",
            f"/admin/snippets/events/outboxmail/inspect/{w['mail'].pk}/",
            (DENY, ALLOW, DENY),
            None,
            None,
        ),
        ("event log", "GET", "/admin/snippets/events/eventlog/", (DENY, ALLOW, DENY), None, None),
        ("mail rules", "GET", "/admin/snippets/events/mailrule/", (DENY, ALLOW, DENY), None, None),
        ("send mail now", "GET", reverse("events_send_now"), (DENY, ALLOW, DENY), None, None),
        ("evaluation reports", "GET", reverse("evaluation_reports:index"), (DENY, ALLOW, OWN), None, None),
        (
            "another trainer's evaluation report",
            "GET",
            reverse("evaluation_reports:session", args=[w["other"].pk]),
            (DENY, ALLOW, DENY),
            None,
            None,
        ),
        (
            "another trainer's evaluation export",
            "GET",
            reverse("evaluation_reports:session_export", args=[w["other"].pk]) + "?format=csv",
            (DENY, ALLOW, DENY),
            None,
            None,
        ),
        (
            "another trainer's evaluation export (CSV)",
            "GET",
            reverse("evaluation_reports:session_export", args=[w["other"].pk]) + "?export=csv",
            (DENY, ALLOW, DENY),
            None,
            None,
        ),
        (
            "training evaluation report",
            "GET",
            reverse("evaluation_reports:training", args=[w["training"].pk]),
            (DENY, ALLOW, OWN),
            None,
            None,
        ),
        (
            "who has not answered (own session)",
            "GET",
            reverse("evaluation_reports:session_not_answered", args=[own.pk]),
            (DENY, ALLOW, DENY),
            own_name,
            None,
        ),
        (
            "who has not answered (training)",
            "GET",
            reverse("evaluation_reports:training_not_answered", args=[w["training"].pk]),
            (DENY, ALLOW, DENY),
            own_name,
            None,
        ),
        (
            "group results",
            "GET",
            reverse("evaluation_group_results:index"),
            (DENY, ALLOW, OWN),
            reverse("evaluation_group_results:edit", args=[w["group_results"]["own"].pk]),
            reverse("evaluation_group_results:edit", args=[w["group_results"]["other"].pk]),
        ),
        (
            "own group result",
            "GET",
            reverse("evaluation_group_results:edit", args=[w["group_results"]["own"].pk]),
            (DENY, ALLOW, OWN),
            "Flap van sessie own",
            None,
        ),
        (
            "another trainer's group result",
            "GET",
            reverse("evaluation_group_results:edit", args=[w["group_results"]["other"].pk]),
            (DENY, ALLOW, DENY),
            None,
            None,
        ),
        (
            "delete another trainer's group result",
            "GET",
            reverse("evaluation_group_results:delete", args=[w["group_results"]["other"].pk]),
            (DENY, ALLOW, DENY),
            None,
            None,
        ),
        (
            "own session's mail page",
            "GET",
            f"/admin/events/scope/session:{own.pk}/",
            (DENY, ALLOW, OWN),
            own_name,
            other_name,
        ),
        (
            "another trainer's session mail page",
            "GET",
            f"/admin/events/scope/session:{w['other'].pk}/",
            (DENY, ALLOW, DENY),
            None,
            None,
        ),
        ("participants search", "GET", parts + "?q=Person", (DENY, ALLOW, OWN), own_name, other_name),
        (
            "participants search results",
            "GET",
            reverse("workshops_registration:index_results") + "?q=Person",
            (DENY, ALLOW, OWN),
            own_name,
            other_name,
        ),
        (
            "participants search for another trainer's person",
            "GET",
            parts + "?q=" + other_mail,
            (DENY, ALLOW, OWN),
            None,
            other_name,  # the address is in the search box; the person's row must not be in the results
        ),
        (
            "session chooser",
            "GET",
            reverse("workshops_session_chooser:choose"),
            (OWN, ALLOW, OWN),  # an editor may open it, and finds no session in it
            None,
            reverse("workshops_session_chooser:chosen", args=[w["other"].pk]),
        ),
        (
            "choose another trainer's session",
            "GET",
            reverse("workshops_session_chooser:chosen", args=[w["other"].pk]),
            (DENY, ALLOW, DENY),
            None,
            None,
        ),
        ("users", "GET", "/admin/users/", (DENY, DENY, DENY), None, None),
        ("groups", "GET", "/admin/groups/", (DENY, DENY, DENY), None, None),
        ("site settings", "GET", "/admin/settings/home/sitesettings/", (None, DENY, DENY), None, None),
        ("Django admin", "GET", "/django-admin/", (DENY, DENY, DENY), None, None),
    ]


ROLES = ("editor", "coordinator", "trainer")
# Cells of the matrix the owning areas have not wired yet (reported in the closing note). While one of these still
# differs, the role's test is an expected failure naming it; once fixed, the test simply passes.
KNOWN_GAPS: dict[tuple[str, str], str] = {}  # every cell of the matrix is wired; a regression fails


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(world, role):
    user = world["users"][role]
    client = client_for(user)
    failures, gaps = [], []
    for label, method, url, expectations, own_secret, other_secret in rows(world):
        expected = expectations[ROLES.index(role)]
        if expected is None:
            continue
        try:
            check(
                client,
                method,
                url,
                expected,
                own_secret=own_secret if expected != DENY else None,
                other_secret=other_secret,
            )
        except AssertionError as error:
            if (label, role) in KNOWN_GAPS:
                gaps.append(f"{label} ({KNOWN_GAPS[label, role]})")
            else:
                failures.append(f"{label}: {error}")
    assert not failures, f"{role}: {len(failures)} rows differ from the matrix:\n" + "\n".join(failures)
    if gaps:
        pytest.xfail(f"{role}: known gaps of other areas: " + "; ".join(gaps))


@pytest.mark.django_db
def test_a_trainer_checks_in_participants_of_their_own_session_only(world):
    from workshops.models import Registration

    trainer = client_for(world["users"]["trainer"])
    own_reg, other_reg = world["regs"]["own"], world["regs"]["other"]
    url = reverse("workshops_session:participants", args=[world["own"].pk])
    trainer.post(url, {"registration": own_reg.pk, "action": "attended"})
    assert Registration.objects.get(pk=own_reg.pk).status == Registration.Status.ATTENDED
    # the other session's registration through this session's URL, and through the other session's URL
    trainer.post(url, {"registration": other_reg.pk, "action": "attended"})
    other_url = reverse("workshops_session:participants", args=[world["other"].pk])
    response = trainer.post(other_url, {"registration": other_reg.pk, "action": "attended"})
    assert refused(response, other_url)
    assert Registration.objects.get(pk=other_reg.pk).status == Registration.Status.CONFIRMED
    # a trainer may not cancel someone's registration (coordinators do)
    trainer.post(url, {"registration": own_reg.pk, "action": "cancel"})
    assert Registration.objects.get(pk=own_reg.pk).status == Registration.Status.ATTENDED


@pytest.mark.django_db
def test_a_trainer_cannot_change_a_session_by_posting_directly(world):
    trainer = client_for(world["users"]["trainer"])
    session = world["own"]
    for url in (
        reverse("workshops_session:edit", args=[session.pk]),
        reverse("workshops_session:cancel", args=[session.pk]),
        reverse("workshops_session:delete", args=[session.pk]),
    ):
        response = trainer.post(url, {"capacity": 1, "status": "cancelled"})
        assert refused(response, url), url
    session.refresh_from_db()
    assert session.status == session.Status.SCHEDULED and session.capacity is None


@pytest.mark.django_db
def test_an_editor_cannot_reach_personal_data_through_exports(world):
    editor = client_for(world["users"]["editor"])
    for url in (
        reverse("workshops_registration:index") + "?export=csv",
        reverse("workshops_registration:index") + "?export=xlsx",
        reverse("evaluation_reports:session_export", args=[world["other"].pk]) + "?format=xlsx",
        reverse("workshops_schoolrequest:index") + "?export=csv",
    ):
        response = editor.get(url)
        assert refused(response, url), url
        assert not any(secret.encode() in response.content for secret in SECRETS if not response.streaming)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_for_every_admin_screen(world):
    client = Client()
    for label, method, url, *_ in rows(world):
        response = client.post(url) if method == "POST" else client.get(url)
        assert response.status_code in (302, 403), f"{label}: {response.status_code}"
        if response.status_code == 302:
            assert "login" in response["Location"], f"{label} redirects to {response['Location']}"
