"""One scan row for the deadlines, enforced: the earlier partial unique index on a NULL
column let two racing scanners each create one."""

import django.db.models.functions.comparison
from django.db import migrations, models


def keep_one_deadline_row(apps, schema_editor):
    """Before the constraint: of duplicate rows of the deadlines keep the one scanned last
    (the scan only reads ``scanned_at`` as a record; deadlines are recomputed each hour)."""
    ReminderScan = apps.get_model("reminders", "ReminderScan")
    rows = list(
        ReminderScan.objects.filter(organization__isnull=True).order_by("-scanned_at", "-pk")
    )
    for extra in rows[1:]:
        extra.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0004_reminder_date_indexes"),
        ("reminders", "0002_lead_days_by_kind"),
    ]

    operations = [
        migrations.RunPython(keep_one_deadline_row, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="reminderscan",
            name="reminderscan_one_global",
        ),
        migrations.AddConstraint(
            model_name="reminderscan",
            constraint=models.UniqueConstraint(
                django.db.models.functions.comparison.Coalesce("organization", models.Value(0)),
                name="reminderscan_one_per_scope",
            ),
        ),
    ]
