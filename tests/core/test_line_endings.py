"""A text saved from a browser form keeps LF line breaks, as the API and imports write them,
so saving an unchanged form changes nothing (no false "changed" in history or comparisons)."""

from __future__ import annotations

from aims.inventory.forms import AISystemForm
from tests import factories


def test_crlf_from_a_browser_is_stored_as_lf(org, users):
    system = factories.AISystemFactory(organization=org, description="First line.\nSecond line.")
    data = {
        "name": system.name,
        "owner": "",
        "status": system.status,
        "description": "First line.\r\nSecond line.",
        "purpose": system.purpose,
        "intended_use": "Use it.\rCarefully.",
        "ai_roles": ["provider"],
        "lifecycle_stage": system.lifecycle_stage,
        "eu_ai_act_tier": system.eu_ai_act_tier,
        "review_interval_months": 12,
        "_version": system.version,
    }
    form = AISystemForm(data, instance=system, organization=org, user=users.admin)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["description"] == "First line.\nSecond line."
    assert form.cleaned_data["intended_use"] == "Use it.\nCarefully."
    form.save()
    system.refresh_from_db()
    assert system.description == "First line.\nSecond line."  # unchanged by the round trip
