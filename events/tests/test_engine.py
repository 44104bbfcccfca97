"""Event engine without a worker: templates, rules, the tick's timing, privacy and the homework link."""

import logging
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from events.api import Trigger, fire
from events.models import EventLog, MailRule, MailTemplate, OutboxMail
from events.render import render, sample_context
from events.services import outbox, schedule
from tests.smtp_sink import seed_defaults
from workshops.mail import recipient_for
from workshops.models import Registration, Session
from workshops.tokens import make_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def defaults(db):
    seed_defaults()  # the seeded rules, also after a transactional test elsewhere flushed the database


def make_session(start, **extra):
    return Session.objects.create(
        starts_at=start, ends_at=start + timedelta(hours=2), meeting_url="https://meet.example.org/xyz", **extra
    )


def register(session, name, language="nl", status=Registration.Status.CONFIRMED, created_at=None):
    reg = Registration.objects.create(
        session=session,
        name=name,
        email=f"{name.split()[0].lower()}@example.org",
        language=language,
        status=status,
        consent_at=timezone.now(),
    )
    if created_at:
        Registration.objects.filter(pk=reg.pk).update(created_at=created_at)
        reg.refresh_from_db()
    return reg


def rule_keys(reg):
    return sorted(OutboxMail.objects.filter(recipient_key=f"registration:{reg.pk}").values_list("rule_key", flat=True))


# --- templates ---------------------------------------------------------------------------------------------
def test_unknown_placeholder_is_refused_when_the_editor_saves():
    template = MailTemplate(
        name="x", subject_nl="Hallo {voornaam}", body_nl="Beste {first_name}, {first_name.__class__}"
    )
    with pytest.raises(ValidationError) as info:
        template.full_clean()
    errors = info.value.message_dict
    assert "{voornaam}" in errors["subject_nl"][0]
    assert "body_nl" in errors  # attribute access is not a placeholder either


def test_unclosed_brace_is_refused_with_a_clear_message_in_both_languages():
    template = MailTemplate(name="x", subject_nl="Hallo {first_name", body_nl="ok")
    for language, word in (("en", "brace"), ("nl", "accolade")):
        with translation.override(language), pytest.raises(ValidationError) as info:
            template.full_clean()
        with translation.override(language):
            assert word in info.value.message_dict["subject_nl"][0]


