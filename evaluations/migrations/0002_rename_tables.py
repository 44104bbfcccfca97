"""The moved evaluation tables take this app's names, and their content types (with the permissions the groups
hold on them) move from `workshops` to `evaluations`. Rows, ids and grants stay as they were."""

from django.db import migrations

MODELS = [
    "evaluationanswer",
    "evaluationaction",
    "evaluationfactor",
    "evaluationtopitem",
    "groupresult",
    "groupfactor",
    "groupaction",
    "grouptopitem",
]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        old = ContentType.objects.filter(app_label="workshops", model=model).first()
        if old is None:
            continue
        early = ContentType.objects.filter(app_label="evaluations", model=model).first()
        if early is not None:
            # created before this migration ran (a post-migrate step after `migrate evaluations 0001`): its
            # permissions and their grants join the old content type's, and the old one takes its place
            _merge_permissions(apps, early, old)
            early.delete()
        old.app_label = "evaluations"
        old.save(update_fields=["app_label"])


def _merge_permissions(apps, source, target):
    """Move every permission of `source` to `target`; where `target` has the same codename already, the groups
    and users holding the `source` one are given the `target` one."""
    Permission = apps.get_model("auth", "Permission")
    for permission in Permission.objects.filter(content_type=source):
        kept = Permission.objects.filter(content_type=target, codename=permission.codename).first()
        if kept is None:
            permission.content_type = target
            permission.save(update_fields=["content_type"])
            continue
        for group in permission.group_set.all():
            group.permissions.add(kept)
        for user in permission.user_set.all():
            user.user_permissions.add(kept)
        permission.delete()


def move_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="evaluations", model__in=MODELS).update(app_label="workshops")


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0001_initial"),
        ("workshops", "0009_evaluation_models_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        *[migrations.AlterModelTable(name=model, table=None) for model in MODELS],
        migrations.RunPython(move_content_types, move_back),
    ]
