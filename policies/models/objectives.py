"""AI objectives with their KPI measurements (6.2, A.6.1.2, A.9.3; evidence for 9.1) and the
communication plan (7.4)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.models import OrganizationScopedModel, TrackedModel
from aims.core.permissions import AccessPolicy, EngagementScope
from policies.kpis import (
    FREQUENCY_MONTHS,
    Direction,
    Frequency,
    KPIStatus,
    add_months,
    measurement_due_from,
)
from policies.kpis import kpi_status as compute_kpi_status

# A KPI value: up to 14 digits before the decimal point and 4 after.
VALUE_DIGITS, VALUE_PLACES = 18, 4


def _value_field(label, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, **kwargs
    )


class ObjectiveStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    CANCELLED = "cancelled", _("Cancelled")


# Objectives the organisation pursues: each needs a target, an owner and a plan; the active
# ones are measured in every period.
PURSUED = (ObjectiveStatus.PLANNED, ObjectiveStatus.ACTIVE)


# The parts of an objective's plan (6.2): what, with what, who, when, how evaluated.
PLAN_FIELDS = (
    "plan_actions",
    "plan_resources",
    "plan_responsible",
    "plan_timeline",
    "plan_evaluation",
)


class ObjectiveGuides(models.TextChoices):
    """What an objective guides: developing AI systems (A.6.1.2), using them (A.9.3), or both."""

    DEVELOPMENT = "development", _("Responsible development of AI systems")
    USE = "use", _("Responsible use of AI systems")
    BOTH = "both", _("Both development and use")


class AIObjectiveQuerySet(models.QuerySet):
    def with_latest(self) -> models.QuerySet:
        """Annotate the latest measurement (value and the day it covers) and the count, so a
        list computes every row's KPI status without a query per row."""
        latest = KPIMeasurement.objects.filter(objective=OuterRef("pk")).order_by(
            "-measured_on", "-pk"
        )
        count = (
            KPIMeasurement.objects.filter(objective=OuterRef("pk"))
            .order_by()
            .values("objective")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_on=Subquery(latest.values("measured_on")[:1]),
            measurement_count=models.functions.Coalesce(
                Subquery(count, output_field=models.IntegerField()), 0
            ),
        )

    def with_kpi_status(self, today: datetime.date | None = None) -> models.QuerySet:
        """Annotate ``kpi_status_db``, the KPI status (``policies.kpis``) worked out in SQL,
        so lists filter on it; ``tests/policies`` checks it agrees with ``kpi_status``."""
        today = today or timezone.localdate()
        qs = self if "latest_on" in self.query.annotations else self.with_latest()
        value_field = models.DecimalField(max_digits=VALUE_DIGITS + 1, decimal_places=VALUE_PLACES)
        due_from = Case(
            *(
                When(frequency=frequency, then=Value(measurement_due_from(today, frequency)))
                for frequency in Frequency.values
            ),
            output_field=models.DateField(),
        )
        shortfall = Case(
            When(direction=Direction.AT_LEAST, then=F("target_value") - F("latest_value")),
            When(direction=Direction.AT_MOST, then=F("latest_value") - F("target_value")),
            default=Greatest(
                F("target_value") - F("latest_value"), F("latest_value") - F("target_upper")
            ),
            output_field=value_field,
        )
        return qs.annotate(kpi_due_from=due_from, kpi_shortfall=shortfall).annotate(
            kpi_status_db=Case(
                When(latest_on__isnull=True, then=Value(KPIStatus.NOT_MEASURED)),
                When(latest_on__lt=F("kpi_due_from"), then=Value(KPIStatus.OVERDUE)),
                When(kpi_shortfall__lte=0, then=Value(KPIStatus.ON_TRACK)),
                When(kpi_shortfall__lte=F("at_risk_margin"), then=Value(KPIStatus.AT_RISK)),
                default=Value(KPIStatus.OFF_TRACK),
                output_field=models.CharField(),
            )
        )


