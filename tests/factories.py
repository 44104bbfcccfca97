"""Builders of test data shared by every app's tests: factory-boy factories for the booking models, and helpers
for the Wagtail pages they hang under (pages are added to the tree, which a plain factory cannot do). The
`training` and `session` fixtures in the root conftest.py use them."""

from datetime import timedelta

import factory
from django.utils import timezone

from workshops.models import Registration, SchoolBookingRequest, Session


def make_training(home_page, slug="training-sexting", title_nl="Training sexting", title_en="Sexting training"):
    """A published training page under `home_page`."""
    from home.models import TrainingPage

    page = TrainingPage(title=title_nl, title_nl=title_nl, title_en=title_en, slug=slug, slug_nl=slug, slug_en=slug)
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return TrainingPage.objects.get(pk=page.pk)


def make_lesson(home_page, slug="les-sexting"):
    """A published lesson page under `home_page`."""
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


class SessionFactory(factory.django.DjangoModelFactory):
    """An online session two weeks ahead (whole seconds), three hours long, ten seats; pass `training=`."""

    class Meta:
        model = Session

    class Params:
        days = 14

    starts_at = factory.LazyAttribute(lambda o: (timezone.now() + timedelta(days=o.days)).replace(microsecond=0))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    mode = Session.Mode.ONLINE
    meeting_url = "https://meet.example.org/qpido-123"
    capacity = 10


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration stored directly (no booking rules, no mail); pass `session=`."""

    class Meta:
        model = Registration

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    organisation = "School"
    role = "teacher"
    language = "nl"
    status = Registration.Status.CONFIRMED
    consent_at = factory.LazyFunction(timezone.now)


class SchoolBookingRequestFactory(factory.django.DjangoModelFactory):
    """A primary school's request for a lesson a month ahead; pass `lesson=`."""

    class Meta:
        model = SchoolBookingRequest

    school_name = "OBS De Linde"
    contact_name = "Karin Jansen"
    email = "k@delinde.nl"
    phone = "0201234567"
    town = "Utrecht"
    school_type = "primary"
    year_group = "7/8"
    groups = 2
    pupils = 48
    date_1 = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


def make_session(training, capacity=10, days=14, **kwargs):
    """A session of `training` (see SessionFactory); keyword arguments override any field."""
    return SessionFactory(training=training, capacity=capacity, days=days, **kwargs)


def make_school_request(lesson, **overrides):
    """A primary school's request for `lesson`, a month ahead (fields can be overridden)."""
    return SchoolBookingRequestFactory(lesson=lesson, **overrides)


def person(n, **kwargs):
    """What person `n` types into the registration form."""
    from workshops.services.booking import RegistrationData

    values = {"name": f"Person {n}", "email": f"person{n}@example.org", "organisation": "School", "role": "teacher"}
    values.update(kwargs)
    return RegistrationData(**values)
