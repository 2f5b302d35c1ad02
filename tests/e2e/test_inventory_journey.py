"""A compliance officer's first journey: sign in, switch organisation, record an AI system,
find it in the list and see its creation in the History tab."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from aims.core.changelog import change_context
from aims.inventory.models import AISystem
from aims.organizations.models import Membership, Organization, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def officer(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with change_context(source="import"):
        user = User.objects.create_user("olivia@example.test", PASSWORD, full_name="Olivia Officer")
        first = Organization.objects.create(name="Alpha Insurance", slug="alpha")
        second = Organization.objects.create(name="Beta Lending", slug="beta")
        Membership.objects.create(organization=first, user=user, role="officer")
        Membership.objects.create(organization=second, user=user, role="officer")
    return user


def test_it_records_an_ai_system_and_shows_it_in_list_and_history(
    live_server, page, shoot, officer
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill(officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

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
    page.locator("#id_ai_role").select_option("deployer")
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
