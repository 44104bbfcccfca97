"""Seed the default mail templates (Dutch and English) and rules. Running it on a filled database changes nothing
that an editor already made: existing templates and rules (by name / key) are left as they are.

Subjects are neutral on purpose: a shared inbox or a lock screen should not reveal the theme of the training.
"""

from django.db import migrations

TEMPLATES = {
    "confirmation": {
        "name": "Bevestiging aanmelding",
        "subject_nl": "Je aanmelding is bevestigd",
        "subject_en": "Your registration is confirmed",
        "body_nl": """Beste {first_name},

Je bent aangemeld voor {training} op {session_start}. In de bijlage vind je een agenda-uitnodiging.

Je aanmelding bekijken of annuleren kan via je persoonlijke link:
{manage_url}

Een week voor de bijeenkomst sturen we je de voorbereiding: een podcastaflevering en achtergrondinformatie.

Met vriendelijke groet,
{organisation}""",
        "body_en": """Dear {first_name},

You are registered for {training} on {session_start}. A calendar invitation is attached.

You can see or cancel your registration through your personal link:
{manage_url}

A week before the session we will send you the preparation: a podcast episode and background reading.

Kind regards,
{organisation}""",
    },
    "waitlisted": {
        "name": "Op de wachtlijst",
        "subject_nl": "Je staat op de wachtlijst",
        "subject_en": "You are on the waiting list",
        "body_nl": """Beste {first_name},

De bijeenkomst van {session_start} is vol. Je staat op de wachtlijst: komt er een plek vrij, dan krijg je die
automatisch en sturen we je meteen bericht.

Je aanmelding bekijken of annuleren kan via je persoonlijke link:
{manage_url}

Met vriendelijke groet,
{organisation}""",
        "body_en": """Dear {first_name},

The session on {session_start} is full. You are on the waiting list: when a place becomes free it is yours
automatically and we will let you know at once.

You can see or cancel your registration through your personal link:
{manage_url}

Kind regards,
{organisation}""",
    },
    "promoted": {
        "name": "Plek vrijgekomen",
        "subject_nl": "Er is een plek voor je vrijgekomen",
        "subject_en": "A place has become available for you",
        "body_nl": """Beste {first_name},

Goed nieuws: er is een plek vrijgekomen. Je bent nu aangemeld voor {training} op {session_start}. In de bijlage
vind je een agenda-uitnodiging.

Kun je toch niet? Geef je plek dan door via je persoonlijke link, zodat iemand anders kan komen:
{manage_url}

Met vriendelijke groet,
{organisation}""",
        "body_en": """Dear {first_name},

Good news: a place has become available. You are now registered for {training} on {session_start}. A calendar
invitation is attached.

Can you not make it after all? Please give up your place through your personal link so that someone else can come:
{manage_url}

Kind regards,
{organisation}""",
    },
    "cancelled": {
        "name": "Bijeenkomst gaat niet door",
        "subject_nl": "Wijziging in je bijeenkomst",
        "subject_en": "A change to your session",
        "body_nl": """Beste {first_name},

Helaas gaat de bijeenkomst van {session_start} niet door. Onze excuses daarvoor.

Op onze website vind je de andere data waarop je je kunt aanmelden.

Met vriendelijke groet,
{organisation}""",
        "body_en": """Dear {first_name},

Unfortunately the session on {session_start} will not take place. We apologise.

You will find the other dates you can register for on our website.

Kind regards,
{organisation}""",
    },
    "school_proposal": {
        "name": "Voorstel voor een school",
        "subject_nl": "Een voorstel voor jullie aanvraag",
        "subject_en": "A proposal for your request",
        "body_nl": """Beste {first_name},

Dank voor de aanvraag van {school_name}. We stellen {proposed_start} voor.

Via deze link kun je het voorstel accepteren of een andere datum vragen:
{respond_url}

Met vriendelijke groet,
{organisation}""",
        "body_en": """Dear {first_name},

Thank you for the request from {school_name}. We propose {proposed_start}.

Through this link you can accept the proposal or ask for another date:
{respond_url}

Kind regards,
{organisation}""",
    },
    "homework": {
        "name": "Voorbereiding (huiswerk)",
        "subject_nl": "Je voorbereiding voor {session_start}",
        "subject_en": "Your preparation for {session_start}",
        "body_nl": """Beste {first_name},

Op {session_start} begint {training}. We starten met de eerste indrukken van iedereen, dus we vragen je om je
vooraf voor te bereiden. Het kost ongeveer een uur.

1. Luister de podcastaflevering {podcast_title}:
{podcast_url}

2. Lees de achtergrondinformatie:
{background_url}

Het spiekbriefje met mogelijke succesfactoren kun je uitprinten en meenemen:
{cheat_sheet_url}

Je aanmelding bekijken of je voorbereiding afvinken kan via je persoonlijke link:
{manage_url}

Met vriendelijke groet,
{organisation}""",
        "body_en": """Dear {first_name},

{training} starts on {session_start}. We begin with everyone's first impressions, so please prepare beforehand.
It takes about an hour.

1. Listen to the podcast episode {podcast_title}:
{podcast_url}

2. Read the background information:
{background_url}

You can print the cheat sheet with possible success factors and bring it along:
{cheat_sheet_url}

You can see your registration or tick off your preparation through your personal link:
{manage_url}

Kind regards,
{organisation}""",
    },
    "homework_nudge": {
        "name": "Herinnering voorbereiding",
        "subject_nl": "Heb je even tijd voor je voorbereiding?",
        "subject_en": "Do you have a moment for your preparation?",
        "body_nl": """Beste {first_name},

Over twee dagen is het zover. Het gesprek wordt rijker als iedereen de podcast heeft beluisterd en de
achtergrondinformatie heeft gelezen.

Podcast:
{podcast_url}

Achtergrondinformatie:
{background_url}

Met vriendelijke groet,
{organisation}""",
        "body_en": """Dear {first_name},

The session is two days away. The conversation is richer when everyone has listened to the podcast and read the
background information.

Podcast:
{podcast_url}

Background information:
{background_url}

Kind regards,
{organisation}""",
    },
    "reminder": {
        "name": "Praktische herinnering",
        "subject_nl": "Praktische informatie voor {session_start}",
        "subject_en": "Practical information for {session_start}",
        "body_nl": """Beste {first_name},

De bijeenkomst begint op {session_start} en duurt tot {session_end}.

Zo doe je mee:
{where}

{online_rules}

Kun je toch niet? Geef je plek dan door via je persoonlijke link:
{manage_url}

Met vriendelijke groet,
{organisation}""",
        "body_en": """Dear {first_name},

The session starts on {session_start} and lasts until {session_end}.

How to take part:
{where}

{online_rules}

Can you not make it after all? Please give up your place through your personal link:
{manage_url}

Kind regards,
{organisation}""",
    },
    "evaluation": {
        "name": "Uitnodiging evaluatie",
        "subject_nl": "Hoe vond je de bijeenkomst?",
        "subject_en": "How was the session?",
        "body_nl": """Beste {first_name},

Dank je wel voor je deelname. Wil je ons in een paar minuten vertellen hoe je het vond? Je antwoorden worden
los van je naam bewaard.

{evaluation_url}

Met vriendelijke groet,
{organisation}""",
        "body_en": """Dear {first_name},

Thank you for taking part. Would you tell us in a few minutes what you thought? Your answers are stored apart
from your name.

{evaluation_url}

Kind regards,
{organisation}""",
    },
    "evaluation_reminder": {
        "name": "Herinnering evaluatie",
        "subject_nl": "Nog even over de bijeenkomst",
        "subject_en": "One more word about the session",
        "body_nl": """Beste {first_name},

We horen graag wat je van de bijeenkomst vond. Het kost een paar minuten en helpt ons de training beter te maken.

{evaluation_url}

Dit is de laatste herinnering.

Met vriendelijke groet,
{organisation}""",
        "body_en": """Dear {first_name},

We would like to hear what you thought of the session. It takes a few minutes and helps us improve the training.

{evaluation_url}

This is the last reminder.

Kind regards,
{organisation}""",
    },
}

