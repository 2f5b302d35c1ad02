"""Workflows of the objectives area."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
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
    with transaction.atomic():
        measurement.save()
    return measurement


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
