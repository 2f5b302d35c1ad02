"""A compliance officer's first journey: sign in, switch organisation, record an AI system,
find it in the list and see its creation in the History tab."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from aims.inventory.models import AISystem
from tests.e2e.helpers import person, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer():
    return person(
        "olivia@example.test",
        "Olivia Officer",
        {"Alpha Insurance": "officer", "Beta Lending": "officer"},
    )


def test_it_records_an_ai_system_and_shows_it_in_list_and_history(
    live_server, page, shoot, officer
):
    sign_in(page, live_server.url, officer)

    # Two organisations and none chosen yet: the product asks which one.
    expect(page.get_by_role("heading", name="Your organisations")).to_be_visible()
    shoot("01-choose-organisation")
    page.get_by_role("link", name="Alpha Insurance").click()
    expect(page).to_have_url(re.compile(r"/o/alpha/$"))

    # Switch to the other organisation from the switcher at the top of the menu.
    page.locator(".org-switcher summary").click()
    page.locator(".org-switcher .menu").get_by_role("link", name=re.compile("Beta Lending")).click()
    expect(page).to_have_url(re.compile(r"/o/beta/$"))
    expect(page.locator(".org-switcher .org-name")).to_have_text("Beta Lending")
    shoot("02-dashboard-beta")

    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name=re.compile("AI systems")
    ).click()
    expect(page.get_by_text("No AI systems yet")).to_be_visible()
    page.get_by_role("link", name="Add AI system").first.click()

    # A first save with a required field missing keeps everything typed.
    page.locator("#id_name").fill("Claims triage assistant")
    page.locator("#id_description").fill("Sorts incoming claims by urgency and likely fraud.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#id_name")).to_have_value("Claims triage assistant")
    shoot("03-form-errors-keep-input")

    page.locator("#id_purpose").fill("Get urgent claims to a handler within the hour.")
    page.locator("#id_intended_use").fill("Claims handlers see a suggested priority; they decide.")
    page.get_by_label("AI customer / user").check()
    page.locator("#id_lifecycle_stage").select_option("deployment")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name=re.compile("Claims triage assistant"))).to_be_visible()
    expect(page.get_by_text("Saved “Claims triage assistant”.")).to_be_visible()
    shoot("04-detail")

    system = AISystem.objects.get(name="Claims triage assistant")
    assert system.organization.slug == "beta"
    assert system.lifecycle_stage == "deployment"

    # Find it in the list with the search box (the table updates in place).
    page.get_by_role("link", name="AI systems").first.click()
    # htmx binds the live filter once the page has loaded (its script is deferred): typing
    # earlier would be a plain field edit, applied with the Apply button.
    page.wait_for_load_state("load")
    page.wait_for_function("window.htmx !== undefined && document.readyState === 'complete'")
    page.get_by_label("Search").fill("triage")
    expect(page).to_have_url(re.compile(r"q=triage"))
    row = page.locator("#results table tbody tr")
    expect(row).to_have_count(1)
    expect(row.first).to_contain_text("Claims triage assistant")
    shoot("05-list-filtered")

    # The History tab shows who created it, and from where.
    row.first.get_by_role("link", name="Claims triage assistant").click()
    page.get_by_role("link", name="History").click()
    entry = page.locator(".timeline-item").first
    expect(entry).to_contain_text("Created")
    expect(entry).to_contain_text("Olivia Officer")
    expect(entry).to_contain_text("Web interface")
    shoot("06-history")
