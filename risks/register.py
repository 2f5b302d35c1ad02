"""The risk register's table: its rows as plain values, not model instances.

A page of 100 risks as model instances (with their owners) took about as long to load as
the rest of the page to render; the table needs a dozen columns, read here with
``values()`` and wrapped in ``RegisterRow``, which answers the same attribute names as a
``Risk`` for what the table shows (``risks.tables.RiskRegisterTable`` draws it), by the
model's own rules (the functions next to ``Risk``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from risks.filters import actions_overdue_flag
from risks.models import (
    Risk,
    RiskCriteria,
    risk_is_accepted,
    risk_reference,
    risk_rescore_offered,
    risk_review_overdue,
)

COLUMNS = (
    "pk",
    "number",
    "kind",
    "title",
    "criteria_id",
    "impact_organization",
    "impact_individuals",
    "impact_society",
    "inherent_level",
    "inherent_score",
    "residual_level",
    "residual_score",
    "accepted_by_id",
    "owner_id",
    "owner_name",
    "status",
    "treatment_option",
    "next_review_date",
    "has_overdue_actions",
)


def with_register_columns(queryset: QuerySet[Risk]) -> QuerySet[Risk]:
    """The computed columns: the overdue-actions flag and the owner's name."""
    return queryset.annotate(
        has_overdue_actions=actions_overdue_flag(),
        owner_name=Coalesce(
            NullIf("owner__full_name", Value("")), "owner__email", output_field=CharField()
        ),
    )


@dataclass(slots=True)
class RegisterRow:
    pk: int
    number: int | None
    kind: str
    title: str
    criteria_id: int | None
    impact_organization: int | None
    impact_individuals: int | None
    impact_society: int | None
    inherent_level: str
    inherent_score: int | None
    residual_level: str
    residual_score: int | None
    accepted_by_id: int | None
    owner_id: int | None
    owner_name: str | None
    status: str
    treatment_option: str
    next_review_date: datetime.date | None
    has_overdue_actions: bool
    criteria: RiskCriteria | None = None
    ai_system_names: list[str] = field(default_factory=list)

    @property
    def reference(self) -> str:
        return risk_reference(self.number)

    @property
    def rescore_offered(self) -> bool:
        return risk_rescore_offered(
            criteria_id=self.criteria_id,
            criteria_is_current=self.criteria.is_current if self.criteria else None,
        )

    @property
    def is_accepted(self) -> bool:
        return risk_is_accepted(self.accepted_by_id)

    @property
    def is_review_overdue(self) -> bool:
        return risk_review_overdue(self.next_review_date)


def register_rows(
    page: QuerySet[Risk], criteria_by_id: dict[int, RiskCriteria]
) -> list[RegisterRow]:
    """The rows of a page (a sliced queryset of ``with_register_columns``), with their
    criteria and the names of their AI systems."""
    rows = [
        RegisterRow(**values, criteria=criteria_by_id.get(values["criteria_id"]))
        for values in page.values(*COLUMNS)
    ]
    attach_ai_system_names(rows)
    return rows


def attach_ai_system_names(rows: list[Any]) -> None:
    """``row.ai_system_names`` for a page, in one query on the link table (the names are all
    the table shows)."""
    names: dict[int, list[str]] = {row.pk: [] for row in rows}
    link = Risk.ai_systems.through
    for risk_id, name in (
        link.objects.filter(risk_id__in=list(names))
        .order_by("aisystem__name", "aisystem_id")
        .values_list("risk_id", "aisystem__name")
    ):
        names[risk_id].append(name)
    for row in rows:
        row.ai_system_names = names[row.pk]
