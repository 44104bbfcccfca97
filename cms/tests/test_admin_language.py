"""The admin speaks the editor's language: a Dutch editor sees Dutch labels, Ja/Nee instead of True/False, rule
names instead of rule keys, and a menu in which no two items carry the same name."""

import json
import re
from collections import Counter
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

pytestmark = pytest.mark.django_db

# What English (or Python) looks like when it leaks into the Dutch admin.
GIVEAWAYS = re.compile(
    r">\s*(True|False|None)\s*<"  # Python values printed as text
    r"|View / edit fields for"  # the translation locale picker
    r"|>\s*(Reports|Settings|Pages|Images|Documents|Snippets|Dashboard|Search)\s*<"  # Wagtail's own, untranslated
)
# Wagtail's side-panel toggle renders its (hidden, JavaScript-filled) counter as "None" before the script runs.
HIDDEN_COUNTER = re.compile(r"<div data-side-panel-toggle-counter[^>]*hidden>\s*None\s*</div>")
RULE_KEYS = ("evaluation_reminder", "homework_nudge", "waitlisted", "school_proposed")


@pytest.fixture
def dutch_admin(client, site, django_user_model):
    from wagtail.users.models import UserProfile

    user = django_user_model.objects.create_superuser("beheer", "beheer@example.org", "x")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "nl"
    profile.save()
    client.force_login(user)
    return client


@pytest.fixture
def data(home_page):
    from events.models import EventLog, MailRule, OutboxMail
    from home.models import LessonPage, TrainingPage
    from workshops.models import Registration, SchoolBookingRequest, Session

    training = TrainingPage(title_nl="Sexting voor professionals", slug_nl="sexting-prof")
    home_page.add_child(instance=training)
    training.save_revision().publish()
    lesson = LessonPage(title_nl="Liefde is", slug_nl="liefde-is")
    home_page.add_child(instance=lesson)
    lesson.save_revision().publish()
    start = timezone.now() + timedelta(days=5)
    session = Session.objects.create(
        training=training, starts_at=start, ends_at=start + timedelta(hours=2), capacity=5, is_public=True
    )
    registration = Registration.objects.create(
        session=session, name="Ans Smit", email="ans@example.org", status="confirmed", consent_at=timezone.now()
    )
    school = SchoolBookingRequest.objects.create(
        lesson=lesson,
        school_name="De Linde",
        contact_name="K. de Vries",
        email="k@delinde.nl",
        phone="030 1234567",
        town="Utrecht",
        school_type=SchoolBookingRequest.SchoolType.PRIMARY,
        year_group="groep 8",
        groups=1,
        pupils=25,
        date_1=date.today() + timedelta(days=40),
    )
    rule = MailRule.objects.get(key="confirmation", training_key="")
    mail = OutboxMail.objects.create(
        rule=rule,
        rule_key=rule.key,
        scope=f"session:{session.pk}",
        recipient_key=f"registration:{registration.pk}",
        to_email=registration.email,
        subject="Je aanmelding is bevestigd",
    )
    EventLog.record("registered", "registration", registration.pk)
    return {"session": session, "registration": registration, "school": school, "mail": mail, "rule": rule}


def admin_pages(data) -> list[str]:
    session, school, mail, rule = data["session"], data["school"], data["mail"], data["rule"]
    training = session.training
    pages = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[training.get_parent().pk]),
        reverse("wagtailadmin_pages:edit", args=[training.pk]),
        reverse("workshops_session:index"),
        reverse("workshops_session:inspect", args=[session.pk]),
        reverse("workshops_session:edit", args=[session.pk]),
        reverse("workshops_session:participants", args=[session.pk]),
        reverse("workshops_registration:index"),
        reverse("workshops_schoolrequest:index"),
        reverse("workshops_schoolrequest:inspect", args=[school.pk]),
        reverse("wagtailsnippets_events_outboxmail:list"),
        reverse("wagtailsnippets_events_outboxmail:inspect", args=[mail.pk]),
        reverse("wagtailsnippets_events_mailrule:list"),
        reverse("wagtailsnippets_events_mailrule:edit", args=[rule.pk]),
        reverse("wagtailsnippets_events_mailtemplate:list"),
        reverse("wagtailsnippets_events_eventlog:list"),
        reverse("wagtailsnippets_home_theme:list"),
        reverse("wagtailsnippets_home_helplink:list"),
        reverse("evaluation_reports:index"),
        reverse("evaluation_group_results:index"),
    ]
    return pages


