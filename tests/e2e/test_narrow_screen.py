"""On a phone-sized screen the navigation folds behind a Menu button instead of stacking
above the page; on a desktop the sidebar shows as always and the button is hidden."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import person, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_navigation_folds_behind_a_menu_button_at_390_px(live_server, page, shoot):
    officer = person("nina@example.test", "Nina Narrow", {"Delta Bank": "officer"})
    sign_in(page, live_server.url, officer)
    nav = page.get_by_role("navigation", name="Main navigation")
    menu = page.get_by_role("button", name="Menu")
    expect(nav).to_be_visible()  # desktop width: the sidebar as always
    expect(menu).to_be_hidden()

    page.set_viewport_size({"width": 390, "height": 844})
    expect(menu).to_be_visible()
    expect(nav).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()  # the page, not the menu
    shoot("01-phone-menu-closed")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    shoot("02-phone-menu-open")
    nav.get_by_role("link", name="Risk register").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Risk register")
    expect(nav).to_be_hidden()  # a new page starts with the menu folded
