"""Heatmaps count risks per cell and link each non-empty cell to the filtered register."""

from __future__ import annotations

from django.urls import reverse

from risks.heatmap import heatmap_counts, heatmap_svg
from risks.models import Risk
from tests import factories


def test_it_counts_risks_per_cell(org):
    factories.RiskFactory(organization=org, inherent_likelihood=3, inherent_impact=4)
    factories.RiskFactory(organization=org, inherent_likelihood=3, inherent_impact=4)
    factories.RiskFactory(
        organization=org,
        inherent_likelihood=5,
        inherent_impact=5,
        residual_likelihood=2,
        residual_impact=2,
    )
    risks = Risk.objects.filter(organization=org)
    assert heatmap_counts(risks, "inherent") == {(3, 4): 2, (5, 5): 1}
    assert heatmap_counts(risks, "residual") == {(2, 2): 1}
    criteria = factories.criteria_for(org)
    svg = heatmap_svg(
        criteria, {(3, 4): 2}, title="Inherent", link=lambda lk, im: f"?l={lk}&i={im}"
    )
    assert svg.count("<a ") == 1 and 'href="?l=3&amp;i=4"' in svg
    assert "High, 2 risks" in svg  # a label, never colour alone


def test_it_links_cells_to_the_filtered_register(org, users, client_for):
    in_cell = factories.RiskFactory(organization=org, inherent_likelihood=4, inherent_impact=2)
    factories.RiskFactory(organization=org, inherent_likelihood=1, inherent_impact=1)
    url = reverse("risks:risk_list", kwargs={"org": org.slug})
    client = client_for(users.viewer)
    page = client.get(url)
    html = page.content.decode()
    link = f"{url}?kind=risk&amp;inherent_likelihood=4&amp;inherent_impact=2"
    assert link in html
    assert "residual_likelihood=" not in html  # no residual scored: no residual links
    filtered = client.get(url, {"inherent_likelihood": 4, "inherent_impact": 2})
    assert [r.pk for r in filtered.context["page_obj"]] == [in_cell.pk]
    assert 'name="inherent_likelihood" value="4"' in filtered.content.decode()


def test_it_leaves_risks_on_older_criteria_out_of_the_heatmap(org, users, client_for):
    from risks.services import risk_criteria_revise
    from tests.risks.factories import CUSTOM_3X4

    factories.RiskFactory(organization=org, inherent_likelihood=5, inherent_impact=5)
    risk_criteria_revise(organization=org, user=users.admin, change_summary="3 × 4", **CUSTOM_3X4)
    page = client_for(users.viewer).get(reverse("risks:risk_list", kwargs={"org": org.slug}))
    assert page.status_code == 200
    assert "inherent_likelihood=5" not in page.content.decode()
