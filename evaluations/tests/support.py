"""Helpers shared by the evaluation tests (no tests here)."""

from datetime import timedelta

from django.utils import timezone

from home.models import TrainingPage
from workshops.models import Registration, Session


def make_training(home_page, slug="teamtool", title_nl="Teamtool Shame Sexting", title_en="Team tool Shame Sexting"):
    page = TrainingPage(title_nl=title_nl, title_en=title_en, slug_nl=slug, slug_en=f"{slug}-en")
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_session(training, *, ended_hours_ago=2, duration_hours=2):
    end = timezone.now() - timedelta(hours=ended_hours_ago)
    return Session.objects.create(
        training=training,
        starts_at=end - timedelta(hours=duration_hours),
        ends_at=end,
        mode=Session.Mode.LOCATION,
        address="Utrecht",
    )


def register(session, name, status=Registration.Status.ATTENDED, email=None):
    return Registration.objects.create(
        session=session,
        name=name,
        email=email or f"{name.lower().replace(' ', '.')}@example.org",
        status=status,
        consent_at=timezone.now(),
    )


def full_post(**overrides):
    """A complete, valid form submission in the shape the browser sends it."""
    data = {
        "suggestions_professional": ["believe_victim", "safe_sexting"],
        "factors_professional": ["Luisteren zonder oordeel", "", ""],
        "suggestions_environment": ["open_climate"],
        "factors_environment": ["Steun van de directie", ""],
        "suggestions_victim": ["know_where_to_go"],
        "factors_victim": ["Niet de schuld krijgen"],
        "top_1": "Geloven en steunen van het slachtoffer",
        "top_2": "Luisteren zonder oordeel",
        "top_3": "",
        "new_insights": "Schaamte is het grootste obstakel.",
        "learned": "We reageren te vaak met verbieden.",
        "needs": "Een protocol en tijd in de teamvergadering.",
        "actions_text": ["Protocol sexting opstellen", "Les over consent plannen", ""],
        "actions_owner": ["Team zorg", "", ""],
        "actions_due": ["2027-02-01", "", ""],
        "rating_session": "4",
        "rating_material": "5",
        "did_homework": "yes",
        "comment": "Fijne sessie.",
        "respondent_name": "",
        "save": "1",
    }
    data.update(overrides)
    return data
