"""/api/docs/ renders offline and under the Content-Security-Policy: Swagger UI's files come
from this site (drf-spectacular-sidecar), its start-up script from a URL, and the operations
list appears. The ``page`` fixture aborts every request outside the live server and fails on
any CSP violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import person, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_offline_under_the_policy(live_server, page, shoot):
    officer = person("dora@example.test", "Dora Docs", {"Delta Data": "officer"})
    sign_in(page, live_server.url, officer)
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("AIMS API")
    expect(page.locator(".opblock").first).to_be_visible()
    # Swagger UI renders the sections near the viewport only: look at both ends of the list.
    expect(page.locator(".opblock-tag", has_text="ai-act-classifications")).to_be_visible()
    page.mouse.wheel(0, 200_000)
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/treatment-actions/").first
    ).to_be_visible()
    shoot("01-api-docs")


def test_the_pages_scripts_work_under_the_policy(live_server, page, catalog):
    """Band colours, auto-submitting filters and select-on-focus (formerly inline) still work."""
    officer = person("cleo@example.test", "Cleo Colour", {"Echo Lending": "officer"})
    sign_in(page, live_server.url, officer)
    page.goto(f"{live_server.url}/o/echo/risks/criteria/")
    cell = page.locator(".matrix-cell").first
    expect(cell).to_be_visible()
    assert cell.evaluate("el => el.style.getPropertyValue('--band')").startswith("#")
    page.goto(f"{live_server.url}/o/echo/risks/library/")
    page.locator("#f-category").select_option(index=1)
    page.wait_for_url("**/library/?*category=*")
