# ControlImplementation.evidence and Requirement.evidence take over the link tables that
# EvidenceItem.controls and EvidenceItem.clauses created (state only).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("controls", "0002_clausestatus_controlimplementation_soaversion"),
        ("evidence", "0003_links_declared_on_the_linked_models"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="controlimplementation",
                    name="evidence",
                    field=models.ManyToManyField(
                        blank=True,
                        db_table="evidence_evidenceitem_controls",
                        related_name="controls",
                        to="evidence.evidenceitem",
                        verbose_name="evidence",
                    ),
                ),
                migrations.AddField(
                    model_name="requirement",
                    name="evidence",
                    field=models.ManyToManyField(
                        blank=True,
                        db_table="evidence_evidenceitem_clauses",
                        related_name="clauses",
                        to="evidence.evidenceitem",
                        verbose_name="evidence",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
