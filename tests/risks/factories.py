"""Helpers for the risk tests (the shared factories live in tests/factories.py)."""

from __future__ import annotations

from typing import Any

from risks.models import RiskCriteria
from risks.services import risk_criteria_current

# A custom 3 × 4: three likelihood levels, four impact levels, three bands.
CUSTOM_3X4: dict[str, Any] = {
    "name": "Three by four",
    "likelihood_levels": [
        {"label": "Seldom", "description": "Less than once in five years."},
        {"label": "Sometimes", "description": "About once a year."},
        {"label": "Often", "description": "Several times a year."},
    ],
    "impact_levels": [
        {"label": "Trivial", "description": ""},
        {"label": "Noticeable", "description": ""},
        {"label": "Serious", "description": ""},
        {"label": "Grave", "description": ""},
    ],
    "bands": [
        {"key": "green", "label": "Green", "colour": "#2e7d32"},
        {"key": "amber", "label": "Amber", "colour": "#b7791f"},
        {"key": "red", "label": "Red", "colour": "#b91c1c"},
    ],
    "matrix": [
        ["green", "green", "amber", "amber"],
        ["green", "amber", "amber", "red"],
        ["amber", "amber", "red", "red"],
    ],
    "acceptance_band": "green",
}


def old_version(organization, **overrides: Any) -> RiskCriteria:
    """A non-current criteria version (an earlier one), created directly."""
    current = risk_criteria_current(organization=organization)
    number = (
        RiskCriteria.objects.filter(organization=organization).order_by("-number").first().number
    )
    values = {
        "name": current.name,
        "likelihood_levels": current.likelihood_levels,
        "impact_levels": current.impact_levels,
        "bands": current.bands,
        "matrix": current.matrix,
        "acceptance_band": current.acceptance_band,
        "change_summary": "Earlier wording.",
        **overrides,
    }
    return RiskCriteria.objects.create(
        organization=organization, number=number + 1, is_current=False, **values
    )


def criteria_post_data(values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The criteria edit form's text fields for ``values``."""
    from risks.forms import bands_text, levels_text, matrix_text

    data = {
        "name": values["name"],
        "likelihood_levels": levels_text(values["likelihood_levels"]),
        "impact_levels": levels_text(values["impact_levels"]),
        "bands": bands_text(values["bands"]),
        "matrix": matrix_text(values["matrix"]),
        "acceptance_band": values["acceptance_band"],
        "impact_rule": values.get("impact_rule", "worst"),
        "change_summary": "Adopted a simpler scale.",
    }
    data.update(extra)
    return data
