"""The KPI status rule (policies.kpis): periods, and each reading against each kind of target."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from policies.kpis import (
    KPIStatus,
    in_period,
    kpi_status,
    measurement_due_from,
    period_end,
    period_start,
    target_status,
)
from policies.models import AIObjective
from tests.policies.objectives_helpers import days_ago, make_measurement, make_objective

ON, RISK, OFF = KPIStatus.ON_TRACK, KPIStatus.AT_RISK, KPIStatus.OFF_TRACK


@pytest.mark.parametrize(
    ("value", "direction", "target", "upper", "margin", "expected"),
    [
        # At least 98 %, at risk down to 96 %.
        ("98", "at_least", "98", None, "2", ON),
        ("99.5", "at_least", "98", None, "2", ON),
        ("97.9", "at_least", "98", None, "2", RISK),
        ("96", "at_least", "98", None, "2", RISK),
        ("95.99", "at_least", "98", None, "2", OFF),
        # No margin: any miss is off track.
        ("97.99", "at_least", "98", None, "0", OFF),
        # At most 5 days, at risk up to 6.
        ("5", "at_most", "5", None, "1", ON),
        ("0", "at_most", "5", None, "1", ON),
        ("5.5", "at_most", "5", None, "1", RISK),
        ("6", "at_most", "5", None, "1", RISK),
        ("6.01", "at_most", "5", None, "1", OFF),
        # Within 0.8–1.25, half a tenth of margin on each side.
        ("0.8", "range", "0.8", "1.25", "0.05", ON),
        ("1.25", "range", "0.8", "1.25", "0.05", ON),
        ("1", "range", "0.8", "1.25", "0.05", ON),
        ("0.76", "range", "0.8", "1.25", "0.05", RISK),
        ("1.3", "range", "0.8", "1.25", "0.05", RISK),
        ("0.74", "range", "0.8", "1.25", "0.05", OFF),
        ("1.31", "range", "0.8", "1.25", "0.05", OFF),
        # Negative values work the same way.
        ("-3", "at_least", "-2", None, "1", RISK),
    ],
)
def test_it_judges_a_value_against_the_target(value, direction, target, upper, margin, expected):
    found = target_status(
        D(value),
        direction=direction,
        target=D(target),
        target_upper=D(upper) if upper else None,
        margin=D(margin),
    )
    assert found == expected


@pytest.mark.parametrize(
    ("day", "frequency", "start", "end"),
    [
        ("2026-05-10", "monthly", "2026-05-01", "2026-05-31"),
        ("2026-02-28", "monthly", "2026-02-01", "2026-02-28"),
        ("2026-05-10", "quarterly", "2026-04-01", "2026-06-30"),
        ("2026-12-31", "quarterly", "2026-10-01", "2026-12-31"),
        ("2026-05-10", "half_yearly", "2026-01-01", "2026-06-30"),
        ("2026-07-01", "half_yearly", "2026-07-01", "2026-12-31"),
        ("2026-05-10", "yearly", "2026-01-01", "2026-12-31"),
    ],
)
def test_it_finds_the_calendar_period(day, frequency, start, end):
    day = datetime.date.fromisoformat(day)
    assert period_start(day, frequency) == datetime.date.fromisoformat(start)
    assert period_end(day, frequency) == datetime.date.fromisoformat(end)


@pytest.mark.parametrize(
    ("today", "frequency", "due_from"),
    [
        ("2026-05-10", "monthly", "2026-04-01"),
        ("2026-01-15", "monthly", "2025-12-01"),
        ("2026-05-10", "quarterly", "2026-01-01"),
        ("2026-05-10", "half_yearly", "2025-07-01"),
        ("2026-05-10", "yearly", "2025-01-01"),
    ],
)
def test_a_measurement_counts_for_the_current_or_the_previous_period(today, frequency, due_from):
    today = datetime.date.fromisoformat(today)
    due_from = datetime.date.fromisoformat(due_from)
    assert measurement_due_from(today, frequency) == due_from
    assert in_period(due_from, today, frequency)
    assert not in_period(due_from - datetime.timedelta(days=1), today, frequency)


TODAY = datetime.date(2026, 5, 10)


@pytest.mark.parametrize(
    ("value", "on", "expected"),
    [
        (None, None, KPIStatus.NOT_MEASURED),
        ("99", "2026-03-31", KPIStatus.OVERDUE),  # met the target, but March is too old
        ("90", "2026-03-31", KPIStatus.OVERDUE),  # missed it, and still its own state
        ("99", "2026-04-30", ON),  # last month's figure still counts
        ("97", "2026-05-05", RISK),
        ("90", "2026-05-05", OFF),
    ],
)
def test_the_status_of_the_latest_reading(value, on, expected):
    found = kpi_status(
        latest_value=D(value) if value else None,
        latest_on=datetime.date.fromisoformat(on) if on else None,
        today=TODAY,
        frequency="monthly",
        direction="at_least",
        target=D("98"),
        margin=D("2"),
    )
    assert found == expected


# --- The same rule in SQL (the KPI status filter) ------------------------------------------


@pytest.mark.django_db
def test_the_database_agrees_with_the_rule(org):
    today = timezone.localdate()
    cases = [
        ("at_least", "98", None, "2", [(3, "99")]),
        ("at_least", "98", None, "2", [(3, "97")]),
        ("at_least", "98", None, "2", [(3, "90")]),
        ("at_least", "98", None, "0", [(3, "97.99")]),
        ("at_most", "5", None, "1", [(3, "5")]),
        ("at_most", "5", None, "1", [(3, "5.5")]),
        ("at_most", "5", None, "1", [(3, "6.5")]),
        ("range", "0.8", "1.25", "0.05", [(3, "1")]),
        ("range", "0.8", "1.25", "0.05", [(3, "1.28")]),
        ("range", "0.8", "1.25", "0.05", [(3, "0.7")]),
        ("at_least", "98", None, "2", [(200, "99")]),  # overdue
        ("at_least", "98", None, "2", [(200, "99"), (3, "10")]),  # the latest counts
        ("at_least", "98", None, "2", []),  # not measured
    ]
    for i, (direction, target, upper, margin, values) in enumerate(cases):
        objective = make_objective(
            org,
            title=f"Case {i}",
            direction=direction,
            target_value=D(target),
            target_upper=D(upper) if upper else None,
            at_risk_margin=D(margin),
        )
        for days, value in values:
            make_measurement(objective, on=days_ago(days), value=value)
    rows = AIObjective.objects.with_kpi_status(today).order_by("pk")
    found = {o.title: o.kpi_status_db for o in rows}
    expected = {o.title: o.kpi_status_on(today) for o in AIObjective.objects.with_latest()}
    assert found == expected
    assert set(found.values()) == {ON, RISK, OFF, KPIStatus.OVERDUE, KPIStatus.NOT_MEASURED}
