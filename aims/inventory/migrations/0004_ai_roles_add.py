"""AI roles become a set (ISO/IEC 22989), the EU AI Act role a field of its own.

Step 1 of 3: add the new fields beside the old single ``ai_role``."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0003_review_interval_range"),
        ("organizations", "0002_scope_frozen_links"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="aisystem",
            name="aisystem_ai_role_valid",
        ),
        migrations.AddField(
            model_name="aisystem",
            name="ai_roles",
            field=models.JSONField(
                default=list,
                help_text="Every role the organisation plays for this system (ISO/IEC 22989).",
                verbose_name="our AI roles",
            ),
        ),
        migrations.AddField(
            model_name="aisystem",
            name="eu_ai_act_role",
            field=models.CharField(
                blank=True,
                choices=[
                    ("provider", "Provider"),
                    ("deployer", "Deployer"),
                    ("importer", "Importer"),
                    ("distributor", "Distributor"),
                    ("authorised_representative", "Authorised representative"),
                    ("product_manufacturer", "Product manufacturer"),
                ],
                help_text="Our operator role under the EU AI Act; leave empty if not determined.",
                max_length=30,
                verbose_name="our EU AI Act role",
            ),
        ),
        migrations.AddConstraint(
            model_name="aisystem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("eu_ai_act_role", ""),
                    (
                        "eu_ai_act_role__in",
                        [
                            "provider",
                            "deployer",
                            "importer",
                            "distributor",
                            "authorised_representative",
                            "product_manufacturer",
                        ],
                    ),
                    _connector="OR",
                ),
                name="aisystem_eu_ai_act_role_valid",
            ),
        ),
    ]
