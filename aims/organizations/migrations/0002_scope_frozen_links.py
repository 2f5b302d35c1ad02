"""Approved scope versions keep the identity of the AI systems they name.

Versions approved before this field existed get the systems still linked today (the best
that can be recovered: a system deleted earlier has already left the link table)."""

from django.db import migrations, models


def freeze_existing(apps, schema_editor):
    ScopeStatement = apps.get_model("organizations", "ScopeStatement")
    for version in ScopeStatement.objects.filter(status__in=["approved", "superseded"]):
        systems = version.ai_systems.order_by("pk")
        version.frozen_links = {
            "ai_systems": [
                {"id": s.pk, "reference": "", "title": s.name, "version": s.version}
                for s in systems
            ]
        }
        version.save(update_fields=["frozen_links"])


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0001_initial"),
        ("inventory", "0003_review_interval_range"),
    ]

    operations = [
        migrations.AddField(
            model_name="scopestatement",
            name="frozen_links",
            field=models.JSONField(default=dict, editable=False, verbose_name="links at approval"),
        ),
        migrations.RunPython(freeze_existing, migrations.RunPython.noop),
    ]
