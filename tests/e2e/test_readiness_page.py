"""An officer reads the readiness page: checked and declared clauses told apart, and the
contradictions across records listed and flagged on the clause they concern."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from aims.core.changelog import change_context
from aims.organizations.models import Organization
from controls.models import ClauseStatus, ControlImplementation
from tests import factories
from tests.e2e.helpers import person, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer(catalog):
    from controls.catalog import load_catalog
    from controls.services import controls_ensure_for

    load_catalog()  # idempotent; the shared fixture only reloads after a flush
    user = person("carla@example.test", "Carla Compliance", {"Delta Mutual": "officer"})
    org = Organization.objects.get(slug="delta")
    with change_context(source="import"):
        controls_ensure_for(organization=org)
        control = ControlImplementation.objects.get(organization=org, ref="A.5.2")
        control.applicability, control.justification = "not_applicable", "Not needed."
        control.save()
        factories.AISystemFactory(
            organization=org, name="Credit scorer", eu_ai_act_tier="high_risk"
        )
        status = ClauseStatus.objects.get(organization=org, requirement__ref="5.1")
        status.status, status.notes = "ready", "The board reviewed the AIMS in May."
        status.declared_by, status.declared_at = user, timezone.now()
        status.save()
        factories.EvidenceItemFactory(organization=org, title="Board minute").clauses.add(
            status.requirement
        )
    return user


def test_the_readiness_page_tells_checked_from_declared_and_lists_contradictions(
    live_server, page: Page, shoot, officer
):
    sign_in(page, live_server.url, officer)
    page.goto(live_server.url + reverse("readiness:readiness", kwargs={"org": "delta"}))
    expect(page.get_by_role("heading", name="Contradictions across records")).to_be_visible()
    row = page.locator("#clause-5\\.1")
    expect(row).to_contain_text("Declared")
    expect(row).to_contain_text("Declared ready by Carla Compliance")
    expect(page.locator("#clause-6\\.1\\.4")).to_contain_text("Contradiction")
    expect(page.locator("#contradiction-high_risk_without_assessment")).to_contain_text(
        "Credit scorer"
    )
    shoot("readiness")
