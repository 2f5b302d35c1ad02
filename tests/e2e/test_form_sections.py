"""The steps above a long form tick a section only once it is filled: every required field
set and something entered. An empty section of optional fields gets no tick."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import person, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_new_risk_form_ticks_only_filled_sections(live_server, page, shoot):
    officer = person("sam@example.test", "Sam Sections", {"Delta Bank": "officer"})
    sign_in(page, live_server.url, officer)
    page.goto(f"{live_server.url}/o/delta/risks/add/")
    steps = page.locator(".form-steps")
    identification = steps.get_by_role("link", name="Identification")
    consequences = steps.get_by_role("link", name="Consequences")
    expect(identification).to_be_visible()
    shoot("01-new-risk-nothing-ticked")
    # Nothing entered in the optional sections, required fields empty: no tick. (Ownership
    # and review is filled by its defaults, a status and an interval, so it may be ticked.)
    for name in ("Identification", "Consequences", "Inherent level", "Treatment", "Residual level"):
        expect(steps.get_by_role("link", name=name)).not_to_have_class("complete")

    # Something typed in an optional section: now it is filled.
    page.locator("#id_consequences_organization").fill("Fines and lost customers.")
    expect(consequences).to_have_class("complete")
    # A section is not filled while a required field is empty.
    page.locator("#id_title").fill("Biased credit decisions")
    expect(identification).not_to_have_class("complete")
    shoot("02-one-section-ticked")
