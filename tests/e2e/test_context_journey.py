"""An officer records the context (4.1, 4.2) in the browser: an issue, the climate decision
and an interested party with a requirement, then sees readiness read them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from aims.organizations.models import ClimateDecision, ContextIssue, PartyRequirement
from tests.e2e.helpers import person, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_records_the_context_and_keeps_the_earlier_climate_decision(
    live_server, page, shoot, catalog
):
    from controls.catalog import load_catalog

    load_catalog()  # idempotent; the shared fixture only reloads after a flush
    officer = person("olivia@example.test", "Olivia Officer", {"Alpha Lending": "officer"})
    sign_in(page, live_server.url, officer)
    nav = page.get_by_role("navigation", name="Main navigation")

    nav.get_by_role("link", name=re.compile("Issues")).click()
    expect(page.get_by_text("No issues recorded yet")).to_be_visible()
    page.get_by_role("link", name="Add context issue").first.click()
    page.locator("#id_title").fill("New rules for automated credit decisions")
    page.locator("#id_kind").select_option("external")
    page.locator("#id_category").select_option("legal")
    # A review date before the day it was identified is refused, keeping what was typed.
    page.locator("#id_identified_on").fill("2026-03-01")
    page.locator("#id_next_review_date").fill("2026-02-01")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_next_review_date_error")).to_contain_text("cannot come before")
    expect(page.locator("#id_title")).to_have_value("New rules for automated credit decisions")
    page.locator("#id_next_review_date").fill("2027-02-01")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("New rules for automated"))).to_be_visible()
    shoot("01-issue")
    assert ContextIssue.objects.get().kind == "external"

    # The climate decision, then a second one that supersedes it.
    nav.get_by_role("link", name=re.compile("Issues")).click()
    page.get_by_role("link", name="Record the decision").click()
    page.get_by_label("No, it is not relevant").check()
    page.locator("#id_reasoning").fill("We train no models ourselves.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Decision recorded")).to_be_visible()
    page.get_by_role("link", name="Record a new decision").first.click()
    page.get_by_label("Yes, it is relevant").check()
    page.locator("#id_reasoning").fill("We now retrain the scoring model every month.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Replaces")).to_be_visible()
    page.get_by_role("link", name="Climate change decisions").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator("tbody .chip", has_text="In force")).to_have_count(1)
    expect(page.locator("tbody .chip", has_text="Superseded")).to_have_count(1)
    shoot("02-climate-decisions")
    assert ClimateDecision.objects.count() == 2

    # An interested party and a requirement whose decision must say how.
    nav.get_by_role("link", name=re.compile("Interested parties")).click()
    page.get_by_role("link", name="Add interested party").first.click()
    page.locator("#id_name").fill("Loan applicants")
    page.locator("#id_kind").select_option("external")
    page.locator("#id_category").select_option("affected")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add requirement").first.click()
    page.locator("#id_requirement").fill("Be told why an application was refused.")
    page.locator("#id_source").select_option("legal")
    page.locator("#id_addressed").select_option("yes")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_how_error")).to_have_text("Say how the AIMS meets it.")
    page.locator("#id_how").fill("The refusal letter lists the main reasons.")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("cell", name="The refusal letter lists the main reasons.")
    ).to_be_visible()
    shoot("03-party-requirements")
    assert PartyRequirement.objects.get().addressed == "yes"

    # Readiness reads the registers: 4.2 still wants a scope that considers the party.
    nav.get_by_role("link", name=re.compile("Readiness")).click()
    expect(
        page.get_by_text("No approved scope considers the interested parties yet.")
    ).to_be_visible()
    shoot("04-readiness")