class AIObjective(OrganizationScopedModel):
    """A measurable AI objective: what the organisation wants to reach, how it is measured,
    the target, who answers for it and the plan to get there."""

    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the objective is for and why it matters.")
    )
    annex_c_objectives = models.ManyToManyField(
        "controls.Requirement",
        blank=True,
        related_name="ai_objectives",
        limit_choices_to={"kind": "annex_c_objective"},
        verbose_name=_("Annex C objectives"),
        help_text=_("The organisational objectives of Annex C this objective pursues."),
    )
    guides = models.CharField(
        _("guides"),
        max_length=12,
        choices=ObjectiveGuides.choices,
        default=ObjectiveGuides.BOTH,
        help_text=_("Whether the objective steers how AI systems are developed, used, or both."),
    )
    metric = models.CharField(
        _("metric"),
        max_length=250,
        help_text=_("What is measured, and how: the KPI that shows progress."),
    )
    unit = models.CharField(
        _("unit"), max_length=30, help_text=_("The unit of the KPI's values, e.g. %, days, cases.")
    )
    direction = models.CharField(
        _("target direction"),
        max_length=10,
        choices=Direction.choices,
        default=Direction.AT_LEAST,
    )
    target_value = _value_field(_("target"), help_text=_("For a range, its lower bound."))
    target_upper = _value_field(
        _("upper bound of the range"), null=True, blank=True, help_text=_("Only for a range.")
    )
    at_risk_margin = _value_field(
        _("at-risk margin"),
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_(
            "How far a value may miss the target, in the KPI's unit, and count as at risk "
            "rather than off track. 0: any miss is off track."
        ),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ai_objectives",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(
        _("due"),
        null=True,
        blank=True,
        help_text=_("When the target is to be met."),
        db_index=True,
    )
    frequency = models.CharField(
        _("measured"),
        max_length=12,
        choices=Frequency.choices,
        default=Frequency.MONTHLY,
        help_text=_("How often the KPI is measured; a figure is expected for every period."),
    )
    plan_actions = models.TextField(
        _("what will be done"), blank=True, help_text=_("The actions that will move the KPI.")
    )
    plan_resources = models.TextField(
        _("resources"), blank=True, help_text=_("People, budget, tools and data the plan needs.")
    )
    plan_responsible = models.TextField(
        _("who does it"), blank=True, help_text=_("Who carries out each part of the plan.")
    )
    plan_timeline = models.TextField(
        _("when"), blank=True, help_text=_("Milestones and the date each part is to be done.")
    )
    plan_evaluation = models.TextField(
        _("how results are evaluated"),
        blank=True,
        help_text=_("Who reviews the measurements, when, and what they decide from them."),
    )
    status = models.CharField(
        _("status"), max_length=14, choices=ObjectiveStatus.choices, default=ObjectiveStatus.ACTIVE
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("review every (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("How often the objective itself is reviewed: still the right target?"),
    )
    next_review_date = models.DateField(_("next review"), null=True, blank=True, db_index=True)

    objects = AIObjectiveQuerySet.as_manager()
    access: ClassVar[AccessPolicy] = AccessPolicy(
        owner_paths=("owner",),
        engagement=EngagementScope(clause_refs=("6.2", "9.1")),
    )

    class Meta:
        ordering = ("title", "pk")
        verbose_name = _("AI objective")
        verbose_name_plural = _("AI objectives")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ObjectiveStatus.values), name="objective_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="objective_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(guides__in=ObjectiveGuides.values), name="objective_guides_valid"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="objective_frequency_valid"
            ),
            models.CheckConstraint(
                condition=Q(at_risk_margin__gte=0), name="objective_margin_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(review_interval_months__gte=1) & Q(review_interval_months__lte=60),
                name="objective_review_interval_in_range",
            ),
            models.CheckConstraint(
                condition=(~Q(direction=Direction.RANGE) & Q(target_upper__isnull=True))
                | (
                    Q(direction=Direction.RANGE)
                    & Q(target_upper__isnull=False)
                    & Q(target_upper__gte=F("target_value"))
                ),
                name="objective_range_has_upper_bound",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "policies:objective_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    def clean(self) -> None:
        errors = {}
        if self.direction == Direction.RANGE:
            if self.target_upper is None:
                errors["target_upper"] = _("A range needs its upper bound.")
            elif self.target_value is not None and self.target_upper < self.target_value:
                errors["target_upper"] = _("The upper bound cannot be below the target.")
        elif self.target_upper is not None:
            self.target_upper = None  # only a range has one
        if self.next_review_date is None and self.review_interval_months:
            self.next_review_date = add_months(timezone.localdate(), self.review_interval_months)
        if errors:
            raise ValidationError(errors)

    # --- The KPI as the pages show it -----------------------------------------------------

    @property
    def target_label(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        if self.direction == Direction.AT_LEAST:
            return _("at least %(v)s%(u)s") % {"v": _number(self.target_value), "u": unit}
        if self.direction == Direction.AT_MOST:
            return _("at most %(v)s%(u)s") % {"v": _number(self.target_value), "u": unit}
        return _("between %(a)s and %(b)s%(u)s") % {
            "a": _number(self.target_value),
            "b": _number(self.target_upper),
            "u": unit,
        }

    def latest(self) -> tuple[Decimal | None, datetime.date | None]:
        """The latest measurement's value and day: from ``with_latest`` when annotated."""
        if hasattr(self, "latest_on"):
            return self.latest_value, self.latest_on
        row = (
            self.measurements.order_by("-measured_on", "-pk").values("value", "measured_on").first()
        )
        return (row["value"], row["measured_on"]) if row else (None, None)

    def kpi_status_on(self, today: datetime.date | None = None) -> str:
        value, on = self.latest()
        return compute_kpi_status(
            latest_value=value,
            latest_on=on,
            today=today or timezone.localdate(),
            frequency=self.frequency,
            direction=self.direction,
            target=self.target_value,
            target_upper=self.target_upper,
            margin=self.at_risk_margin,
        )

    @property
    def kpi_status(self) -> str:
        return self.kpi_status_on()

    @property
    def measurement_due_from(self) -> datetime.date:
        return measurement_due_from(timezone.localdate(), self.frequency)

    @property
    def plan_complete(self) -> bool:
        return all(str(getattr(self, name) or "").strip() for name in PLAN_FIELDS)


def _number(value: Decimal | None) -> str:
    """A value without trailing zeros: 95.5000 → 95.5, 12.0000 → 12."""
    if value is None:
        return "—"
    return format(value.normalize(), "f")


class MeasurementSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    API = "api", _("Pushed through the API")


class KPIMeasurement(TrackedModel):
    """One reading of an objective's KPI: the value and the day (or the period's last day) it
    covers. One reading per objective and day; a correction edits it."""

    objective = models.ForeignKey(
        AIObjective,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("objective"),
    )
    measured_on = models.DateField(
        _("covers"),
        help_text=_("The day measured, or the last day of the period the value sums up."),
    )
    value = _value_field(_("value"))
    note = models.TextField(
        _("note"), blank=True, help_text=_("How it was measured, anything unusual.")
    )
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=MeasurementSource.choices,
        default=MeasurementSource.MANUAL,
        editable=False,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
        editable=False,
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="objective__organization",
        owner_paths=("objective__owner",),
        parent_path="objective",
    )

    class Meta:
        ordering = ("-measured_on", "-pk")
        verbose_name = _("KPI measurement")
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "measured_on"],
                name="kpi_measurement_one_per_day",
                violation_error_message=_("This objective already has a value for that day."),
            ),
            models.CheckConstraint(
                condition=Q(source__in=MeasurementSource.values),
                name="kpi_measurement_source_valid",
            ),
        ]

    def __str__(self) -> str:
        unit = f" {self.objective.unit}" if self.objective_id and self.objective.unit else ""
        return f"{self.measured_on:%d %b %Y}: {_number(self.value)}{unit}"

    def get_absolute_url(self) -> str:
        return self.objective.get_absolute_url()

    def clean(self) -> None:
        if not self.measured_on:
            return
        if self.measured_on > timezone.localdate() + datetime.timedelta(days=1):
            raise ValidationError(
                {"measured_on": _("A measurement cannot cover a day that has not come yet.")}
            )
        # As the constraint ``kpi_measurement_one_per_day``, on the field (a form leaves the
        # objective out, so Django would not check the constraint itself).
        duplicate = (
            KPIMeasurement.objects.filter(
                objective_id=self.objective_id, measured_on=self.measured_on
            )
            .exclude(pk=self.pk)
            .exists()
        )
        if self.objective_id and duplicate:
            raise ValidationError(
                {
                    "measured_on": _(
                        "This objective already has a value for that day: edit that "
                        "measurement instead."
                    )
                },
                code="unique",
            )


