"""A record's history and the activity log read as a person would write them: field
labels, names, references and choice labels, with derived columns left out."""

from __future__ import annotations

from django.urls import reverse

from aims.core.api import etag_for
from tests import factories


def test_a_risk_history_names_people_controls_and_choices(
    catalog, org, users, client_for, api_client_for
):
    risk = factories.RiskFactory(organization=org, title="Prompt injection", status="assessed")
    control = factories.ControlImplementationFactory(
        organization=org, ref="ORG-7", title="Red team"
    )
    response = api_client_for(users.officer).patch(
        f"/api/v1/risks/{risk.pk}/",
        {
            "owner": users.contributor.pk,
            "controls": [control.pk],
            "treatment_option": "modify",
            "residual_likelihood": 1,
            "residual_impact": 1,
        },
        format="json",
        HTTP_IF_MATCH=etag_for(risk),
    )
    assert response.status_code == 200, response.content
    url = reverse("risks:risk_history", kwargs={"org": org.slug, "pk": risk.pk})
    page = client_for(users.viewer).get(url)
    assert page.status_code == 200
    changes = {c.label: (c.before, c.after) for e in page.context["page_obj"] for c in e.changes}
    assert changes["owner"] == ("—", "Acme Contributor")
    assert changes["treatment option"] == ("—", "Modify (reduce)")
    assert "ORG-7" in changes["controls"][1]
    assert not any("rank" in label or "score" in label for label in changes)
    html = page.content.decode()
    assert "residual rank" not in html and "[" + str(control.pk) + "]" not in html


def test_the_activity_log_lists_field_labels_not_columns(org, users, client_for):
    system = factories.AISystemFactory(organization=org)
    system.owner = users.officer
    system.save()
    page = client_for(users.admin).get(reverse("organizations:activity", kwargs={"org": org.slug}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "owner_id" not in html and "organization_id" not in html
