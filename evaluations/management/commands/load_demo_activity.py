"""Demo activity around the demo trainings, from evaluations/demo/activity.yaml: a coordinator and a trainer,
upcoming sessions (online and on location, one full with a waiting list), a past team session with attendance,
evaluation answers and the group's result, and a school request with a proposal.

Dates are relative to today. Idempotent: each upcoming line is kept in the future (a line whose session has passed
gets a new one, so running it a month later tops up instead of duplicating); the past session, its answers and the
school request are made only when none like them exist.

Upcoming registrations go through `booking.register`, so they are confirmed or waitlisted and mailed like any
other (mail to example.org addresses: `make run` writes it to var/mail/). The past session's people are stored as
they would be after the check-in, without mail: nobody is mailed about a session that is already over.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation

from evaluations.models import GroupAction, GroupFactor, GroupResult, GroupTopItem
from evaluations.services import evaluation
from home.demo.loader import give_demo_password, shown
from home.models import LessonPage, TrainingPage
from workshops.models import SHOWN_TZ, Registration, SchoolBookingRequest, Session
from workshops.services import booking, schools

DATA = Path(__file__).resolve().parents[2] / "demo" / "activity.yaml"


def _at(day: datetime.date, clock: str) -> datetime.datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.datetime.combine(day, datetime.time(hours, minutes), tzinfo=SHOWN_TZ)


def _weekday(days: int) -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=days)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _email(name: str, tag: str) -> str:
    local = ".".join(part.lower() for part in name.replace("-", " ").split())
    return f"{local}+{tag}@example.org"


class Command(BaseCommand):
    help = "Create the demo sessions, registrations, evaluation answers and school request that are missing."

    def handle(self, *args, **options):
        data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
        with translation.override("nl"):
            passwords = {}
            users = {key: self.ensure_account(spec, key, passwords) for key, spec in data["accounts"].items()}
            trainer = users["trainer"]
            created = [self.ensure_upcoming(line, data, trainer) for line in data["upcoming"]]
            past = self.ensure_past(data, trainer)
            request = self.ensure_school_request(data["school_request"], trainer)
        sessions = Session.objects.filter(is_public=True, status=Session.Status.SCHEDULED, starts_at__gt=timezone.now())
        self.stdout.write(
            f"demo activity: {sum(1 for c in created if c)} upcoming sessions created, {sessions.count()} upcoming; "
            f"past session {'created' if past else 'present'}; school request {'created' if request else 'present'}"
        )
        for session in sessions.select_related("training")[:6]:
            path = reverse("workshops:register", args=[session.pk])
            self.stdout.write(f"  {session.starts_local:%Y-%m-%d %H:%M}  {path}")
        for key, spec in data["accounts"].items():
            self.stdout.write(self.style.SUCCESS(f"Demo {key}: user: {spec['username']}  {shown(passwords.get(key))}"))

    def ensure_account(self, spec, key, passwords):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=spec["username"],
            defaults={
                "email": spec["email"],
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
                "is_staff": True,
            },
        )
        if created:
            passwords[key] = give_demo_password(user)
        group = Group.objects.filter(name=spec["group"]).first()
        if group:
            user.groups.add(group)
        return user

    def _training(self, slug):
        return TrainingPage.objects.live().filter(slug_nl=slug).first()

    def ensure_upcoming(self, line, data, trainer) -> Session | None:
        training = self._training(line["training"])
        if training is None:
            return None
        now = timezone.now()
        present = Session.objects.filter(
            training=training,
            is_public=True,
            status=Session.Status.SCHEDULED,
            starts_at__gt=now,
            mode=line["mode"],
            capacity=line["capacity"],
        )
        if present.exists():
            return None
        day = _weekday(line["days"])
        session = Session.objects.create(
            training=training,
            starts_at=_at(day, line["start"]),
            ends_at=_at(day, line["end"]),
            mode=line["mode"],
            meeting_url=data["meeting_url"] if line["mode"] == Session.Mode.ONLINE else "",
            address=data["address"] if line["mode"] == Session.Mode.LOCATION else "",
            capacity=line["capacity"],
            language="nl",
        )
        session.trainers.add(trainer)
        tag = f"s{session.pk}"
        for name in data["people"][: line["people"]]:
            booking.register(session.pk, booking.RegistrationData(name=name, email=_email(name, tag), language="nl"))
        return session

    def ensure_past(self, data, trainer) -> Session | None:
        spec = data["past"]
        training = self._training(spec["training"])
        if training is None:
            return None
        answered = (
            Session.objects.filter(training=training, starts_at__lt=timezone.now())
            .annotate(answers=Count("evaluation_answers"))
            .filter(answers__gte=len(spec["answers"]))
        )
        if answered.exists():
            return None
        day = timezone.localdate() + datetime.timedelta(days=spec["days"])
        session = Session.objects.create(
            training=training,
            starts_at=_at(day, spec["start"]),
            ends_at=_at(day, spec["end"]),
            mode=Session.Mode.ONLINE,
            meeting_url=data["meeting_url"],
            capacity=12,
            language="nl",
        )
        session.trainers.add(trainer)
        people = data["people"][: spec["attended"] + spec["no_show"]]
        registrations = []
        for index, name in enumerate(people):
            status = Registration.Status.ATTENDED if index < spec["attended"] else Registration.Status.NO_SHOW
            registration = Registration.objects.create(
                session=session,
                name=name,
                email=_email(name, f"s{session.pk}"),
                language="nl",
                status=status,
                consent_at=session.starts_at - datetime.timedelta(days=14),
            )
            registrations.append(registration)
        # some answer through the personal link in their mail, the others through the session link in the room
        personal = spec.get("personal_link_answers", 0)
        for index, answer in enumerate(spec["answers"]):
            registration = registrations[index] if index < personal else None
            evaluation.submit_answer(
                session,
                self._answer_data(answer),
                via="personal" if registration else "room",
                language="nl",
                registration=registration,
            )
        self._group_result(session, spec["group_result"])
        return session

    @staticmethod
    def _answer_data(answer: dict) -> dict:
        data = {name: value for name, value in answer.items() if not name.startswith("factors_")}
        for column in ("professional", "environment", "victim"):
            data[f"factors_{column}"] = answer.get(f"factors_{column}", [])
            data[f"suggestions_{column}"] = []
        data.setdefault("top_three", [])
        data.setdefault("actions", [])
        return data

    @staticmethod
    def _group_result(session, spec):
        result = GroupResult.objects.create(session=session, notes=spec.get("notes", ""))
        for column, texts in spec["factors"].items():
            for order, text in enumerate(texts):
                GroupFactor.objects.create(result=result, column=column, text=text, sort_order=order)
        for order, text in enumerate(spec["top_three"]):
            GroupTopItem.objects.create(result=result, text=text, sort_order=order)
        for order, action in enumerate(spec["actions"]):
            due = timezone.localdate() + datetime.timedelta(days=action["days"])
            GroupAction.objects.create(
                result=result, text=action["text"], owner=action["owner"], due_date=due, sort_order=order
            )

    def ensure_school_request(self, spec, trainer) -> SchoolBookingRequest | None:
        if SchoolBookingRequest.objects.filter(status=SchoolBookingRequest.Status.PROPOSED).exists():
            return None
        lesson = LessonPage.objects.live().filter(slug_nl=spec["lesson"]).first()
        if lesson is None:
            return None
        fields = ("school_name", "contact_name", "email", "phone", "town", "school_type", "year_group", "groups")
        data = {name: spec[name] for name in (*fields, "pupils", "remarks")}
        for number, days in enumerate(spec["dates"], start=1):
            data[f"date_{number}"] = _weekday(days)
            data[f"part_of_day_{number}"] = "morning"
        request = schools.create_request(lesson.pk, data, language="nl")
        proposal = spec["proposal"]
        day = _weekday(proposal["days"])
        schools.propose(
            request.pk,
            schools.Proposal(
                starts_at=_at(day, proposal["start"]),
                ends_at=_at(day, proposal["end"]),
                trainer=trainer,
                address=f"{spec['school_name']}, {spec['town']}",
            ),
        )
        return request
