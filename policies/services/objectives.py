"""Workflows of the objectives area."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aims.core import transactions
from aims.core.permissions import Action, can, restrict
from policies.models import (
    AIObjective,
    CommunicationItem,
    KPIMeasurement,
    MeasurementSource,
)

ONE_PER_DAY = "kpi_measurement_one_per_day"


def duplicate_day(exc: IntegrityError) -> bool:
    """Whether ``exc`` is the one-value-per-day constraint: a second value for the same
    objective and day saved by a concurrent request after both had been validated."""
    return ONE_PER_DAY in str(exc)


def duplicate_day_error() -> ValidationError:
    return ValidationError(
        {
            "measured_on": _(
                "This objective already has a value for that day: edit that measurement instead."
            )
        },
        code="unique",
    )


def measurement_save(measurement: KPIMeasurement) -> KPIMeasurement:
    """Save a validated measurement; a concurrent value for the same day is refused on the
    field (``ValidationError``), never a database error."""
    try:
        with transaction.atomic():
            measurement.save()
    except IntegrityError as exc:
        if duplicate_day(exc):
            raise duplicate_day_error() from exc
        raise
    return measurement


def measurement_record(
    *,
    objective: AIObjective,
    user: Any,
    measured_on: datetime.date,
    value: Decimal,
    note: str = "",
    source: str = MeasurementSource.MANUAL,
) -> KPIMeasurement:
    """Record one KPI reading for ``objective`` as ``user`` (who must be allowed to change
    the objective); refused with a message, nothing saved, when it is not valid."""
    if not can(user, Action.CHANGE, objective):
        raise PermissionDenied(_("Your role does not allow recording measurements here."))
    measurement = KPIMeasurement(
        objective=objective,
        measured_on=measured_on,
        value=value,
        note=note,
        source=source,
        entered_by=user,
    )
    measurement.full_clean()
    return measurement_save(measurement)


def communication_mark_done(
    *, item: CommunicationItem, user: Any, on: datetime.date | None = None
) -> CommunicationItem:
    """Record that a communication took place on ``on`` (today): a recurring item moves
    its next due date one interval on; a one-off item has nothing more due."""
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = transactions.lock_record(
            restrict(CommunicationItem.objects.all(), user, Action.CHANGE), item
        )
        if locked is None:
            raise PermissionDenied(_("Your role does not allow changing this record."))
        if on > timezone.localdate():
            raise ValidationError(_("A communication cannot be done on a day still to come."))
        locked.last_done = on
        locked.next_due = None
        locked.full_clean()
        locked.save()
    return locked