# key, name, trigger, offset hours, audience, template, send late
RULES = [
    ("confirmation", "Bevestiging", "registration_confirmed", 0, "confirmed", "confirmation", False),
    ("waitlisted", "Wachtlijst", "registration_waitlisted", 0, "waitlisted", "waitlisted", False),
    ("promoted", "Van de wachtlijst", "promoted_from_waitlist", 0, "confirmed", "promoted", False),
    ("cancelled", "Bijeenkomst geannuleerd", "session_cancelled", 0, "all", "cancelled", False),
    ("school_proposal", "Voorstel aan school", "school_proposal_made", 0, "all", "school_proposal", False),
    ("homework", "Huiswerk, 7 dagen vooraf", "before_start", 7 * 24, "confirmed", "homework", True),
    ("homework_nudge", "Herinnering huiswerk, 2 dagen vooraf", "before_start", 2 * 24, "not_prepared",
     "homework_nudge", False),
    ("reminder", "Praktische herinnering, 1 dag vooraf", "before_start", 24, "confirmed", "reminder", True),
    ("evaluation", "Evaluatie, 2 uur na afloop", "after_end", 2, "not_evaluated", "evaluation", False),
    ("evaluation_reminder", "Herinnering evaluatie, 3 dagen later", "after_end", 2 + 3 * 24, "not_evaluated",
     "evaluation_reminder", False),
]


def seed(apps, schema_editor):
    seed_from(apps, TEMPLATES, RULES)


def seed_from(apps, templates_by_code, rules):
    """Create the templates (by name) and general rules (by key) that do not exist yet; later migrations that
    add default mail call this with their own lists."""
    MailTemplate = apps.get_model("events", "MailTemplate")
    MailRule = apps.get_model("events", "MailRule")
    templates = {}
    for code, fields in templates_by_code.items():
        values = dict(fields)
        name = values.pop("name")
        templates[code], _created = MailTemplate.objects.get_or_create(name=name, defaults=values)
    for key, name, trigger, hours, audience, template, send_late in rules:
        MailRule.objects.get_or_create(
            key=key,
            training_key="",
            defaults={
                "name": name,
                "trigger": trigger,
                "offset_hours": hours,
                "audience": audience,
                "template": templates[template],
                "send_late": send_late,
                "is_active": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("events", "0001_engine")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
