# Risk.evidence takes over the link table that EvidenceItem.risks created (state only).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("risks", "0002_treatment_action_open_due"),
        ("evidence", "0003_links_declared_on_the_linked_models"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="risk",
                    name="evidence",
                    field=models.ManyToManyField(
                        blank=True,
                        db_table="evidence_evidenceitem_risks",
                        related_name="risks",
                        to="evidence.evidenceitem",
                        verbose_name="evidence",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
