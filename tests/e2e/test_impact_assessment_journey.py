"""An officer classifies a CV-screening system under the EU AI Act, completes its impact
assessment, turns a harm into a risk and sends it for review; an administrator approves."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from aims.organizations.models import Organization
from impact_assessments.models import ImpactAssessment
from risks.models import Risk
from tests import factories
from tests.e2e.helpers import person, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTIONS = {
    "id_data_quality": "A sample of 500 past applications was checked for gaps.",
    "id_model_information": "The supplier's ranking model; its limits are in the contract.",
    "id_deployment_context": "The supplier's service, hosted in the EU.",
    "id_failures_and_misuse": "A low rank can keep a suitable applicant from being read.",
    "id_responsibilities": "People & Talent owns the use; the AI lead owns this assessment.",
    "id_conclusion": "Fit for the pilot while recruiters read every CV.",
}


def test_it_classifies_assesses_and_approves(live_server, browser, page, shoot, catalog):
    officer = person("olivia@example.test", "Olivia Officer", {"Alpha Insurance": "officer"})
    admin = person("adam@example.test", "Adam Admin", {"Alpha Insurance": "admin"})
    org = Organization.objects.get(slug="alpha")
    system = factories.AISystemFactory(
        organization=org,
        name="CV screening",
        intended_use="Recruiters see a ranked list and read every CV.",
        foreseeable_misuse="Rejecting applicants automatically.",
        geographies="United Kingdom",
        users_description="Job applicants; recruiters.",
        human_oversight="A recruiter decides every rejection.",
    )
    factories.AISystemDatasetFactory(ai_system=system, name="Applicant CVs")
    base = live_server.url
    sign_in(page, base, officer)

    # EU AI Act: a deployer of a hiring tool that profiles people is high-risk (Annex III 4).
    page.goto(f"{base}/o/alpha/ai-systems/{system.pk}/")
    tabs = page.get_by_role("navigation", name="Sections")
    tabs.get_by_role("link", name="EU AI Act").click()
    page.get_by_role("link", name="Classify").click()
    page.get_by_label("Our role under the Act").select_option("deployer")
    page.get_by_label(re.compile("4. Employment")).check()
    page.get_by_label("Profiles people").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("High-risk under Art. 6(2): Annex III area 4.")).to_be_visible()
    expect(page.get_by_text("Art. 26", exact=False).first).to_be_visible()
    shoot("01-classified")

    # The impact assessment starts from the inventory; the officer fills what is missing.
    page.get_by_role("navigation", name="Sections").get_by_role(
        "link", name="Impact assessments"
    ).click()
    page.get_by_role("button", name="Start or revise").click()
    expect(page.locator("#id_intended_uses")).to_have_value(
        "Recruiters see a ranked list and read every CV."
    )
    for field, text in SECTIONS.items():
        page.locator(f"#{field}").fill(text)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Impacts: record at least one benefit or harm.")).to_be_visible()
    shoot("02-sections-saved")

    page.get_by_role("link", name="Add an impact").click()
    page.get_by_label("Affected party").select_option(label="Users and affected people")
    page.get_by_label("Benefit or harm").select_option("harm")
    page.get_by_label("Area").select_option("fundamental_rights")
    page.get_by_label("Description").fill("Applicants with career breaks are ranked lower.")
    page.get_by_label("Severity").select_option("4")
    page.get_by_label("Likelihood").select_option("3")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Before it can go to review")).to_have_count(0)

    # The harm becomes a risk in the register, linked back to the assessment.
    page.get_by_role("button", name="Create a risk").click()
    expect(page).to_have_url(re.compile(r"/risks/\d+/edit/$"))
    risk = Risk.objects.get()
    assert risk.title.endswith("Applicants with career breaks are ranked lower.")
    page.goto(f"{base}/o/alpha/risks/{risk.pk}/")
    expect(page.get_by_text("From impact assessments")).to_be_visible()
    page.get_by_role("link", name="CV screening, v1").click()
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Sent for review.")).to_be_visible()
    shoot("03-in-review")

    # Someone other than the author approves.
    reviewer = browser.new_context(viewport={"width": 1366, "height": 900})
    admin_page = reviewer.new_page()
    sign_in(admin_page, base, admin)
    assessment = ImpactAssessment.objects.get()
    admin_page.goto(f"{base}/o/alpha/impact-assessments/{assessment.pk}/")
    admin_page.get_by_role("button", name="Approve").click()
    expect(admin_page.get_by_text("Approved. Any earlier approved version")).to_be_visible()
    reviewer.close()
    assessment.refresh_from_db()
    assert assessment.status == "approved" and assessment.approved_by == admin
