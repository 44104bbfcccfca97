"""Follow-up on the actions a team agreed on its board: a set number of weeks after the session (per training,
default 12) the action owners, or the session's contact, get a mail listing the actions with a link to mark each
done, in progress, not started or dropped; one reminder when nobody answered. The evaluations app registers the
provider that finds them (due and not yet mailed). Subjects stay neutral."""

import importlib

from django.db import migrations, models

TEMPLATES = {
    "actions_follow_up": {
        "name": "Opvolging afgesproken acties",
        "subject_nl": "Hoe staat het met jullie acties?",
        "subject_en": "How are your actions going?",
        "body_nl": """Beste {first_name},

Na de bijeenkomst {training} van {session_start} spraken jullie deze acties af:

{actions}

Hoe staat het ermee? Geef per actie aan of hij klaar is, loopt, nog niet begonnen is of niet doorgaat:
{follow_up_url}

Met vriendelijke groet,
{organisation}""",
        "body_en": """Dear {first_name},

After the session {training} of {session_start} you agreed on these actions:

{actions}

How are they going? Tell us per action whether it is done, in progress, not started or dropped:
{follow_up_url}

Kind regards,
{organisation}""",
    },
    "actions_follow_up_reminder": {
        "name": "Herinnering opvolging acties",
        "subject_nl": "Herinnering: hoe staat het met jullie acties?",
        "subject_en": "Reminder: how are your actions going?",
        "body_nl": """Beste {first_name},

Een paar dagen geleden vroegen we hoe het staat met de acties van {training}:

{actions}

Het kost een minuut: {follow_up_url}

Met vriendelijke groet,
{organisation}""",
        "body_en": """Dear {first_name},

A few days ago we asked how the actions of {training} are going:

{actions}

It takes a minute: {follow_up_url}

Kind regards,
{organisation}""",
    },
}
# key, name, trigger, offset hours, audience, template, send late (as in 0002). The follow-up's moment comes from
# the training (weeks after the session); the reminder's hours count from the follow-up mail.
RULES = [
    ("actions_follow_up", "Opvolging afgesproken acties", "actions_follow_up", 0, "all", "actions_follow_up", False),
    ("actions_follow_up_reminder", "Herinnering opvolging acties", "actions_follow_up_reminder", 96, "all",
     "actions_follow_up_reminder", False),
]  # fmt: skip


def seed(apps, schema_editor):
    """Idempotent: templates and rules an editor already has (by name / key) are left as they are."""
    importlib.import_module("events.migrations.0002_default_templates_and_rules").seed_from(apps, TEMPLATES, RULES)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0006_session_changed_mail"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mailrule",
            name="trigger",
            field=models.CharField(
                choices=[
                    ("registration_confirmed", "registration confirmed"),
                    ("registration_waitlisted", "placed on the waiting list"),
                    ("promoted_from_waitlist", "promoted from the waiting list"),
                    ("session_cancelled", "session cancelled"),
                    ("registration_cancelled", "registration cancelled by the participant"),
                    ("moved_to_waitlist", "moved back to the waiting list (capacity lowered)"),
                    ("session_changed", "session changed (time, place, link or language)"),
                    ("school_request_received", "school request received (to the school)"),
                    ("school_request_new", "school request received (to the coordinators)"),
                    ("school_proposal_made", "school proposal made"),
                    ("before_start", "N hours before the start"),
                    ("after_end", "N hours after the end"),
                    ("actions_follow_up", "follow-up of the agreed actions (weeks after the session, per training)"),
                    ("actions_follow_up_reminder", "reminder of the follow-up (N hours after it, when nobody answered)"),
                ],
                max_length=40,
                verbose_name="trigger",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
