"""An auditor asks for information, the officer answers with evidence, the auditor opens it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from aims.organizations.models import Organization
from tests import factories
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.helpers import person, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_asks_answers_with_evidence_and_shows_the_thread(
    live_server, browser, shoot, page, request
):
    officer = person("olivia@example.test", "Olivia Officer", {"Alpha Insurance": "officer"})
    auditor = person("arthur@certifier.test", "Arthur Auditor", {"Alpha Insurance": "auditor"})
    org = Organization.objects.get(slug="alpha")
    factories.engage(org, auditor, name="Stage 2 audit")
    factories.EvidenceItemFactory(organization=org, title="Access review Q3")

    sign_in(page, live_server.url, auditor)
    page.goto(f"{live_server.url}/o/alpha/information-requests/")
    expect(page.get_by_role("heading", name="Information requests")).to_be_visible()
    page.get_by_role("link", name=re.compile("Add information request")).first.click()
    page.locator("#id_title").fill("Access reviews of the last quarter")
    page.locator("#id_details").fill("The signed review records for Q3.")
    shoot("01-auditor-asks")
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_role("heading", name=re.compile("Access reviews"))).to_be_visible()
    expect(page.get_by_text("No answer yet")).to_be_visible()
    shoot("02-auditor-sees-request")

    other = browser.new_context(viewport={"width": 1366, "height": 900})
    officer_page = other.new_page()
    sign_in(officer_page, live_server.url, officer)
    expect(officer_page).to_have_url(re.compile(r"/o/alpha/$"))
    officer_page.goto(f"{live_server.url}/o/alpha/information-requests/")
    officer_page.get_by_role("link", name=re.compile("IR-0001")).click()
    expect(officer_page.get_by_role("heading", name="Answer")).to_be_visible()
    officer_page.locator("#id_body").fill("Here is the Q3 review.")
    officer_page.locator("#id_evidence").select_option(label="Access review Q3")
    officer_page.get_by_role("button", name="Send answer").click()
    expect(officer_page.get_by_text("Here is the Q3 review.")).to_be_visible()
    folder = ARTIFACTS / request.node.name
    officer_page.screenshot(path=str(folder / "03-officer-answered.png"), full_page=True)
    officer_page.goto(f"{live_server.url}/o/alpha/information-requests/")
    expect(officer_page.get_by_text("1 record")).to_be_visible()
    officer_page.screenshot(path=str(folder / "03b-officer-list.png"), full_page=True)
    other.close()

    page.reload()
    expect(page.get_by_text("Here is the Q3 review.")).to_be_visible()
    page.get_by_role("link", name="Access review Q3").click()
    expect(page.get_by_role("heading", name=re.compile("Access review Q3"))).to_be_visible()
    shoot("04-auditor-opens-evidence")
