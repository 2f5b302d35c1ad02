# AI objectives, KPI measurements and the communication plan (6.2, 9.1, 7.4).

import aims.core.models
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('controls', '0005_clause_status_declaration'),
        ('organizations', '0002_scope_frozen_links'),
        ('policies', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AIObjective',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('title', models.CharField(max_length=250, verbose_name='title')),
                ('description', models.TextField(blank=True, help_text='What the objective is for and why it matters.', verbose_name='description')),
                ('guides', models.CharField(choices=[('development', 'Responsible development of AI systems'), ('use', 'Responsible use of AI systems'), ('both', 'Both development and use')], default='both', help_text='Whether the objective steers how AI systems are developed, used, or both.', max_length=12, verbose_name='guides')),
                ('metric', models.CharField(help_text='What is measured, and how: the KPI that shows progress.', max_length=250, verbose_name='metric')),
                ('unit', models.CharField(help_text="The unit of the KPI's values, e.g. %, days, cases.", max_length=30, verbose_name='unit')),
                ('direction', models.CharField(choices=[('at_least', 'At least the target'), ('at_most', 'At most the target'), ('range', 'Within a range')], default='at_least', max_length=10, verbose_name='target direction')),
                ('target_value', models.DecimalField(decimal_places=4, help_text='For a range, its lower bound.', max_digits=18, verbose_name='target')),
                ('target_upper', models.DecimalField(blank=True, decimal_places=4, help_text='Only for a range.', max_digits=18, null=True, verbose_name='upper bound of the range')),
                ('at_risk_margin', models.DecimalField(decimal_places=4, default=Decimal('0'), help_text="How far a value may miss the target, in the KPI's unit, and count as at risk rather than off track. 0: any miss is off track.", max_digits=18, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='at-risk margin')),
                ('due_date', models.DateField(blank=True, help_text='When the target is to be met.', null=True, verbose_name='due')),
                ('frequency', models.CharField(choices=[('monthly', 'Monthly'), ('quarterly', 'Quarterly'), ('half_yearly', 'Every six months'), ('yearly', 'Yearly')], default='monthly', help_text='How often the KPI is measured; a figure is expected for every period.', max_length=12, verbose_name='measured')),
                ('plan_actions', models.TextField(blank=True, help_text='The actions that will move the KPI.', verbose_name='what will be done')),
                ('plan_resources', models.TextField(blank=True, help_text='People, budget, tools and data the plan needs.', verbose_name='resources')),
                ('plan_responsible', models.TextField(blank=True, help_text='Who carries out each part of the plan.', verbose_name='who does it')),
                ('plan_timeline', models.TextField(blank=True, help_text='Milestones and the date each part is to be done.', verbose_name='when')),
                ('plan_evaluation', models.TextField(blank=True, help_text='Who reviews the measurements, when, and what they decide from them.', verbose_name='how results are evaluated')),
                ('status', models.CharField(choices=[('planned', 'Planned'), ('active', 'Active'), ('achieved', 'Achieved'), ('not_achieved', 'Not achieved'), ('cancelled', 'Cancelled')], default='active', max_length=14, verbose_name='status')),
                ('review_interval_months', models.PositiveSmallIntegerField(default=12, help_text='How often the objective itself is reviewed: still the right target?', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(60)], verbose_name='review every (months)')),
                ('next_review_date', models.DateField(blank=True, null=True, verbose_name='next review')),
                ('annex_c_objectives', models.ManyToManyField(blank=True, help_text='The organisational objectives of Annex C this objective pursues.', limit_choices_to={'kind': 'annex_c_objective'}, related_name='ai_objectives', to='controls.requirement', verbose_name='Annex C objectives')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization', verbose_name='organisation')),
                ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='ai_objectives', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
            ],
            options={
                'verbose_name': 'AI objective',
                'verbose_name_plural': 'AI objectives',
                'ordering': ('title', 'pk'),
            },
            bases=(aims.core.models.LoadedStateMixin, models.Model),
        ),
        migrations.CreateModel(
            name='CommunicationItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('subject', models.CharField(help_text='What is communicated about the AIMS.', max_length=250, verbose_name='what')),
                ('details', models.TextField(blank=True, verbose_name='details')),
                ('kind', models.CharField(choices=[('internal', 'Internal'), ('external', 'External')], default='internal', max_length=10, verbose_name='internal or external')),
                ('audience', models.CharField(help_text='Who receives it, or who is consulted.', max_length=250, verbose_name='with whom')),
                ('channel', models.CharField(choices=[('email', 'E-mail or newsletter'), ('intranet', 'Intranet page'), ('meeting', 'Meeting or briefing'), ('training', 'Training session'), ('report', 'Report'), ('website', 'Public website'), ('letter', 'Letter or notice'), ('other', 'Other')], default='email', max_length=10, verbose_name='how')),
                ('frequency', models.CharField(choices=[('once', 'Once, on the date due'), ('monthly', 'Monthly'), ('quarterly', 'Quarterly'), ('half_yearly', 'Every six months'), ('yearly', 'Yearly'), ('on_event', 'When an event calls for it')], default='quarterly', max_length=12, verbose_name='when')),
                ('last_done', models.DateField(blank=True, null=True, verbose_name='last done')),
                ('next_due', models.DateField(blank=True, help_text='Left empty for a recurring item, it follows from the last time it was done.', null=True, verbose_name='next due')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization', verbose_name='organisation')),
                ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='communication_items', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
            ],
            options={
                'verbose_name': 'communication item',
                'verbose_name_plural': 'communication plan',
                'ordering': (models.OrderBy(models.F('next_due'), nulls_last=True), 'subject', 'pk'),
            },
            bases=(aims.core.models.LoadedStateMixin, models.Model),
        ),
        migrations.CreateModel(
            name='KPIMeasurement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('measured_on', models.DateField(help_text='The day measured, or the last day of the period the value sums up.', verbose_name='covers')),
                ('value', models.DecimalField(decimal_places=4, max_digits=18, verbose_name='value')),
                ('note', models.TextField(blank=True, help_text='How it was measured, anything unusual.', verbose_name='note')),
                ('source', models.CharField(choices=[('manual', 'Entered by hand'), ('api', 'Pushed through the API')], default='manual', editable=False, max_length=10, verbose_name='source')),
                ('entered_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by')),
                ('objective', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='measurements', to='policies.aiobjective', verbose_name='objective')),
            ],
            options={
                'verbose_name': 'KPI measurement',
                'ordering': ('-measured_on', '-pk'),
            },
            bases=(aims.core.models.LoadedStateMixin, models.Model),
        ),
        migrations.AddConstraint(
            model_name='aiobjective',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['planned', 'active', 'achieved', 'not_achieved', 'cancelled'])), name='objective_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='aiobjective',
            constraint=models.CheckConstraint(condition=models.Q(('direction__in', ['at_least', 'at_most', 'range'])), name='objective_direction_valid'),
        ),
        migrations.AddConstraint(
            model_name='aiobjective',
            constraint=models.CheckConstraint(condition=models.Q(('guides__in', ['development', 'use', 'both'])), name='objective_guides_valid'),
        ),
        migrations.AddConstraint(
            model_name='aiobjective',
            constraint=models.CheckConstraint(condition=models.Q(('frequency__in', ['monthly', 'quarterly', 'half_yearly', 'yearly'])), name='objective_frequency_valid'),
        ),
        migrations.AddConstraint(
            model_name='aiobjective',
            constraint=models.CheckConstraint(condition=models.Q(('at_risk_margin__gte', 0)), name='objective_margin_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='aiobjective',
            constraint=models.CheckConstraint(condition=models.Q(('review_interval_months__gte', 1), ('review_interval_months__lte', 60)), name='objective_review_interval_in_range'),
        ),
        migrations.AddConstraint(
            model_name='aiobjective',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(models.Q(('direction', 'range'), _negated=True), ('target_upper__isnull', True)), models.Q(('direction', 'range'), ('target_upper__isnull', False), ('target_upper__gte', models.F('target_value'))), _connector='OR'), name='objective_range_has_upper_bound'),
        ),
        migrations.AddConstraint(
            model_name='communicationitem',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['internal', 'external'])), name='communication_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='communicationitem',
            constraint=models.CheckConstraint(condition=models.Q(('channel__in', ['email', 'intranet', 'meeting', 'training', 'report', 'website', 'letter', 'other'])), name='communication_channel_valid'),
        ),
        migrations.AddConstraint(
            model_name='communicationitem',
            constraint=models.CheckConstraint(condition=models.Q(('frequency__in', ['once', 'monthly', 'quarterly', 'half_yearly', 'yearly', 'on_event'])), name='communication_frequency_valid'),
        ),
        migrations.AddConstraint(
            model_name='kpimeasurement',
            constraint=models.UniqueConstraint(fields=('objective', 'measured_on'), name='kpi_measurement_one_per_day', violation_error_message='This objective already has a value for that day.'),
        ),
        migrations.AddConstraint(
            model_name='kpimeasurement',
            constraint=models.CheckConstraint(condition=models.Q(('source__in', ['manual', 'api'])), name='kpi_measurement_source_valid'),
        ),
    ]