def menu_labels(html: str) -> list[str]:
    """Every label of the main menu, submenus included (the sidebar is rendered from this JSON)."""
    props = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S)
    assert props, "the sidebar props are missing"
    labels = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("_type", "").endswith("MenuItem") and node.get("_args"):
                labels.append(node["_args"][0]["label"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(props.group(1)))
    return labels


def test_the_main_admin_screens_show_no_english_to_a_dutch_editor(dutch_admin, data):
    found = []
    for path in admin_pages(data):
        response = dutch_admin.get(path)
        assert response.status_code == 200, path
        html = HIDDEN_COUNTER.sub("", response.content.decode())
        assert '<html lang="nl"' in html, path
        body = re.sub(r"(?s)<script.*?</script>", "", html)
        for match in GIVEAWAYS.finditer(body):
            found.append(f"{path}: {match.group(0).strip()}")
        text = " ".join(strip_tags(body).split())
        found += [f"{path}: rule key {key}" for key in RULE_KEYS if re.search(rf"\b{key}\b", text)]
    assert not found, "English in the Dutch admin:\n" + "\n".join(found)


def test_booleans_read_ja_nee_and_rules_by_name(dutch_admin, data):
    listing = dutch_admin.get(reverse("workshops_session:index")).content.decode()
    assert re.search(r"<td[^>]*>\s*Ja\s*</td>", listing), "is_public should read Ja"
    rules = dutch_admin.get(reverse("wagtailsnippets_events_mailrule:list")).content.decode()
    assert re.search(r"<td[^>]*>\s*Ja\s*</td>", rules) and "True" not in strip_tags(rules)
    outbox = dutch_admin.get(reverse("wagtailsnippets_events_outboxmail:list")).content.decode()
    assert data["rule"].name in outbox
    inspect = dutch_admin.get(reverse("workshops_schoolrequest:inspect", args=[data["school"].pk])).content.decode()
    assert "None" not in strip_tags(re.sub(r"(?s)<script.*?</script>", "", HIDDEN_COUNTER.sub("", inspect)))
    editor = dutch_admin.get(reverse("wagtailadmin_pages:edit", args=[data["session"].training.pk])).content.decode()
    assert "viewEditString: 'Velden tonen en bewerken voor'" in editor


def test_no_two_menu_items_share_a_name(dutch_admin, data):
    labels = menu_labels(dutch_admin.get(reverse("wagtailadmin_home")).content.decode())
    assert "Evaluatierapportages" in labels and "Rapporten" in labels, ", ".join(labels)  # Wagtail's reports
    assert "Handleiding voor redacteuren" in labels
    twice = sorted(label for label, count in Counter(labels).items() if count > 1)
    assert twice == [], f"menu labels used twice: {twice}"


def test_an_english_editor_gets_english(client, site, django_user_model, data):
    from wagtail.users.models import UserProfile

    user = django_user_model.objects.create_superuser("admin-en", "en@example.org", "x")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    listing = client.get(reverse("workshops_session:index")).content.decode()
    assert re.search(r"<td[^>]*>\s*Yes\s*</td>", listing)
    labels = menu_labels(client.get(reverse("wagtailadmin_home")).content.decode())
    assert "Evaluation reports" in labels and "Reports" in labels
    assert len(labels) == len(set(labels))
