"""Coordinators run the mail: they read the outbox and the event log, resend or cancel mail, send a rule now, and
edit rules and templates. The group is found (or made) by name, so the engine depends on no other app."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    ("outboxmail", ["view", "change"]),
    ("eventlog", ["view"]),
    ("mailrule", ["view", "add", "change"]),
    ("mailtemplate", ["view", "add", "change"]),
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("events")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Coordinators")
    for model, actions in PERMISSIONS:
        for action in actions:
            permission = Permission.objects.filter(
                content_type__app_label="events", codename=f"{action}_{model}"
            ).first()
            if permission:
                group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Coordinators").first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="events"))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_default_templates_and_rules"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
