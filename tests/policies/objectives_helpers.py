"""Makers for the objectives area's tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from policies.models import AIObjective, CommunicationItem, KPIMeasurement


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def make_objective(organization, **fields) -> AIObjective:
    values = {
        "title": "Explainable credit decisions",
        "metric": "Share of declines sent with reason codes",
        "unit": "%",
        "direction": "at_least",
        "target_value": Decimal("98"),
        "at_risk_margin": Decimal("2"),
        "frequency": "monthly",
        **fields,
    }
    objective = AIObjective(organization=organization, **values)
    objective.full_clean()
    objective.save()
    return objective


def make_measurement(objective, *, on=None, value="97.5", **fields) -> KPIMeasurement:
    return KPIMeasurement.objects.create(
        objective=objective, measured_on=on or days_ago(3), value=Decimal(value), **fields
    )


def make_communication(organization, **fields) -> CommunicationItem:
    values = {
        "subject": "AIMS news for staff",
        "audience": "All staff",
        "channel": "intranet",
        "frequency": "quarterly",
        **fields,
    }
    item = CommunicationItem(organization=organization, **values)
    item.full_clean()
    item.save()
    return item
