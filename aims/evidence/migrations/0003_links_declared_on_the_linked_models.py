# The links to SoA rows, risks and clauses are now declared on those models (controls and
# risks sit above evidence). Only the migration state changes: the link tables stay as they
# are, and the higher apps' migrations take them over under the same names.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0002_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="evidenceitem", name="controls"),
                migrations.RemoveField(model_name="evidenceitem", name="risks"),
                migrations.RemoveField(model_name="evidenceitem", name="clauses"),
            ],
            database_operations=[],
        ),
    ]
