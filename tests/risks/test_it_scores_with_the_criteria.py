"""Scores map to bands through the criteria's matrix: the default 5 × 5 and a custom 3 × 4."""

from __future__ import annotations

import pytest
from django.urls import reverse

from risks.services import risk_criteria_revise
from tests import factories
from tests.risks.factories import CUSTOM_3X4


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "band", "rank"),
    [
        (1, 1, 1, "low", 0),
        (3, 3, 9, "medium", 1),
        (2, 5, 10, "high", 2),
        (4, 4, 16, "high", 2),
        (5, 4, 20, "critical", 3),
        (5, 1, 5, "medium", 1),
    ],
)
def test_it_maps_the_default_5x5(org, likelihood, impact, score, band, rank):
    risk = factories.RiskFactory(
        organization=org, inherent_likelihood=likelihood, inherent_impact=impact
    )
    risk.refresh_from_db()
    assert (risk.inherent_score, risk.inherent_level, risk.inherent_rank) == (score, band, rank)
    assert risk.criteria.number == 1
    assert risk.criteria.likelihood_count == risk.criteria.impact_count == 5


def test_it_maps_a_custom_3x4(org, users):
    criteria = risk_criteria_revise(
        organization=org, user=users.admin, change_summary="3 × 4", **CUSTOM_3X4
    )
    assert criteria.level(1, 4) == (4, "amber", 1)
    assert criteria.level(3, 3) == (9, "red", 2)
    risk = factories.RiskFactory(
        organization=org,
        criteria=criteria,
        inherent_likelihood=2,
        inherent_impact=4,
        residual_likelihood=1,
        residual_impact=2,
    )
    risk.full_clean()
    risk.save()
    risk.refresh_from_db()
    assert (risk.inherent_level, risk.inherent_rank) == ("red", 2)
    assert (risk.residual_level, risk.residual_score) == ("green", 2)


def test_it_offers_the_criteria_labels_in_the_form(org, users, client_for):
    risk_criteria_revise(organization=org, user=users.admin, change_summary="3 × 4", **CUSTOM_3X4)
    response = client_for(users.officer).get(reverse("risks:risk_add", kwargs={"org": org.slug}))
    assert response.status_code == 200
    form = response.context["form"]
    assert [label for _v, label in form.fields["inherent_likelihood"].choices] == [
        "— choose —",
        "1 · Seldom",
        "2 · Sometimes",
        "3 · Often",
    ]
    assert len(form.fields["inherent_impact"].choices) == 5  # a blank, then four levels
    assert form.fields["residual_impact"].choices[0][0] == ""


def test_it_scores_a_risk_added_in_the_ui(org, users, client_for):
    response = client_for(users.officer).post(
        reverse("risks:risk_add", kwargs={"org": org.slug}),
        {
            "title": "Drift",
            "description": "Accuracy falls over time.",
            "inherent_likelihood": 4,
            "inherent_impact": 5,
            "residual_likelihood": 2,
            "residual_impact": 3,
            "status": "assessed",
            "review_interval_months": 12,
        },
    )
    assert response.status_code == 302
    from risks.models import Risk

    risk = Risk.objects.get(organization=org)
    assert (risk.inherent_level, risk.residual_level) == ("critical", "medium")
    detail = client_for(users.viewer).get(risk.get_absolute_url())
    html = detail.content.decode()
    assert "Critical" in html and "Medium" in html and "#b91c1c" in html