# --- Communication plan (7.4) -----------------------------------------------------------------


class CommunicationKind(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    EXTERNAL = "external", _("External")


class CommunicationFrequency(models.TextChoices):
    ONE_OFF = "once", _("Once, on the date due")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every six months")
    YEARLY = "yearly", _("Yearly")
    ON_EVENT = "on_event", _("When an event calls for it")


COMMUNICATION_MONTHS: dict[str, int] = {
    CommunicationFrequency.MONTHLY: FREQUENCY_MONTHS[Frequency.MONTHLY],
    CommunicationFrequency.QUARTERLY: FREQUENCY_MONTHS[Frequency.QUARTERLY],
    CommunicationFrequency.HALF_YEARLY: FREQUENCY_MONTHS[Frequency.HALF_YEARLY],
    CommunicationFrequency.YEARLY: FREQUENCY_MONTHS[Frequency.YEARLY],
}


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail or newsletter")
    INTRANET = "intranet", _("Intranet page")
    MEETING = "meeting", _("Meeting or briefing")
    TRAINING = "training", _("Training session")
    REPORT = "report", _("Report")
    WEBSITE = "website", _("Public website")
    LETTER = "letter", _("Letter or notice")
    OTHER = "other", _("Other")


class CommunicationItem(OrganizationScopedModel):
    """One line of the communication plan: what is communicated, when, to whom, how and by
    whom, with when it was last done and when it is next due."""

    subject = models.CharField(
        _("what"), max_length=250, help_text=_("What is communicated about the AIMS.")
    )
    details = models.TextField(_("details"), blank=True)
    kind = models.CharField(
        _("internal or external"),
        max_length=10,
        choices=CommunicationKind.choices,
        default=CommunicationKind.INTERNAL,
    )
    audience = models.CharField(
        _("with whom"), max_length=250, help_text=_("Who receives it, or who is consulted.")
    )
    channel = models.CharField(
        _("how"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    frequency = models.CharField(
        _("when"),
        max_length=12,
        choices=CommunicationFrequency.choices,
        default=CommunicationFrequency.QUARTERLY,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="communication_items",
        verbose_name=_("owner"),
    )
    last_done = models.DateField(_("last done"), null=True, blank=True)
    next_due = models.DateField(
        _("next due"),
        null=True,
        blank=True,
        help_text=_("Left empty for a recurring item, it follows from the last time it was done."),
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        owner_paths=("owner",),
        engagement=EngagementScope(clause_refs=("7.4",)),
    )

    class Meta:
        # Soonest due first; items with no date (on an event, or done once) last.
        ordering = (F("next_due").asc(nulls_last=True), "subject", "pk")
        verbose_name = _("communication item")
        verbose_name_plural = _("communication plan")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CommunicationKind.values), name="communication_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="communication_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=CommunicationFrequency.values),
                name="communication_frequency_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse(
            "policies:communication_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    @property
    def is_overdue(self) -> bool:
        return bool(self.next_due and self.next_due < timezone.localdate())

    def clean(self) -> None:
        months = COMMUNICATION_MONTHS.get(self.frequency)
        if months and self.last_done and (self.next_due is None or self.next_due <= self.last_done):
            self.next_due = add_months(self.last_done, months)
        if self.frequency == CommunicationFrequency.ONE_OFF and not (
            self.next_due or self.last_done
        ):
            raise ValidationError(
                {"next_due": _("Say when this one-off communication is due.")}, code="required"
            )
