"""A risk is "accepted and monitored" only with a recorded acceptance.

Rows that claim the status without an acceptance go back to "assessed" first (the status
could be picked freely before), so the constraint can be added."""

from django.db import migrations, models


def unclaim_unrecorded_acceptances(apps, schema_editor):
    Risk = apps.get_model("risks", "Risk")
    Risk.objects.filter(status="monitored", accepted_by__isnull=True).update(status="assessed")


class Migration(migrations.Migration):
    dependencies = [
        ("risks", "0003_risk_evidence"),
    ]

    operations = [
        migrations.RunPython(unclaim_unrecorded_acceptances, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="risk",
            constraint=models.CheckConstraint(
                condition=~models.Q(status="monitored") | models.Q(accepted_by__isnull=False),
                name="risk_monitored_is_accepted",
            ),
        ),
    ]
