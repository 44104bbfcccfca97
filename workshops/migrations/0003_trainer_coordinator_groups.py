"""The Trainers and Coordinators groups with the permissions their admin screens need."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COORDINATOR_PERMS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("workshops", "session", "add_session"),
    ("workshops", "session", "change_session"),
    ("workshops", "session", "delete_session"),
    ("workshops", "session", "view_session"),
    ("workshops", "registration", "add_registration"),
    ("workshops", "registration", "change_registration"),
    ("workshops", "registration", "delete_registration"),
    ("workshops", "registration", "view_registration"),
    ("workshops", "schoolbookingrequest", "change_schoolbookingrequest"),
    ("workshops", "schoolbookingrequest", "view_schoolbookingrequest"),
]
TRAINER_PERMS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("workshops", "session", "view_session"),
    ("workshops", "registration", "view_registration"),
]


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in (("Coordinators", COORDINATOR_PERMS), ("Trainers", TRAINER_PERMS)):
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, codename in perms:
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission:
                group.permissions.add(permission)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Coordinators", "Trainers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0002_school_booking_request"),
        ("wagtailadmin", "0006_formstate"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
