"""In a real browser: start a risk from the library, score it, find it through the heatmap
and the HTMX filter bar, and see its level on the detail page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import person, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer():
    return person("rita@example.test", "Rita Risk", {"Gamma Credit": "officer"})


def test_it_starts_scores_and_finds_a_risk(live_server, page, shoot, officer, catalog):
    sign_in(page, live_server.url, officer)
    expect(page).to_have_url(re.compile(r"/o/gamma/$"))

    page.goto(f"{live_server.url}/o/gamma/risks/library/?category=Model")
    item = page.locator("article", has_text="Hallucinated answers reach customers")
    item.get_by_role("link", name="Start a risk from this").click()
    expect(page.get_by_text("Pre-filled from library item RL-04")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("Hallucinated answers reach customers")
    shoot("01-started-from-library")

    # Saving without scores is refused and keeps what was pre-filled.
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("Hallucinated answers reach customers")
    page.locator("#id_inherent_likelihood").select_option("4")
    page.locator("#id_inherent_impact").select_option("4")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("Hallucinated answers"))).to_be_visible()
    expect(page.locator(".risk-levels")).to_contain_text("High")
    shoot("02-detail")

    page.goto(f"{live_server.url}/o/gamma/risks/")
    page.get_by_role(
        "link", name=re.compile(r"Likelihood Likely, impact Major: High, 1 risks")
    ).click()
    expect(page).to_have_url(re.compile(r"inherent_likelihood=4&inherent_impact=4"))
    expect(page.locator(".count")).to_have_text("1 record")
    shoot("03-heatmap-cell")

    page.goto(f"{live_server.url}/o/gamma/risks/")
    page.get_by_label("Inherent level").select_option("critical")
    expect(page.locator("#results")).to_contain_text("Nothing matches these filters.")
    page.get_by_label("Inherent level").select_option("high")
    expect(page.locator("#results")).to_contain_text("Hallucinated answers reach customers")
    shoot("04-filtered")
