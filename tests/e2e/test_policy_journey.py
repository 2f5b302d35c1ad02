"""An officer adopts the starter AI policy, edits and sends it for review; an administrator
approves it (self-approval is off); the officer publishes it to the contributors; a
contributor acknowledges it, and the acknowledgement percentage moves from 0% to 100%."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from aims.organizations.models import Organization
from policies.models import Policy
from tests.e2e.helpers import person, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_drafts_approves_publishes_and_gets_acknowledged(live_server, browser, page, shoot):
    officer = person("olivia@example.test", "Olivia Officer", {"Alpha Insurance": "officer"})
    admin = person("adam@example.test", "Adam Admin", {"Alpha Insurance": "admin"})
    contributor = person(
        "carl@example.test", "Carl Contributor", {"Alpha Insurance": "contributor"}
    )
    org = Organization.objects.get(slug="alpha")
    assert not org.allow_self_approval
    base = live_server.url
    sign_in(page, base, officer)

    # Draft: adopt the starter AI policy, then make it ours.
    page.goto(f"{base}/o/alpha/policies/")
    page.get_by_role("link", name="Starter documents").click()
    page.get_by_role("button", name="Adopt AI policy").click()
    expect(page.get_by_text("Draft POL-AI started from the starter document")).to_be_visible()
    body = page.get_by_role("textbox", name="Text")
    body.fill(
        body.input_value() + "\n## Contact\n\nQuestions go to <script>x()</script>the AIMS owner.\n"
    )
    page.get_by_label("Summary of changes").fill("First version for Alpha Insurance.")
    page.get_by_label("Aligned with outside documents").fill(
        "Alpha information security policy | https://intranet.alpha.example/infosec"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Contact")).to_be_visible()
    expect(page.locator("[data-policy-body] script")).to_have_count(0)
    shoot("01-draft")
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("You prepared this version")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_be_disabled()
    shoot("02-self-approval-blocked")

    # Another person approves it.
    page.context.clear_cookies()
    sign_in(page, base, admin)
    policy = Policy.objects.get(organization=org, code="POL-AI")
    page.goto(f"{base}/o/alpha/policies/{policy.pk}/")
    page.get_by_label("Note").fill("Approved by the board on 2 December.")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved by Adam Admin")).to_be_visible()

    # The officer publishes it and asks the contributors.
    page.context.clear_cookies()
    sign_in(page, base, officer)
    page.goto(f"{base}/o/alpha/policies/{policy.pk}/")
    page.get_by_role("link", name="Publish").click()
    page.get_by_label("Contributor", exact=True).check()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published. 1 person was asked to acknowledge it.")).to_be_visible()
    expect(page.locator("strong[data-ack-percent]")).to_have_text("0%")
    expect(page.get_by_text("Pending")).to_be_visible()
    shoot("03-published")

    # The contributor acknowledges it from their list.
    page.context.clear_cookies()
    sign_in(page, base, contributor)
    page.goto(f"{base}/o/alpha/")
    page.get_by_role("link", name=re.compile("To acknowledge")).click()
    expect(page.get_by_text("1 waiting for you")).to_be_visible()
    shoot("04-to-acknowledge")
    page.get_by_role("button", name="Acknowledge POL-AI").click()
    expect(page.get_by_text("Thank you: you acknowledged POL-AI")).to_be_visible()
    expect(page.get_by_text("Nothing to acknowledge: you are up to date.")).to_be_visible()

    # The officer sees the percentage change.
    page.context.clear_cookies()
    sign_in(page, base, officer)
    page.goto(f"{base}/o/alpha/policies/")
    expect(page.locator("td [data-ack-percent]")).to_have_text("100%")
    page.goto(f"{base}/o/alpha/policies/{policy.pk}/acknowledgements/")
    expect(page.locator("strong[data-ack-percent]")).to_have_text("100%")
    shoot("05-acknowledged")
