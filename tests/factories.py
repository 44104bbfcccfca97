"""Builders of test data shared by every app's tests (the `training` and `session` fixtures in conftest.py use them)."""

from datetime import timedelta

from django.utils import timezone


def make_training(home_page, slug="training-sexting", title_nl="Training sexting", title_en="Sexting training"):
    from home.models import TrainingPage

    page = TrainingPage(title=title_nl, title_nl=title_nl, title_en=title_en, slug=slug, slug_nl=slug, slug_en=slug)
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return TrainingPage.objects.get(pk=page.pk)


def make_lesson(home_page, slug="les-sexting"):
    from home.models import LessonPage

    page = LessonPage(
        title="Sexting & Grooming",
        title_nl="Sexting & Grooming",
        title_en="Sexting & Grooming",
        slug=slug,
        slug_nl=slug,
    )
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return LessonPage.objects.get(pk=page.pk)


def make_session(training, capacity=10, days=14, **kwargs):
    from workshops.models import Session

    start = (timezone.now() + timedelta(days=days)).replace(microsecond=0)
    values = {
        "training": training,
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "mode": Session.Mode.ONLINE,
        "meeting_url": "https://meet.example.org/qpido-123",
        "capacity": capacity,
    }
    values.update(kwargs)
    return Session.objects.create(**values)


def person(n, **kwargs):
    from workshops.services.booking import RegistrationData

    values = {"name": f"Person {n}", "email": f"person{n}@example.org", "organisation": "School", "role": "teacher"}
    values.update(kwargs)
    return RegistrationData(**values)


def make_school_request(lesson, **overrides):
    """A primary school's request for `lesson`, a month ahead (fields can be overridden)."""
    from workshops.models import SchoolBookingRequest

    values = {
        "lesson": lesson,
        "school_name": "OBS De Linde",
        "contact_name": "Karin Jansen",
        "email": "k@delinde.nl",
        "phone": "0201234567",
        "town": "Utrecht",
        "school_type": "primary",
        "year_group": "7/8",
        "groups": 2,
        "pupils": 48,
        "date_1": timezone.localdate() + timedelta(days=30),
    }
    values.update(overrides)
    return SchoolBookingRequest.objects.create(**values)
