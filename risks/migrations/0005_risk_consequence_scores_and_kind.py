"""The risk method: each consequence (organisation, individuals, society) scored on the
criteria's impact scale, with the criteria's rule for the inherent impact; a description of
the consequences for society beside the other two; and register entries that are
opportunities rather than risks. Existing risks keep their directly scored impact."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("risks", "0004_risk_monitored_is_accepted"),
    ]

    operations = [
        migrations.AddField(
            model_name="risk",
            name="consequences_society",
            field=models.TextField(
                blank=True,
                help_text="Effects on groups of people, communities and society at large.",
                verbose_name="consequences for society",
            ),
        ),
        migrations.AddField(
            model_name="risk",
            name="impact_individuals",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="impact on individuals"
            ),
        ),
        migrations.AddField(
            model_name="risk",
            name="impact_organization",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="impact on the organisation"
            ),
        ),
        migrations.AddField(
            model_name="risk",
            name="impact_society",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="impact on society"
            ),
        ),
        migrations.AddField(
            model_name="risk",
            name="kind",
            field=models.CharField(
                choices=[("risk", "Risk"), ("opportunity", "Opportunity")],
                default="risk",
                help_text="An opportunity is an effect that would help the organisation or the people its AI systems touch; it is recorded and treated here but not counted among the risks.",
                max_length=12,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="riskcriteria",
            name="impact_rule",
            field=models.CharField(
                choices=[
                    ("worst", "The worst of the three consequences"),
                    ("organization", "The consequences for the organisation only"),
                ],
                default="worst",
                help_text="How a risk's inherent impact follows from its consequences for the organisation, for individuals and for society, when they are scored.",
                max_length=12,
                verbose_name="impact rule",
            ),
        ),
        migrations.AlterField(
            model_name="risk",
            name="consequences_individuals",
            field=models.TextField(
                blank=True,
                help_text="Effects on the people the system touches.",
                verbose_name="consequences for individuals",
            ),
        ),
        migrations.AddIndex(
            model_name="risk",
            index=models.Index(fields=["organization", "kind"], name="risk_org_kind"),
        ),
        migrations.AddConstraint(
            model_name="risk",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["risk", "opportunity"])), name="risk_kind_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="risk",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("impact_organization__isnull", True),
                    models.Q(("impact_organization__gte", 1), ("impact_organization__lte", 7)),
                    _connector="OR",
                ),
                name="risk_impact_organization_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="risk",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("impact_individuals__isnull", True),
                    models.Q(("impact_individuals__gte", 1), ("impact_individuals__lte", 7)),
                    _connector="OR",
                ),
                name="risk_impact_individuals_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="risk",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("impact_society__isnull", True),
                    models.Q(("impact_society__gte", 1), ("impact_society__lte", 7)),
                    _connector="OR",
                ),
                name="risk_impact_society_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="riskcriteria",
            constraint=models.CheckConstraint(
                condition=models.Q(("impact_rule__in", ["worst", "organization"])),
                name="riskcriteria_impact_rule_valid",
            ),
        ),
    ]