def test_admin_refuses_unknown_placeholder_in_dutch_and_english(admin_client):
    url = reverse("wagtailsnippets_events_mailtemplate:add")
    data = {"name": "Nieuw", "subject_nl": "Hoi {naam}", "body_nl": "Tekst", "subject_en": "", "body_en": ""}
    response = admin_client.post(url, data, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    assert not MailTemplate.objects.filter(name="Nieuw").exists()
    assert "{naam}" in response.content.decode()


def test_seeded_templates_and_rules_all_validate():
    """What the migrations seed must also pass the admin's checks (placeholders, trigger choices), so an editor
    can open and save every one of them."""
    for template in MailTemplate.objects.all():
        template.full_clean()
    for rule in MailRule.objects.all():
        rule.full_clean()
    # 0002: 10, 0004: 2 (school requests), 0005: 2 (own cancellation, back on the waiting list), 0006: the session
    # change, 0007: 2 (follow-up of the actions)
    assert MailRule.objects.filter(training_key="").count() == 17
    assert MailRule.objects.get(key="session_changed", training_key="").trigger == "session_changed"


@pytest.mark.parametrize(
    ("language", "subject", "greeting"),
    [("nl", "Je voorbereiding voor", "Beste Sam,"), ("en", "Your preparation for", "Dear Sam,")],
)
def test_preview_in_both_languages(language, subject, greeting):
    template = MailRule.objects.get(key="homework").template
    response = template.make_preview_request(preview_mode=language)
    html = response.content.decode()
    assert response.status_code == 200
    assert subject in html and greeting in html
    mail = render(template, language, sample_context(language))
    assert mail.text.startswith(greeting)
    assert "https://example.org/h/podcast" in mail.html and 'style="' in mail.html


def test_subjects_and_sender_are_neutral_even_for_a_sexting_training():
    context = {**sample_context("nl"), "training": "Sexting & Grooming", "podcast_title": "Shame Sexting"}
    for template in MailTemplate.objects.all():
        for language in ("nl", "en"):
            subject = render(template, language, context).subject.lower()
            for word in ("sexting", "grooming", "seks", "sex"):
                assert word not in subject, (template.name, language, subject)
    sender = outbox.sender().lower()
    assert "sexting" not in sender and "grooming" not in sender


# --- timing of the tick --------------------------------------------------------------------------------------
def test_tick_sends_each_timed_mail_once_at_its_moment(django_capture_on_commit_callbacks):
    start = timezone.now().replace(microsecond=0) + timedelta(days=20)
    session = make_session(start)
    anna = register(session, "Anna de Vries", created_at=start - timedelta(days=15))
    prepared = register(session, "Piet Jansen", created_at=start - timedelta(days=15))
    schedule.tick(now=start - timedelta(days=8))
    assert rule_keys(anna) == []
    schedule.tick(now=start - timedelta(days=7) + timedelta(minutes=1))
    schedule.tick(now=start - timedelta(days=7) + timedelta(minutes=2))  # a second tick changes nothing
    assert rule_keys(anna) == ["homework"]
    Registration.objects.filter(pk=prepared.pk).update(homework_opened_at=timezone.now())
    schedule.tick(now=start - timedelta(days=2) + timedelta(minutes=1))
    assert rule_keys(anna) == ["homework", "homework_nudge"]
    assert rule_keys(prepared) == ["homework"]  # opened the homework: no nudge
    schedule.tick(now=start - timedelta(days=1) + timedelta(minutes=1))
    schedule.tick(now=start + timedelta(hours=4, minutes=1))
    Registration.objects.filter(pk=prepared.pk).update(evaluation_responded_at=timezone.now())
    schedule.tick(now=start + timedelta(days=3, hours=4, minutes=1))
    assert rule_keys(anna) == ["evaluation", "evaluation_reminder", "homework", "homework_nudge", "reminder"]
    assert rule_keys(prepared) == ["evaluation", "homework", "reminder"]


def test_late_registrant_gets_homework_at_once_but_no_reminder_after_the_start():
    start = timezone.now().replace(microsecond=0) + timedelta(days=20)
    session = make_session(start)
    schedule.tick(now=start - timedelta(days=8))
    schedule.tick(now=start - timedelta(days=3))
    late = register(session, "Late Lotte", created_at=start - timedelta(days=3) + timedelta(minutes=1))
    schedule.tick(now=start - timedelta(days=3) + timedelta(minutes=2))
    assert rule_keys(late) == ["homework"]
    schedule.tick(now=start - timedelta(days=1) + timedelta(minutes=1))
    schedule.tick(now=start + timedelta(minutes=5))
    after_start = register(session, "Ad Laat", created_at=start + timedelta(minutes=10))
    schedule.tick(now=start + timedelta(minutes=11))
    schedule.tick(now=start + timedelta(minutes=12))
    assert "reminder" not in rule_keys(after_start) and "homework" not in rule_keys(after_start)
    assert "reminder" in rule_keys(late)


def test_per_training_override_replaces_the_general_rule():
    start = timezone.now() + timedelta(days=20)
    session = make_session(start)
    reg = register(session, "Anna de Vries")
    general = MailRule.objects.get(key="confirmation")
    other = MailTemplate.objects.create(name="Andere bevestiging", subject_nl="Tot snel", body_nl="Hoi {first_name}")
    MailRule.objects.create(
        key="confirmation", name="override", trigger=general.trigger, template=other, training_key="999"
    )
    fire(Trigger.REGISTRATION_CONFIRMED, [recipient_for(reg)], scope="session:1", training_key="training:999")
    fire(Trigger.REGISTRATION_CONFIRMED, [recipient_for(reg)], scope="session:2", training_key="5")
    rows = {row.scope: row.rule for row in OutboxMail.objects.all()}
    assert rows["session:1"].training_key == "999" and rows["session:2"] == general


# --- privacy -------------------------------------------------------------------------------------------------
def test_no_personal_data_in_event_log_or_log_lines(caplog, mailoutbox, client):
    caplog.set_level(logging.DEBUG)
    start = timezone.now() + timedelta(days=10)
    session = make_session(start)
    reg = register(session, "Geheime Naam", language="en")
    fire(Trigger.REGISTRATION_CONFIRMED, [recipient_for(reg)], scope=f"session:{session.pk}")
    outbox.send_batch(list(OutboxMail.objects.values_list("pk", flat=True)))
    client.post(reverse("workshops:homework", args=[make_token(reg, "homework"), "podcast"]))
    assert len(mailoutbox) == 1
    entries = list(EventLog.objects.values_list("action", "object_type", "object_id", "payload"))
    assert {e[0] for e in entries} >= {"mail_queued", "mail_sent", "homework_opened"}
    dump = repr(entries) + caplog.text
    for secret in ("geheime", "Geheime", "geheime@example.org", str(reg.public_id)):
        assert secret not in dump
    with pytest.raises(ValueError):
        EventLog.record("oops", "registration", reg.pk, email="geheime@example.org")
    entry = EventLog.objects.first()
    with pytest.raises(ValueError):
        entry.save()


# --- homework links ------------------------------------------------------------------------------------------
def test_homework_link_records_the_first_open_once_and_redirects(client):
    """The mail's link shows a page (a scanner's GET records nothing); its button records the first open."""
    session = make_session(timezone.now() + timedelta(days=3))
    reg = register(session, "Anna de Vries")
    url = reverse("workshops:homework", args=[make_token(reg, "homework"), "podcast"])
    page = client.get(url)
    assert page.status_code == 200 and "<form" in page.content.decode()
    assert Registration.objects.get(pk=reg.pk).homework_opened_at is None
    first = client.post(url)
    assert first.status_code == 302
    opened = Registration.objects.get(pk=reg.pk).homework_opened_at
    assert opened is not None
    client.post(url)
    assert Registration.objects.get(pk=reg.pk).homework_opened_at == opened
    assert EventLog.objects.filter(action="homework_opened").count() == 1
    assert Registration.objects.get(pk=reg.pk).homework_done_at is None
    done = client.post(url, {"action": "done"})
    assert done.status_code == 302 and "notice=homework" in done["Location"]
    assert Registration.objects.get(pk=reg.pk).homework_done_at is not None


@pytest.mark.parametrize("token", ["forged", "eyJhbGciOi.abc.def", "x" * 300])
def test_forged_homework_link_gives_a_friendly_404(client, token):
    response = client.get(reverse("workshops:homework", args=[token, "podcast"]))
    assert response.status_code == 404
    assert "link" in response.content.decode().lower()


# --- admin ---------------------------------------------------------------------------------------------------
def test_admin_outbox_filters_shows_failed_and_resends(admin_client, django_capture_on_commit_callbacks):
    session = make_session(timezone.now() + timedelta(days=10))
    reg = register(session, "Anna de Vries")
    fire(Trigger.REGISTRATION_CONFIRMED, [recipient_for(reg)], scope=f"session:{session.pk}")
    row = OutboxMail.objects.get()
    OutboxMail.objects.filter(pk=row.pk).update(status="failed", last_error="SMTPRecipientsRefused 550")
    listing = admin_client.get(reverse("wagtailsnippets_events_outboxmail:list") + "?status=failed")
    assert listing.status_code == 200 and "550" in listing.content.decode()
    empty = admin_client.get(reverse("wagtailsnippets_events_outboxmail:list") + "?status=sent")
    assert "550" not in empty.content.decode()
    dashboard = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-testid="delivery-figures"' in dashboard
    assert "could not be delivered" in dashboard or "niet worden afgeleverd" in dashboard
    url = reverse("wagtail_bulk_action", args=["events", "outboxmail", "resend"]) + f"?id={row.pk}"
    with django_capture_on_commit_callbacks(execute=False):
        response = admin_client.post(url)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "queued" and row.attempts == 0


def test_dashboard_says_when_mail_waits_or_the_tick_stopped_in_both_languages(admin_client, admin_user):
    """The coordinator sees from the dashboard that the worker or the beat is down, and that nothing is lost."""
    from wagtail.users.models import UserProfile

    session = make_session(timezone.now() + timedelta(days=10))
    fire(Trigger.REGISTRATION_CONFIRMED, [recipient_for(register(session, "Anna de Vries"))], scope="session:1")
    schedule.tick()  # a tick now: timed mail was just looked for
    healthy = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-testid="mail-waiting"' not in healthy and 'data-testid="mail-tick"' not in healthy

    # the worker stopped 25 minutes ago: the confirmation still waits; the beat stopped 40 minutes ago
    OutboxMail.objects.update(due_at=timezone.now() - timedelta(minutes=25))
    MailRule.objects.update(checked_until=timezone.now() - timedelta(minutes=40))
    dutch = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "De oudste mail wacht al 25 minuten" in dutch and "er gaat niets verloren" in dutch
    assert "in de afgelopen 40 minuten" in dutch
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    english = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "The oldest mail has been waiting to be sent for 25 minutes" in english
    assert "timed mail (homework, reminders, evaluation invitations) in the last 40 minutes" in english

    # a long queue that is moving (mail sent a minute ago) is not a stopped worker
    EventLog.record("mail_sent", "outbox", 0)
    assert outbox.delivery_health()["waiting_minutes"] is None
    EventLog.objects.filter(action="mail_sent").update(at=timezone.now() - timedelta(minutes=6))
    assert outbox.delivery_health()["waiting_minutes"] == 25
    # mail waiting for a retry later is not a sign of trouble
    OutboxMail.objects.update(due_at=timezone.now() + timedelta(minutes=30))
    assert outbox.delivery_health()["waiting_minutes"] is None
    # a beat that never ran at all: counted from when the timed rules were made
    MailRule.objects.update(checked_until=None, created_at=timezone.now() - timedelta(minutes=30))
    assert outbox.delivery_health()["tick_minutes"] == 30


def test_admin_send_now_and_scope_page(admin_client, django_capture_on_commit_callbacks):
    session = make_session(timezone.now() + timedelta(days=3))
    anna = register(session, "Anna de Vries")
    register(session, "Piet Jansen")
    Registration.objects.filter(pk=anna.pk).update(homework_done_at=timezone.now())
    rule = MailRule.objects.get(key="reminder")
    with django_capture_on_commit_callbacks(execute=False):
        response = admin_client.post(reverse("events_send_now"), {"rule": rule.pk, "scope": session.pk})
    assert response.status_code == 302
    assert OutboxMail.objects.filter(rule_key="reminder").count() == 2
    progress = admin_client.get(response["Location"])
    assert "0 of 2" in progress.content.decode() or "0 van 2" in progress.content.decode()
    page = admin_client.get(reverse("events_scope", args=[f"session:{session.pk}"])).content.decode()
    assert "Anna de Vries" in page and "Piet Jansen" in page
    for typed in ("session; drop", f"session:{session.pk}", "999999"):
        bad = admin_client.post(reverse("events_send_now"), {"rule": rule.pk, "scope": typed})
        assert bad.status_code == 200  # a form error, never a server error


def test_promoted_after_the_homework_moment_gets_the_homework_at_once(django_capture_on_commit_callbacks):
    start = timezone.now() + timedelta(days=3)
    session = make_session(start)
    waiting = register(session, "Wachtende Wim", status=Registration.Status.WAITLISTED)
    with django_capture_on_commit_callbacks(execute=False):
        fire(Trigger.WAITLISTED, [recipient_for(waiting)], scope=f"session:{session.pk}")
        assert rule_keys(waiting) == ["waitlisted"]  # no homework while on the waiting list
        Registration.objects.filter(pk=waiting.pk).update(status="confirmed", promoted_at=timezone.now())
        waiting.refresh_from_db()
        fire(Trigger.PROMOTED, [recipient_for(waiting)], scope=f"session:{session.pk}")
    assert rule_keys(waiting) == ["homework", "promoted", "waitlisted"]  # no reminder: its moment is still ahead


def test_cancelling_a_session_cancels_its_planned_mail_and_sends_the_notice():
    session = make_session(timezone.now() + timedelta(days=10))
    reg = register(session, "Anna de Vries")
    fire(Trigger.REGISTRATION_CONFIRMED, [recipient_for(reg)], scope=f"session:{session.pk}")
    schedule.send_now(MailRule.objects.get(key="reminder"), f"session:{session.pk}")
    fire(Trigger.SESSION_CANCELLED, [recipient_for(reg)], scope=f"session:{session.pk}")
    status = dict(OutboxMail.objects.values_list("rule_key", "status"))
    assert status == {"confirmation": "cancelled", "reminder": "cancelled", "cancelled": "queued"}


def test_rule_training_key_accepts_the_workshops_form_and_refuses_text():
    rule = MailRule.objects.get(key="homework")
    rule.pk, rule.training_key = None, "training:12"
    rule.full_clean()
    assert rule.training_key == "12"
    rule.training_key = "sexting"
    with pytest.raises(ValidationError):
        rule.full_clean()


def test_trainer_sees_who_is_prepared_only_for_their_own_session(client):
    from django.contrib.auth.models import Permission, User

    session = make_session(timezone.now() + timedelta(days=10))
    other = make_session(timezone.now() + timedelta(days=11))
    register(session, "Anna de Vries")
    register(other, "Geheim Persoon")
    trainer = User.objects.create_user("trainer", password="x")
    trainer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    session.trainers.add(trainer)
    client.force_login(trainer)
    own = client.get(reverse("events_scope", args=[f"session:{session.pk}"]))
    assert own.status_code == 200 and "Anna de Vries" in own.content.decode()
    refused = client.get(reverse("events_scope", args=[f"session:{other.pk}"]))
    assert refused.status_code in (302, 403)  # Wagtail turns "permission denied" into a redirect with a message
    assert "Geheim Persoon" not in refused.content.decode()
    assert client.get(reverse("events_send_now")).status_code in (302, 403)


def test_outbox_search_finds_mail_to_one_person(admin_client):
    session = make_session(timezone.now() + timedelta(days=10))
    anna, piet = register(session, "Anna de Vries"), register(session, "Piet Jansen")
    fire(Trigger.REGISTRATION_CONFIRMED, [recipient_for(anna), recipient_for(piet)], scope=f"session:{session.pk}")
    page = admin_client.get(reverse("wagtailsnippets_events_outboxmail:list") + "?q=piet@").content.decode()
    assert "piet@example.org" in page and "anna@example.org" not in page
