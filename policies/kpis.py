"""How a KPI reading is judged against its objective's target (6.2, 9.1): pure functions,
no queries, so the list, the detail page, the API and the readiness rules agree.

**Periods.** An objective is measured monthly, quarterly, half-yearly or yearly, in calendar
periods (a quarter starts in January, April, July or October; a half-year in January or
July). A figure usually arrives after its period has closed, so a measurement is *in its
period* when the day it covers falls in the current period or in the one just before it:
on 10 May, a monthly objective needs a value covering a day of April or May; a quarterly
one, a day from 1 January on.

**Status of the latest reading.** Only the latest measurement counts (the one covering the
latest day):

- *not measured*: no measurement at all;
- *measurement overdue*: the latest measurement is older than the period before the current
  one, so the figure is not known for now, whatever it was;
- *on track*: the value meets the target (at least / at most the target, or within the
  range, bounds included);
- *at risk*: it misses the target by no more than the objective's at-risk margin (in the
  objective's unit; a margin of 0 means there is no at-risk zone);
- *off track*: it misses the target by more than the margin.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every six months")
    YEARLY = "yearly", _("Yearly")


FREQUENCY_MONTHS: dict[str, int] = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.HALF_YEARLY: 6,
    Frequency.YEARLY: 12,
}


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("At least the target")
    AT_MOST = "at_most", _("At most the target")
    RANGE = "range", _("Within a range")


class KPIStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    OVERDUE = "overdue", _("Measurement overdue")
    NOT_MEASURED = "not_measured", _("Not measured")


# The chip colour of each status (always shown with its label).
KPI_TONES: dict[str, str] = {
    KPIStatus.ON_TRACK: "success",
    KPIStatus.AT_RISK: "warning",
    KPIStatus.OFF_TRACK: "danger",
    KPIStatus.OVERDUE: "warning",
    KPIStatus.NOT_MEASURED: "muted",
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier), the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in range(day.day, 0, -1):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def period_start(day: datetime.date, frequency: str) -> datetime.date:
    """The first day of the calendar period of ``frequency`` that contains ``day``."""
    months = FREQUENCY_MONTHS.get(frequency, 1)
    month = (day.month - 1) // months * months + 1
    return datetime.date(day.year, month, 1)


def period_end(day: datetime.date, frequency: str) -> datetime.date:
    """The last day of the period that contains ``day``."""
    start = period_start(day, frequency)
    return add_months(start, FREQUENCY_MONTHS.get(frequency, 1)) - datetime.timedelta(days=1)


def measurement_due_from(today: datetime.date, frequency: str) -> datetime.date:
    """The earliest day a measurement may cover and still count as in its period: the
    start of the period before the current one."""
    current = period_start(today, frequency)
    return period_start(current - datetime.timedelta(days=1), frequency)


def in_period(measured_on: datetime.date | None, today: datetime.date, frequency: str) -> bool:
    return measured_on is not None and measured_on >= measurement_due_from(today, frequency)


def target_status(
    value: Decimal,
    *,
    direction: str,
    target: Decimal,
    target_upper: Decimal | None = None,
    margin: Decimal = Decimal(0),
) -> str:
    """On track, at risk or off track for one value (see the module's rule)."""
    margin = margin or Decimal(0)
    if direction == Direction.AT_LEAST:
        shortfall = target - value
    elif direction == Direction.AT_MOST:
        shortfall = value - target
    else:
        upper = target_upper if target_upper is not None else target
        shortfall = max(target - value, value - upper)
    if shortfall <= 0:
        return KPIStatus.ON_TRACK
    if shortfall <= margin:
        return KPIStatus.AT_RISK
    return KPIStatus.OFF_TRACK


def kpi_status(
    *,
    latest_value: Decimal | None,
    latest_on: datetime.date | None,
    today: datetime.date,
    frequency: str,
    direction: str,
    target: Decimal,
    target_upper: Decimal | None = None,
    margin: Decimal = Decimal(0),
) -> str:
    """The objective's status from its latest measurement (see the module's rule)."""
    if latest_value is None or latest_on is None:
        return KPIStatus.NOT_MEASURED
    if not in_period(latest_on, today, frequency):
        return KPIStatus.OVERDUE
    return target_status(
        latest_value, direction=direction, target=target, target_upper=target_upper, margin=margin
    )
