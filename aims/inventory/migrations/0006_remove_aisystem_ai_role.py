"""Step 3 of 3: drop the old single ``ai_role``."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("inventory", "0005_ai_roles_from_ai_role")]

    operations = [
        # A default first, so that unapplying can add the column back to existing rows
        # (0005 backwards then fills it from the set).
        migrations.AlterField(
            model_name="aisystem",
            name="ai_role",
            field=models.CharField(default="deployer", max_length=12),
        ),
        migrations.RemoveField(model_name="aisystem", name="ai_role"),
    ]
