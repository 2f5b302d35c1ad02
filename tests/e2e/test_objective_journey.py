"""An officer sets an AI objective, records its KPI by hand, is refused a day still to come,
and sees the trend chart and the status follow the values."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from policies.models import AIObjective, KPIMeasurement
from tests.e2e.helpers import person, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _day(days_ago: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days_ago)).isoformat()


def test_it_sets_an_objective_and_records_its_kpi(live_server, page, shoot):
    officer = person("olivia@example.test", "Olivia Officer", {"Alpha Insurance": "officer"})
    sign_in(page, live_server.url, officer)
    page.goto(f"{live_server.url}/o/alpha/objectives/")
    expect(page.get_by_text("No objectives yet")).to_be_visible()
    page.get_by_role("link", name="Add AI objective").first.click()

    page.locator("#id_title").fill("Claims decisions explained")
    page.locator("#id_metric").fill("Share of refused claims whose letter gives the reasons")
    page.locator("#id_unit").fill("%")
    page.locator("#id_target_value").fill("95")
    page.locator("#id_at_risk_margin").fill("3")
    page.locator("#id_plan_actions").fill("Reason codes in every refusal letter.")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("heading", name=re.compile("Claims decisions explained"))
    ).to_be_visible()
    expect(page.locator(".kpi-chart")).to_contain_text("No measurements yet")
    expect(page.locator(".card-header .chip")).to_have_text("Not measured")

    # A day still to come is refused, and what was typed stays in the form (the value box
    # takes numbers only: the browser keeps a unit out).
    page.locator("#id_measured_on").fill(_day(-40))
    page.locator("#id_value").fill("91")
    page.locator("#id_note").fill("From the letters service.")
    page.get_by_role("button", name="Record").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#id_note")).to_have_value("From the letters service.")
    assert not KPIMeasurement.objects.exists()
    expect(page.locator("#form-errors")).to_contain_text("has not come yet")
    shoot("01-day-to-come-refused")

    page.locator("#id_measured_on").fill(_day(20))  # this month or last: in its period
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".kpi-chart circle")).to_have_count(1)
    expect(page.locator(".card-header .chip")).to_have_text("Off track")

    page.locator("#id_measured_on").fill(_day(2))
    page.locator("#id_value").fill("96.5")
    page.get_by_role("button", name="Record").click()
    expect(page.locator(".kpi-chart circle")).to_have_count(2)
    expect(page.locator(".card-header .chip")).to_have_text("On track")
    expect(page.get_by_role("cell", name="96.5")).to_be_visible()
    shoot("02-two-measurements")

    objective = AIObjective.objects.get()
    assert objective.measurements.filter(source="manual", entered_by=officer).count() == 2
    page.goto(f"{live_server.url}/o/alpha/objectives/")
    expect(page.get_by_role("row", name=re.compile("Claims decisions explained"))).to_contain_text(
        "On track"
    )
