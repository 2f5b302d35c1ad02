"""A.3.3 in the browser: an officer opens a reporting link, someone without an account
reports through it and keeps the follow-up code, the officer resolves the concern with a
reply, and the reporter reads it with the code. The officer never sees who it was."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from policies.models import Concern
from tests.e2e.helpers import person, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_anonymous_concern_is_raised_resolved_and_followed_up(live_server, page, browser, shoot):
    officer = person("olivia@example.test", "Olivia Officer", {"Alpha Insurance": "officer"})
    sign_in(page, live_server.url, officer)
    page.goto(f"{live_server.url}/o/alpha/concerns/")
    expect(page.get_by_text("No reporting link yet")).to_be_visible()
    page.get_by_role("link", name="Add a reporting link").click()
    page.locator("#id_name").fill("Staff and contractors")
    page.get_by_label("accept anonymous reports through a secret link").check()
    page.locator("#id_intro").fill("Tell us what worries you about our AI.")
    page.get_by_role("button", name="Save").click()
    link = page.locator("dd .mono").inner_text().strip()
    assert re.match(r"^http://.+/report/[\w-]+/$", link)
    shoot("01-reporting-link")

    visitor = browser.new_page()
    visitor.goto(link)
    expect(
        visitor.get_by_role("heading", name="Raise a concern with Alpha Insurance")
    ).to_be_visible()
    visitor.get_by_role("button", name="Send the concern").click()
    expect(visitor.locator("#form-errors")).to_be_visible()  # nothing filled in
    visitor.locator("#id_summary").fill("Claims bot denies claims in Welsh")
    visitor.locator("#id_category").select_option("fairness")
    visitor.locator("#id_description").fill("Claims written in Welsh are refused far more often.")
    visitor.get_by_role("button", name="Send the concern").click()
    code = visitor.locator("#follow-up-code").inner_text().strip()
    assert re.match(r"^[0-9A-F]{4}(-[0-9A-F]{4}){3}$", code)

    page.goto(f"{live_server.url}/o/alpha/concerns/")
    page.get_by_role("link", name=re.compile("Claims bot denies claims in Welsh")).click()
    expect(page.get_by_text("Raised anonymously through the link", exact=False)).to_be_visible()
    page.get_by_role("button", name="Take under review").click()
    expect(page.get_by_text("The concern is under review.")).to_be_visible()
    page.get_by_label("Resolved").check()
    page.locator("#id_resolution").fill("Language detection fixed; Welsh claims re-reviewed.")
    page.locator("#id_reply").fill("Thank you. Every refused Welsh claim is being reviewed again.")
    page.get_by_role("button", name="Close").click()
    expect(page.get_by_text("The concern is closed.")).to_be_visible()
    shoot("02-concern-resolved")

    visitor.get_by_role("link", name="Check the status of a concern").click()
    visitor.locator("#id_code").fill(code)
    visitor.get_by_role("button", name="Check").click()
    expect(
        visitor.get_by_text("Every refused Welsh claim is being reviewed again.")
    ).to_be_visible()
    expect(visitor.get_by_text("Resolved")).to_be_visible()
    visitor.close()
    assert Concern.objects.get().reporter_id is None
