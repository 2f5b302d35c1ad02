"""Check and act, in the browser: plan an internal audit, record a minor nonconformity from
its checklist, raise and verify a corrective action, then hold a management review whose
agenda shows that nonconformity and approve its minutes."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aims.core.changelog import change_context
from aims.organizations.models import Organization
from audits.models import AuditProgramme, ManagementReview, Nonconformity, ReviewMinutes
from controls.models import Requirement
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.helpers import person, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_audit_finding_is_corrected_and_reviewed_by_management(
    live_server, browser, page, shoot, request
):
    from controls.catalog import load_catalog

    load_catalog()  # idempotent; the shared fixture only reloads after a flush
    officer = person("olivia@example.test", "Olivia Officer", {"Kappa Lending": "officer"})
    admin = person("adam@example.test", "Adam Admin", {"Kappa Lending": "admin"})
    person("ada@example.test", "Ada Auditor", {"Kappa Lending": "contributor"})
    person("carl@example.test", "Carl Contributor", {"Kappa Lending": "contributor"})
    org = Organization.objects.get(slug="kappa")
    today = timezone.localdate()
    with change_context(source="import"):
        programme = AuditProgramme.objects.create(
            organization=org,
            title="Audit programme 2026–2028",
            period_start=today - datetime.timedelta(days=10),
            period_end=today + datetime.timedelta(days=3 * 365 - 20),
        )
    clause = Requirement.objects.get(framework__code="iso42001", ref="8.4")
    base = live_server.url

    # Plan the audit and start it.
    sign_in(page, base, officer)
    expect(page).to_have_url(re.compile(r"/o/kappa/$"))
    page.goto(f"{base}{programme.get_absolute_url()}")
    page.get_by_role("link", name="Plan an audit").click()
    page.locator("#id_title").fill("Impact assessment upkeep")
    page.locator("#id_clauses").select_option(str(clause.pk))
    page.locator("#id_lead_auditor").select_option(label="Ada Auditor")
    page.locator("#id_planned_start").fill(str(today))
    page.locator("#id_planned_end").fill(str(today + datetime.timedelta(days=1)))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("Impact assessment upkeep"))).to_be_visible()
    page.get_by_role("button", name="Start the audit").click()
    shoot("01-audit-started")

    # A minor nonconformity from the checklist line.
    page.get_by_role("link", name=re.compile("Answer 8.4")).click()
    page.locator("#id_result").select_option("minor")
    page.locator("#id_sampled").fill("Change log of the credit model since May.")
    page.locator("#id_notes").fill("Retrained in June; the assessment was not looked at again.")
    page.get_by_role("button", name="Save").click()
    nc = Nonconformity.objects.get(organization=org)
    expect(page.get_by_role("link", name=nc.reference)).to_be_visible()
    shoot("02-minor-nonconformity")

    # Root cause, a corrective action carried out, and the effectiveness check.
    page.get_by_role("link", name=nc.reference).click()
    page.get_by_role("link", name="Edit", exact=True).click()
    page.locator("#id_root_cause").fill("Retraining does not go through change management.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add a corrective action").click()
    page.locator("#id_description").fill("Route every retraining through change management.")
    page.locator("#id_owner").select_option(label="Carl Contributor")
    page.locator("#id_status").select_option("done")
    page.locator("#id_completed_on").fill(str(today))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Check effectiveness")).to_be_visible()
    page.locator("input[name=effective][value=yes]").check()
    page.locator("#id_notes").fill("The July retraining went through change management.")
    page.get_by_role("button", name="Record the check").click()
    nc.refresh_from_db()
    assert (nc.status, nc.effectiveness) == ("closed", "effective")
    shoot("03-nonconformity-closed")

    # Plan and hold the management review: its agenda shows the nonconformity.
    page.goto(f"{base}/o/kappa/management-reviews/")
    page.get_by_role("link", name="Add management review").first.click()
    page.locator("#id_title").fill("Management review 2026")
    page.locator("#id_planned_for").fill(str(today))
    page.locator("#id_chair").select_option(label="Adam Admin")
    page.locator("#id_attendees").select_option(label=["Adam Admin", "Olivia Officer"])
    page.get_by_role("button", name="Save").click()
    nc_input = page.locator("#input-nonconformities")
    expect(nc_input).to_contain_text(f"{nc.reference} {nc.title}")
    expect(nc_input).to_contain_text("Closed")
    page.get_by_role("button", name="Record as held").click()
    expect(page.get_by_text("Recorded as held")).to_be_visible()
    shoot("04-review-held")
    review = ManagementReview.objects.get(organization=org)
    for _ in range(review.inputs.count()):
        page.get_by_role("link", name=re.compile("^Write the minutes")).first.click()
        page.locator("#id_minutes").fill("Considered; no further action.")
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name=re.compile("^Write the minutes"))).to_have_count(0)
    page.get_by_role("button", name="Write the minutes").click()
    page.get_by_role("link", name="Edit", exact=True).click()
    page.locator("#id_conclusions").fill("The AI management system is suitable and effective.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Send for approval").click()
    shoot("05-minutes-in-review")

    # The chair approves the minutes.
    chair_context = browser.new_context(viewport={"width": 1366, "height": 900})
    chair = chair_context.new_page()
    sign_in(chair, base, admin)
    minutes = ReviewMinutes.objects.get(review=review)
    chair.goto(f"{base}{minutes.get_absolute_url()}")
    chair.get_by_role("button", name="Approve").click()
    expect(chair.get_by_text("Approved", exact=True).first).to_be_visible()
    chair.screenshot(
        path=str(ARTIFACTS / request.node.name / "06-minutes-approved.png"), full_page=True
    )
    chair_context.close()
    review.refresh_from_db()
    minutes.refresh_from_db()
    assert (review.status, minutes.status) == ("approved", "approved")
    frozen = next(i for i in minutes.record["inputs"] if i["kind"] == "nonconformities")
    assert any(nc.reference in item["text"] for item in frozen["facts"]["items"])
