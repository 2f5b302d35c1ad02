"""What has a date to be reminded of: one ``Source`` per kind of dated item.

A source names its model, the date field, which items are still open, how an item reaches
its organisation, and who hears of it (the people its user fields name; the officers for
records nobody owns). The scanner asks each source only for the items whose date falls in
the window being scanned, so its cost follows the number of items due, not the number of
items (each date field is indexed).

Deadlines kept to the hour (the EU AI Act serious-incident report) are a ``DeadlineSource``:
the scanner reads the few open items and computes their deadline.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _

from aims.core.documents import DocumentStatus
from aims.evidence.models import EvidenceItem
from audits.models import (
    OPEN_ACTION_STATUSES,
    Audit,
    AuditStatus,
    CorrectiveAction,
    Incident,
    IncidentStatus,
    ManagementReview,
    Nonconformity,
    NonconformityStatus,
    ReviewDecision,
    ReviewStatus,
)
from controls.models import ControlImplementation
from engagements.models import Engagement, InformationRequest, RequestStatus
from impact_assessments.models import ImpactAssessment
from policies.models import AIObjective, Policy, PolicyAcknowledgement, TrainingRecord
from policies.models.objectives import PURSUED
from risks.models import ActionStatus, Risk, RiskStatus, TreatmentAction

# A requested acknowledgement is expected within this many days.
ACKNOWLEDGE_WITHIN_DAYS = 30
# An effectiveness check is expected this long after the last corrective action is done.
VERIFY_WITHIN_DAYS = 30
# Hours before an hourly deadline that a reminder goes out.
DEADLINE_LEAD_HOURS = (72, 24, 4)


@dataclass(frozen=True)
class Source:
    kind: str
    label: Any
    model: type[models.Model]
    date_field: str
    org_field: str = "organization_id"  # a lookup to the organisation's id
    open_items: Q = field(default_factory=Q)
    owners: tuple[str, ...] = ()  # lookups to user ids
    officers: bool = False  # nobody owns the record: its organisation's officers hear of it
    offset_days: int = 0  # the item is due this many days after its date field
    select_related: tuple[str, ...] = ()
    what: Any = ""  # what the date means: "review due", "expires"
    overdue: bool = True  # a date that can be missed (not a window opening or closing)

    @property
    def is_datetime(self) -> bool:
        return isinstance(self.model._meta.get_field(self.date_field), models.DateTimeField)

    def _range(self, first: datetime.date, last: datetime.date) -> Q:
        first -= datetime.timedelta(days=self.offset_days)
        last -= datetime.timedelta(days=self.offset_days)
        if self.is_datetime:
            # Widened by a day each side (any time zone); the scanner keeps the items whose
            # local day fits.
            return Q(
                **{
                    f"{self.date_field}__gte": datetime.datetime.combine(
                        first - datetime.timedelta(days=1), datetime.time.min, datetime.UTC
                    ),
                    f"{self.date_field}__lt": datetime.datetime.combine(
                        last + datetime.timedelta(days=2), datetime.time.min, datetime.UTC
                    ),
                }
            )
        return Q(**{f"{self.date_field}__range": (first, last)})

    def due_in(self, ranges: Iterable[tuple[datetime.date, datetime.date]]) -> models.QuerySet:
        """Open items due in any of ``ranges`` (days, both ends included): one indexed
        range per rule, so only what may fire is read."""
        condition = Q()
        for first, last in ranges:
            condition |= self._range(first, last)
        return (
            self.model._default_manager.filter(self.open_items)
            .filter(condition)
            .select_related(*self.select_related)
            .order_by("pk")
        )

    def rows(self, ranges: list[tuple[datetime.date, datetime.date]]) -> Iterator[Item]:
        owner_names = [f"_owner_{i}" for i in range(len(self.owners))]
        queryset = self.due_in(ranges).annotate(
            _org=models.F(self.org_field),
            **{name: models.F(path) for name, path in zip(owner_names, self.owners, strict=True)},
        )
        for obj in queryset:
            value = getattr(obj, self.date_field)
            yield Item(
                source=self,
                obj=obj,
                organization_id=obj._org,
                date=value,
                owners=tuple({getattr(obj, name) for name in owner_names if getattr(obj, name)}),
            )


@dataclass
class Item:
    """An item a source found, with its date (a date-time for a date-time field: its day
    in the organisation's zone is taken by the scanner)."""

    source: Source
    obj: models.Model
    organization_id: int
    date: datetime.date | datetime.datetime
    owners: tuple[int, ...]

    def due_on(self, zone: Any) -> datetime.date:
        value = self.date
        if isinstance(value, datetime.datetime):
            value = value.astimezone(zone).date()
        return value + datetime.timedelta(days=self.source.offset_days)


@dataclass(frozen=True)
class ComputedSource(Source):
    """A source whose due date is computed per item (no column holds it): it reads its
    few open items and gives each its date. ``dated(queryset)`` yields (item, date)."""

    dated: Callable[[models.QuerySet], Iterable[tuple[models.Model, datetime.date]]] = lambda qs: ()

    def rows(self, ranges: list[tuple[datetime.date, datetime.date]]) -> Iterator[Item]:
        queryset = self.model._default_manager.filter(self.open_items).select_related(
            *self.select_related
        )
        for obj, day in self.dated(queryset):
            if any(first <= day <= last for first, last in ranges):
                yield Item(
                    source=self,
                    obj=obj,
                    organization_id=obj.organization_id,
                    date=day,
                    owners=tuple(
                        {getattr(obj, path) for path in self.owners if getattr(obj, path)}
                    ),
                )


def _verification_dates(queryset):
    for nc in queryset.annotate(last_done=Max("actions__completed_on")):
        if nc.last_done:
            yield nc, nc.last_done + datetime.timedelta(days=VERIFY_WITHIN_DAYS)


SOURCES: tuple[Source, ...] = (
    Source(
        kind="policy_review",
        label=_("Policy reviews"),
        model=Policy,
        date_field="next_review_date",
        open_items=Q(status=DocumentStatus.APPROVED),
        officers=True,
        select_related=("organization",),
        what=_("review due"),
    ),
    Source(
        kind="policy_acknowledgement",
        label=_("Policy acknowledgements"),
        model=PolicyAcknowledgement,
        date_field="created_at",
        org_field="policy__organization_id",
        open_items=Q(acknowledged_at__isnull=True, policy__status=DocumentStatus.APPROVED),
        owners=("user_id",),
        offset_days=ACKNOWLEDGE_WITHIN_DAYS,
        select_related=("policy__organization",),
        what=_("acknowledgement expected"),
    ),
    Source(
        kind="risk_review",
        label=_("Risk reviews"),
        model=Risk,
        date_field="next_review_date",
        open_items=~Q(status=RiskStatus.CLOSED),
        owners=("owner_id",),
        select_related=("organization",),
        what=_("review due"),
    ),
    Source(
        kind="treatment_action",
        label=_("Risk treatment actions"),
        model=TreatmentAction,
        date_field="due_date",
        org_field="risk__organization_id",
        open_items=Q(status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)),
        owners=("owner_id",),
        select_related=("risk__organization",),
        what=_("due"),
    ),
    Source(
        kind="risk_acceptance",
        label=_("Risk acceptances"),
        model=Risk,
        date_field="acceptance_expires",
        open_items=Q(status=RiskStatus.MONITORED),
        owners=("owner_id", "accepted_by_id"),
        select_related=("organization",),
        what=_("acceptance expires"),
    ),
    Source(
        kind="control_review",
        label=_("Control reviews"),
        model=ControlImplementation,
        date_field="next_review_date",
        owners=("owner_id",),
        officers=True,
        select_related=("organization",),
        what=_("review due"),
    ),
    Source(
        kind="evidence_expiry",
        label=_("Evidence expiry"),
        model=EvidenceItem,
        date_field="valid_until",
        owners=("owner_id",),
        officers=True,
        select_related=("organization",),
        what=_("expires"),
    ),
    Source(
        kind="impact_reassessment",
        label=_("Impact re-assessments"),
        model=ImpactAssessment,
        date_field="next_review_date",
        open_items=Q(status=DocumentStatus.APPROVED),
        officers=True,
        select_related=("organization",),
        what=_("re-assessment due"),
    ),
    Source(
        kind="objective",
        label=_("AI objectives"),
        model=AIObjective,
        date_field="due_date",
        open_items=Q(status__in=PURSUED),
        owners=("owner_id",),
        select_related=("organization",),
        what=_("due"),
    ),
    Source(
        kind="objective",
        label=_("AI objectives"),
        model=AIObjective,
        date_field="next_review_date",
        open_items=Q(status__in=PURSUED),
        owners=("owner_id",),
        select_related=("organization",),
        what=_("review due"),
    ),
    Source(
        kind="training_expiry",
        label=_("Training and qualifications"),
        model=TrainingRecord,
        date_field="expires_on",
        owners=("person_id",),
        select_related=("organization",),
        what=_("expires"),
    ),
    Source(
        kind="audit",
        label=_("Internal audits"),
        model=Audit,
        date_field="planned_start",
        open_items=Q(status=AuditStatus.PLANNED),
        owners=("lead_auditor_id",),
        officers=True,
        select_related=("organization",),
        what=_("starts"),
    ),
    Source(
        kind="corrective_action",
        label=_("Corrective actions"),
        model=CorrectiveAction,
        date_field="due_date",
        org_field="nonconformity__organization_id",
        open_items=Q(status__in=OPEN_ACTION_STATUSES),
        owners=("owner_id",),
        select_related=("nonconformity__organization",),
        what=_("due"),
    ),
    ComputedSource(
        kind="effectiveness_check",
        label=_("Effectiveness checks"),
        model=Nonconformity,
        date_field="closed_on",  # unused: the date is computed
        open_items=Q(status=NonconformityStatus.VERIFYING),
        owners=("owner_id",),
        officers=True,
        select_related=("organization",),
        what=_("effectiveness check due"),
        dated=_verification_dates,
    ),
    Source(
        kind="review_decision",
        label=_("Management review decisions"),
        model=ReviewDecision,
        date_field="due_date",
        org_field="review__organization_id",
        open_items=Q(status__in=OPEN_ACTION_STATUSES),
        owners=("owner_id",),
        select_related=("review__organization",),
        what=_("due"),
    ),
    Source(
        kind="management_review",
        label=_("Management reviews"),
        model=ManagementReview,
        date_field="planned_for",
        open_items=Q(status=ReviewStatus.PLANNED),
        owners=("chair_id",),
        officers=True,
        select_related=("organization",),
        what=_("planned"),
    ),
    Source(
        kind="information_request",
        label=_("Auditors' information requests"),
        model=InformationRequest,
        date_field="due_on",
        open_items=Q(status=RequestStatus.OPEN),
        officers=True,
        select_related=("organization", "engagement"),
        what=_("answer due"),
    ),
    Source(
        kind="engagement",
        label=_("Auditor engagements"),
        model=Engagement,
        date_field="starts_on",
        officers=True,
        select_related=("organization",),
        what=_("auditors' access opens"),
        overdue=False,
    ),
    Source(
        kind="engagement",
        label=_("Auditor engagements"),
        model=Engagement,
        date_field="ends_on",
        officers=True,
        select_related=("organization",),
        what=_("auditors' access ends"),
        overdue=False,
    ),
)


