"""``seed_demo``: Northwind's AI objectives with a year of KPI values, its communication
plan, and what the readiness rules make of them."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from aims.core.models import ChangeLogEntry
from aims.organizations.models import Organization, User
from policies.kpis import period_start
from policies.models import AIObjective, CommunicationItem, KPIMeasurement
from readiness.rules import RULES, readiness_facts

pytestmark = pytest.mark.django_db


def seed() -> None:
    call_command("seed_demo", stdout=StringIO())


def test_northwind_has_three_objectives_with_a_year_of_monthly_values():
    seed()
    northwind = Organization.objects.get(slug="northwind")
    objectives = AIObjective.objects.filter(organization=northwind).with_latest()
    assert objectives.count() == 3
    last_month_end = period_start(timezone.localdate(), "monthly") - datetime.timedelta(days=1)
    for objective in objectives:
        days = list(
            objective.measurements.order_by("measured_on").values_list("measured_on", flat=True)
        )
        assert len(days) == 12
        assert days[-1] == last_month_end
        assert len({(d.year, d.month) for d in days}) == 12
        assert objective.annex_c_objectives.exists() and objective.owner and objective.plan_complete
    statuses = sorted(o.kpi_status for o in objectives)
    assert statuses == ["at_risk", "off_track", "on_track"]
    pushed = KPIMeasurement.objects.filter(objective__organization=northwind, source="api")
    assert pushed.count() == 24 and pushed.filter(entered_by__isnull=False).count() == 24


def test_the_communication_plan_has_owners_and_nothing_overdue():
    seed()
    northwind = Organization.objects.get(slug="northwind")
    items = CommunicationItem.objects.filter(organization=northwind)
    assert items.count() == 5
    assert not items.filter(owner__isnull=True).exists()
    assert not [i for i in items if i.is_overdue]
    officer = User.objects.get(email="officer@northwind.example")
    facts = readiness_facts(organization=northwind, user=officer, soa_summary={})
    assert RULES["6.2"](facts).fulfilled is True
    assert RULES["7.4"](facts).fulfilled is True


def test_a_second_run_adds_nothing():
    seed()
    before = (
        AIObjective.objects.count(),
        KPIMeasurement.objects.count(),
        ChangeLogEntry.objects.count(),
    )
    seed()
    after = (
        AIObjective.objects.count(),
        KPIMeasurement.objects.count(),
        ChangeLogEntry.objects.count(),
    )
    assert before == after
