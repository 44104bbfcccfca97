"""Coordinators and trainers may read the evaluation reports and record group results."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMS = {
    "Coordinators": [
        ("evaluationanswer", "view_evaluationanswer"),
        ("groupresult", "add_groupresult"),
        ("groupresult", "change_groupresult"),
        ("groupresult", "delete_groupresult"),
        ("groupresult", "view_groupresult"),
    ],
    "Trainers": [
        ("evaluationanswer", "view_evaluationanswer"),
        ("groupresult", "add_groupresult"),
        ("groupresult", "change_groupresult"),
        ("groupresult", "view_groupresult"),
    ],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("workshops")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in PERMS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for model, codename in perms:
            permission = Permission.objects.filter(
                content_type__app_label="workshops", content_type__model=model, codename=codename
            ).first()
            if permission:
                group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    codenames = {codename for perms in PERMS.values() for _model, codename in perms}
    for group in Group.objects.filter(name__in=PERMS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="workshops", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0004_evaluation_answers_and_group_results"),
        ("workshops", "0003_trainer_coordinator_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
