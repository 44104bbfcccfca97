"""The mail that tells a school "we have your request" goes to whatever address was typed into the public form, so
it carries no text the visitor typed: no name, no school, no town (the acknowledgement's context no longer has
them, see workshops.services.schools.acknowledgement_recipient). This replaces the seeded wording, which greeted by
name and named the school, when an editor has not changed it; an edited text is left alone."""

from django.db import migrations

SEEDED = {
    "body_nl": """Beste {first_name},

Dank voor de aanvraag van {school_name} voor de les {lesson}. We bekijken jullie voorkeursdata en sturen
binnen een week een voorstel met een datum en een trainer. Op dat voorstel kun je dan met een persoonlijke
link antwoorden.

Met vriendelijke groet,
{organisation}""",
    "body_en": """Dear {first_name},

Thank you for the request from {school_name} for the lesson {lesson}. We will look at your preferred dates and
send you a proposal with a date and a trainer within a week. You can answer that proposal through a personal
link.

Kind regards,
{organisation}""",
}
NEW = {
    "body_nl": """Hallo,

Dank voor jullie aanvraag voor de les {lesson}. We bekijken jullie voorkeursdata en sturen binnen een week een voorstel met een datum en een trainer. Op dat voorstel kun je dan met een persoonlijke link antwoorden.

Heb je deze les niet aangevraagd? Dan kun je deze mail negeren.

Met vriendelijke groet,
{organisation}""",
    "body_en": """Hello,

Thank you for your request for the lesson {lesson}. We will look at your preferred dates and send you a proposal with a date and a trainer within a week. You can answer that proposal through a personal link.

Did you not ask for this lesson? Then you can ignore this mail.

Kind regards,
{organisation}""",
}


def forward(apps, schema_editor):
    _swap(apps, SEEDED, NEW)


def backward(apps, schema_editor):
    _swap(apps, NEW, SEEDED)


def _swap(apps, old, new):
    MailTemplate = apps.get_model("events", "MailTemplate")
    for template in MailTemplate.objects.filter(name="Schoolaanvraag ontvangen"):
        changed = [field for field in old if getattr(template, field).strip() == old[field].strip()]
        for field in changed:
            setattr(template, field, new[field])
        if changed:
            template.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0005_trainingpage_calendar_shows_title"),
        ("events", "0004_school_request_mail"),
    ]

    operations = [migrations.RunPython(forward, backward)]
