"""Rush mode is gone: registrations are decided in the response. Any registration still stored as pending is
decided here, per session in arrival order (created_at, id): confirmed while seats remain, else waitlisted.

No mail is sent from a migration: the people decided here had been told "one moment"; their personal page now
shows their place."""

from django.db import migrations, models

HOLDS_SEAT = ("confirmed", "attended", "no_show")


def decide_pending(apps, schema_editor):
    Registration = apps.get_model("workshops", "Registration")
    Session = apps.get_model("workshops", "Session")
    session_ids = (
        Registration.objects.filter(status="pending").values_list("session_id", flat=True).distinct().order_by()
    )
    for session_id in list(session_ids):
        capacity = Session.objects.filter(pk=session_id).values_list("capacity", flat=True).first()
        taken = Registration.objects.filter(session_id=session_id, status__in=HOLDS_SEAT).count()
        pending = Registration.objects.filter(session_id=session_id, status="pending").order_by("created_at", "id")
        for registration in pending:
            if capacity is None or taken < capacity:
                registration.status = "confirmed"
                taken += 1
            else:
                registration.status = "waitlisted"
            registration.save(update_fields=["status"])


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0007_registration_indexes"),
    ]

    operations = [
        migrations.RunPython(decide_pending, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="registration", name="registration_pending"),
        migrations.AlterField(
            model_name="registration",
            name="status",
            field=models.CharField(
                choices=[
                    ("confirmed", "confirmed"),
                    ("waitlisted", "on the waiting list"),
                    ("cancelled", "cancelled"),
                    ("attended", "attended"),
                    ("no_show", "no-show"),
                ],
                max_length=12,
                verbose_name="status",
            ),
        ),
    ]
