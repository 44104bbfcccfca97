"""Two notices the booking rules send since rush mode went: a participant who cancels their own place gets a
confirmation of it, and a person moved back to the waiting list (the capacity was lowered) is told so.
Subjects stay neutral; editors change both texts like any other template."""

import importlib

from django.db import migrations, models

TEMPLATES = {
    "registration_cancelled": {
        "name": "Aanmelding geannuleerd",
        "subject_nl": "Je afmelding is verwerkt",
        "subject_en": "Your cancellation has been received",
        "body_nl": """Beste {first_name},

Je hebt je afgemeld voor de bijeenkomst van {session_start}. Dank je wel dat je het liet weten: je plek gaat
naar iemand op de wachtlijst.

Toch graag komen? Via je persoonlijke link kun je je opnieuw aanmelden zolang er plek is:
{manage_url}

Met vriendelijke groet,
{organisation}""",
        "body_en": """Dear {first_name},

You have cancelled your place in the session on {session_start}. Thank you for letting us know: your place goes
to someone on the waiting list.

Would you like to come after all? Through your personal link you can register again while there is room:
{manage_url}

Kind regards,
{organisation}""",
    },
    "moved_to_waitlist": {
        "name": "Terug op de wachtlijst",
        "subject_nl": "Wijziging in je aanmelding",
        "subject_en": "A change to your registration",
        "body_nl": """Beste {first_name},

Voor de bijeenkomst van {session_start} zijn er minder plekken dan we hadden gepland. Daardoor sta je nu
bovenaan de wachtlijst. Komt er een plek vrij, dan krijg je die automatisch en sturen we je meteen bericht.
Onze excuses voor de verandering.

Je aanmelding bekijken of annuleren kan via je persoonlijke link:
{manage_url}

Met vriendelijke groet,
{organisation}""",
        "body_en": """Dear {first_name},

The session on {session_start} has fewer places than we had planned. Because of this you are now at the top of
the waiting list. When a place becomes free it is yours automatically and we will let you know at once. We
apologise for the change.

You can see or cancel your registration through your personal link:
{manage_url}

Kind regards,
{organisation}""",
    },
}
# key, name, trigger, offset hours, audience, template, send late (as in 0002)
RULES = [
    ("registration_cancelled", "Afmelding deelnemer", "registration_cancelled", 0, "all", "registration_cancelled",
     False),
    ("moved_to_waitlist", "Terug op de wachtlijst", "moved_to_waitlist", 0, "all", "moved_to_waitlist", False),
]  # fmt: skip


def seed(apps, schema_editor):
    """Idempotent: templates and rules an editor already has (by name / key) are left as they are."""
    importlib.import_module("events.migrations.0002_default_templates_and_rules").seed_from(apps, TEMPLATES, RULES)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_school_request_mail"),
    ]

    operations = [
        migrations.AlterField(
            model_name='mailrule',
            name='trigger',
            field=models.CharField(choices=[('registration_confirmed', 'registration confirmed'), ('registration_waitlisted', 'placed on the waiting list'), ('promoted_from_waitlist', 'promoted from the waiting list'), ('session_cancelled', 'session cancelled'), ('registration_cancelled', 'registration cancelled by the participant'), ('moved_to_waitlist', 'moved back to the waiting list (capacity lowered)'), ('school_request_received', 'school request received (to the school)'), ('school_request_new', 'school request received (to the coordinators)'), ('school_proposal_made', 'school proposal made'), ('before_start', 'N hours before the start'), ('after_end', 'N hours after the end')], max_length=40, verbose_name='trigger'),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
