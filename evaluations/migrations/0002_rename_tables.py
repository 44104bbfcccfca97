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
        if ContentType.objects.filter(app_label="evaluations", model=model).exists():
            old.delete()  # the new one already exists (created by an earlier run): keep it
        else:
            old.app_label = "evaluations"
            old.save(update_fields=["app_label"])


def move_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="evaluations", model__in=MODELS).update(app_label="workshops")


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0001_initial"),
        ("workshops", "0009_evaluation_models_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        *[migrations.AlterModelTable(name=model, table=None) for model in MODELS],
        migrations.RunPython(move_content_types, move_back),
    ]
