"""A session that is moved (start, end, place, meeting link or language) is announced to everyone on it, with
what changed and an updated calendar file; the confirmation says when the preparation comes (at once for a late
registration) instead of always "a week before".

Timed rules remember when they were made: a rule an editor adds later does not mail sessions of the past. The
seeded rules keep no date (they catch up within the horizon like before).

Subjects stay neutral. Texts an editor has changed are left as they are.
"""

import importlib

import django.utils.timezone
from django.db import migrations, models

TEMPLATES = {
    "session_changed": {
        "name": "Bijeenkomst gewijzigd",
        "subject_nl": "Je bijeenkomst is gewijzigd",
        "subject_en": "Your session has changed",
        "body_nl": """Beste {first_name},

Er is iets veranderd aan de bijeenkomst {training} waarvoor je je hebt aangemeld. Dit is er anders:

{changes}

Je aanmelding blijft gewoon staan. {calendar_note}

Past het je nu niet meer? Geef je plek dan door via je persoonlijke link, zodat iemand anders kan komen:
{manage_url}

Met vriendelijke groet,
{organisation}""",
        "body_en": """Dear {first_name},

Something has changed in the session {training} you registered for. This is what is different:

{changes}

Your registration stays as it is. {calendar_note}

If it no longer suits you, please give up your place through your personal link so that someone else can come:
{manage_url}

Kind regards,
{organisation}""",
    },
}
# key, name, trigger, offset hours, audience, template, send late (as in 0002)
RULES = [
    ("session_changed", "Bijeenkomst gewijzigd", "session_changed", 0, "all", "session_changed", False),
]

# The confirmation promised the preparation "a week before", also to someone who registers two days before (who
# gets it at once). The sentence becomes the {preparation} placeholder, which says what really happens.
CONFIRMATION = "Bevestiging aanmelding"
PREPARATION_SENTENCES = {
    "body_nl": "Een week voor de bijeenkomst sturen we je de voorbereiding: een podcastaflevering en "
    "achtergrondinformatie.",
    "body_en": "A week before the session we will send you the preparation: a podcast episode and background "
    "reading.",
}


def seed(apps, schema_editor):
    """Idempotent: templates and rules an editor already has (by name / key) are left as they are."""
    importlib.import_module("events.migrations.0002_default_templates_and_rules").seed_from(apps, TEMPLATES, RULES)
    MailTemplate = apps.get_model("events", "MailTemplate")
    template = MailTemplate.objects.filter(name=CONFIRMATION).first()
    if template is None:
        return
    changed = []
    for field, sentence in PREPARATION_SENTENCES.items():
        body = getattr(template, field) or ""
        if sentence in body and "{preparation}" not in body:
            setattr(template, field, body.replace(sentence, "{preparation}"))
            changed.append(field)
    if changed:
        template.save(update_fields=changed)


def unseed(apps, schema_editor):
    MailTemplate = apps.get_model("events", "MailTemplate")
    template = MailTemplate.objects.filter(name=CONFIRMATION).first()
    if template is None:
        return
    for field, sentence in PREPARATION_SENTENCES.items():
        setattr(template, field, (getattr(template, field) or "").replace("{preparation}", sentence))
    template.save(update_fields=list(PREPARATION_SENTENCES))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_registration_cancelled_and_demoted_mail"),
    ]

    operations = [
        # existing rules keep no date (they were made with the site); rules made from now on get theirs
        migrations.AddField(
            model_name="mailrule",
            name="created_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="mailrule",
            name="created_at",
            field=models.DateTimeField(
                blank=True,
                default=django.utils.timezone.now,
                editable=False,
                help_text="A timed rule mails moments from here on: a new rule does not mail sessions of the past.",
                null=True,
                verbose_name="created at",
            ),
        ),
        migrations.AlterField(
            model_name='mailrule',
            name='trigger',
            field=models.CharField(choices=[('registration_confirmed', 'registration confirmed'), ('registration_waitlisted', 'placed on the waiting list'), ('promoted_from_waitlist', 'promoted from the waiting list'), ('session_cancelled', 'session cancelled'), ('registration_cancelled', 'registration cancelled by the participant'), ('moved_to_waitlist', 'moved back to the waiting list (capacity lowered)'), ('session_changed', 'session changed (time, place, link or language)'), ('school_request_received', 'school request received (to the school)'), ('school_request_new', 'school request received (to the coordinators)'), ('school_proposal_made', 'school proposal made'), ('before_start', 'N hours before the start'), ('after_end', 'N hours after the end')], max_length=40, verbose_name='trigger'),  # noqa: E501
        ),
        migrations.RunPython(seed, unseed),
    ]
