"""The evaluation models now belong to the `evaluations` app (its 0001 took them into its state, 0002 renames
their tables). Here they leave this app's migration state only: no table is dropped."""

from django.db import migrations

STATE = [
    migrations.DeleteModel(name=name)
    for name in (
        "EvaluationAction",
        "EvaluationFactor",
        "EvaluationTopItem",
        "GroupFactor",
        "GroupAction",
        "GroupTopItem",
        "EvaluationAnswer",
        "GroupResult",
    )
]


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0008_registration_no_pending"),
        ("evaluations", "0001_initial"),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=STATE)]
