"""A compliance officer takes a risk from the library to an approved Statement of
Applicability: start and score the risk, link an Annex A control, upload a PDF as evidence
for that control, prepare and send the SoA for review; a second officer approves it."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from aims.core.changelog import change_context
from aims.evidence.models import EvidenceItem
from aims.organizations.models import Organization, User
from controls.models import ControlImplementation, SoAVersion
from risks.models import Risk
from tests import factories
from tests.e2e.helpers import person
from tests.e2e.helpers import sign_in as sign_in_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CONTROL_REF = "A.6.2.6"
CONTROL_TITLE = "AI system operation and monitoring"


@pytest.fixture
def people(catalog):
    from controls.catalog import load_catalog
    from controls.services import controls_ensure_for

    load_catalog()  # idempotent; the shared fixture only reloads after a flush
    author = person("carla@example.test", "Carla Compliance", {"Delta Mutual": "officer"})
    approver = person("aaron@example.test", "Aaron Approver", {"Delta Mutual": "admin"})
    org = Organization.objects.get(slug="delta")
    with change_context(source="import"):
        controls_ensure_for(organization=org)
    # Decided beforehand: an SoA version is approved only when every row is decided.
    factories.decide_every_control(org, applicability="applicable")
    return org, author, approver


def sign_in(page: Page, base: str, user: User) -> None:
    sign_in_form(page, base, user)
    expect(page).to_have_url(re.compile(r"/o/delta/$"))


def test_it_takes_a_library_risk_to_an_approved_soa(live_server, page, shoot, people, tmp_path):
    org, author, approver = people
    base = live_server.url
    control = ControlImplementation.objects.get(organization=org, ref=CONTROL_REF)

    # 1. Sign in as the compliance officer.
    sign_in(page, base, author)
    shoot("01-dashboard")

    # 2. Risk register → More → Risk library; start a risk from an item and score it.
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name=re.compile("Risk register")
    ).click()
    page.locator(".page-header .action-menu summary").click()
    page.get_by_role("link", name="Risk library").click()
    expect(page.get_by_role("heading", name="Risk library", level=1)).to_be_visible()
    item = page.locator("article", has_text="Hallucinated answers reach customers")
    item.get_by_role("link", name="Start a risk from this").click()
    expect(page.get_by_text("Pre-filled from library item RL-04")).to_be_visible()
    page.get_by_label("Likelihood").first.select_option("4")
    page.locator("#id_inherent_impact").select_option("3")
    shoot("02-risk-from-library")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("heading", name=re.compile("Hallucinated answers reach customers"))
    ).to_be_visible()
    expect(page.locator(".risk-levels")).to_be_visible()
    shoot("03-risk-detail")
    risk = Risk.objects.get(organization=org, title="Hallucinated answers reach customers")
    assert (risk.inherent_likelihood, risk.inherent_impact) == (4, 3)
    assert risk.library_code == "RL-04"

    # 3. Edit the risk and add an Annex A control to the ones the library suggested.
    page.get_by_role("link", name="Edit", exact=True).click()
    controls = page.get_by_label("Controls", exact=True)
    chosen = controls.evaluate("s => Array.from(s.selectedOptions, o => o.value)")
    controls.select_option(value=[*chosen, str(control.pk)])
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("heading", name=re.compile("Hallucinated answers reach customers"))
    ).to_be_visible()
    page.get_by_role("link", name="Controls & evidence").click()
    linked = page.locator("section", has=page.locator("#controls-h"))
    row = linked.locator("tr", has_text=CONTROL_REF)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(CONTROL_TITLE)
    shoot("04-risk-controls")
    assert risk.controls.filter(pk=control.pk).exists()

    # 4. Upload a PDF as evidence, the control pre-chosen through ?control=.
    pdf = tmp_path / "monitoring-report.pdf"
    pdf.write_bytes(PDF)
    add = reverse("evidence:evidence_add", kwargs={"org": org.slug})
    page.goto(f"{base}{add}?control={control.pk}")
    expect(page.get_by_role("heading", name="New evidence")).to_be_visible()
    page.get_by_label("Title").fill("Monthly monitoring report")
    page.get_by_role("radio", name="File").check()
    page.locator("#id_file").set_input_files(str(pdf))
    expect(page.locator("#id_controls option:checked")).to_contain_text(CONTROL_REF)
    shoot("05-evidence-form")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("heading", name=re.compile("Monthly monitoring report"))
    ).to_be_visible()
    expect(page.locator(".evidence-hash")).to_have_text(hashlib.sha256(PDF).hexdigest())
    expect(page.get_by_text("monitoring-report.pdf")).to_be_visible()
    shoot("06-evidence-detail")
    evidence = EvidenceItem.objects.get(organization=org, title="Monthly monitoring report")
    assert list(evidence.controls.all()) == [control]

    page.goto(f"{base}{control.get_absolute_url()}")
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Evidence (1)").click()
    expect(page.locator(".tab-panel table")).to_contain_text("Monthly monitoring report")
    shoot("07-control-evidence")

    # 5. Prepare the SoA for approval and send it for review.
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="SoA versions"
    ).click()
    page.get_by_role("button", name="Prepare for approval").click()
    expect(page.get_by_text("Draft v1 holds a copy of the live SoA.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Version 1"))).to_be_visible()
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Sent for review.")).to_be_visible()
    # The author may not approve their own version.
    expect(page.get_by_role("button", name="Approve")).to_be_disabled()
    shoot("08-soa-in-review")

    # Sign out; the second officer signs in and approves.
    page.locator(".user-menu summary").click()
    page.get_by_role("menuitem", name="Sign out").click()
    sign_in(page, base, approver)
    page.goto(f"{base}{reverse('controls:soa_version_list', kwargs={'org': org.slug})}")
    page.get_by_role("link", name="v1", exact=True).click()
    page.get_by_label("Note").fill("Checked against the risk register.")
    page.get_by_role("button", name="Approve").click()
    expect(
        page.get_by_text("Approved. Any earlier approved version is now superseded.")
    ).to_be_visible()
    expect(page.locator(".page-header h1")).to_contain_text("Approved")
    expect(page.get_by_role("button", name="Start a new version")).to_be_visible()
    # The frozen copy records the control with its linked risk and evidence.
    frozen = page.locator(".soa-table tr", has_text=f"{CONTROL_REF} {CONTROL_TITLE}")
    expect(frozen.locator("td.num")).to_have_text(["1", "1"])
    shoot("09-soa-approved")

    version = SoAVersion.objects.get(organization=org, number=1)
    assert version.status == "approved"
    assert version.author == author and version.approved_by == approver