@dataclass(frozen=True)
class DeadlineSource:
    """Deadlines kept to the hour, scanned hourly: reminders ``lead_hours`` before."""

    kind: str
    label: Any
    model: type[models.Model]
    open_items: Q
    deadline: Callable[[Any], datetime.datetime | None]
    owners: tuple[str, ...] = ()
    lead_hours: tuple[int, ...] = DEADLINE_LEAD_HOURS
    what: Any = ""

    def open(self) -> models.QuerySet:
        return self.model._default_manager.filter(self.open_items).select_related("organization")


DEADLINE_SOURCES: tuple[DeadlineSource, ...] = (
    DeadlineSource(
        kind="incident_report",
        label=_("EU AI Act incident reports"),
        model=Incident,
        open_items=Q(reported_at__isnull=True)
        & ~Q(serious_incident="")
        & ~Q(status=IncidentStatus.CLOSED),
        deadline=lambda incident: incident.report_due,
        owners=("owner_id",),
        what=_("report to the authority due"),
    ),
)

# The kinds kept by the day, whose lead days an organisation sets (deadlines count hours).
DATE_KINDS: dict[str, Any] = {s.kind: s.label for s in SOURCES}

KINDS: dict[str, Any] = {
    **{s.kind: s.label for s in SOURCES},
    **{s.kind: s.label for s in DEADLINE_SOURCES},
}
