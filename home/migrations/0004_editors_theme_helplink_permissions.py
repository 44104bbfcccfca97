"""Give Wagtail's Editors group the right to manage the Theme and HelpLink snippets."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ("theme", "helplink")
ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("home")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is None:
        return
    permissions = Permission.objects.filter(
        content_type__app_label="home",
        codename__in=[f"{action}_{model}" for model in MODELS for action in ACTIONS],
    )
    editors.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is not None:
        editors.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="home",
                codename__in=[f"{action}_{model}" for model in MODELS for action in ACTIONS],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_content_pages_snippets_settings"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
