"""Approving an assessment freezes it; two approved assessments can be compared."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from risks.models import RiskAssessment
from risks.services import risk_assessment_approve
from tests import factories


def _url(name, org, **kwargs):
    return reverse(f"risks:{name}", kwargs={"org": org.slug, **kwargs})


def _approved(org, user, **kwargs):
    assessment = factories.RiskAssessmentFactory(organization=org, **kwargs)
    return risk_assessment_approve(assessment=assessment, user=user)


def test_it_freezes_the_register_on_approval(org, users, client_for):
    risk = factories.RiskFactory(
        organization=org, title="Prompt injection", owner=users.officer, status="assessed"
    )
    assessment = factories.RiskAssessmentFactory(organization=org)
    assessment.participants.add(users.contributor)
    client = client_for(users.officer)
    response = client.post(_url("assessment_approve", org, pk=assessment.pk))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.is_frozen and assessment.approved_by == users.officer
    assert assessment.snapshot["participants"] == ["Acme Contributor"]
    (row,) = assessment.snapshot["risks"]
    assert row["title"] == "Prompt injection" and row["inherent"] == [3, 4, "high"]

    # Later edits to the register do not reach the frozen record.
    risk.title = "Prompt injection via e-mail"
    risk.inherent_likelihood = 1
    risk.save()
    assessment.participants.add(users.viewer)
    assessment.refresh_from_db()
    assert assessment.snapshot["risks"][0]["title"] == "Prompt injection"
    page = client.get(assessment.get_absolute_url())
    html = page.content.decode()
    assert "Prompt injection" in html and "via e-mail" not in html
    assert "Acme Viewer" not in html  # participants shown as frozen
    assert "Approve and freeze" not in html


def test_it_refuses_changes_to_an_approved_assessment(org, users, client_for, api_client_for):
    assessment = _approved(org, users.admin)
    client = client_for(users.admin)
    assert client.get(_url("assessment_edit", org, pk=assessment.pk)).status_code == 403
    assert (
        client.post(_url("assessment_edit", org, pk=assessment.pk), {"title": "x"}).status_code
        == 403
    )
    assert client.post(_url("assessment_delete", org, pk=assessment.pk)).status_code == 403
    api = api_client_for(users.admin)
    response = api.patch(
        f"/api/v1/risk-assessments/{assessment.pk}/", {"title": "Rewritten"}, format="json"
    )
    assert response.status_code == 400
    assert "approved" in response.json()["non_field_errors"][0]
    assert api.delete(f"/api/v1/risk-assessments/{assessment.pk}/").status_code == 400
    again = api.post(f"/api/v1/risk-assessments/{assessment.pk}/approve/")
    assert again.status_code == 400
    assessment.refresh_from_db()
    assert assessment.title != "Rewritten"
    assert RiskAssessment.objects.filter(pk=assessment.pk).exists()


def test_it_lets_only_officers_approve(org, users, api_client_for):
    assessment = factories.RiskAssessmentFactory(organization=org)
    url = f"/api/v1/risk-assessments/{assessment.pk}/approve/"
    assert api_client_for(users.contributor).post(url).status_code == 403
    assert api_client_for(users.outsider).post(url).status_code == 404
    response = api_client_for(users.officer).post(url)
    assert response.status_code == 200
    assert response.json()["status"] == "approved"


def _two_assessments(org, users):
    kept = factories.RiskFactory(organization=org, title="Kept", status="assessed")
    closed = factories.RiskFactory(organization=org, title="Closed later", status="assessed")
    dropped = factories.RiskFactory(organization=org, title="Deleted later", status="assessed")
    first = _approved(org, users.admin, title="Q1")
    kept.inherent_likelihood = 5
    kept.save()
    closed.status = "closed"
    closed.save()
    dropped.delete()
    added = factories.RiskFactory(organization=org, title="Found in Q2", status="assessed")
    second = _approved(org, users.admin, title="Q2")
    return first, second, kept, closed, dropped, added


def test_it_compares_two_approved_assessments(org, users, client_for):
    first, second, *_ = _two_assessments(org, users)
    page = client_for(users.viewer).get(
        _url("assessment_compare", org), {"old": first.pk, "new": second.pk}
    )
    assert page.status_code == 200
    diff = page.context["diff"]
    assert [r["title"] for r in diff["new"]] == ["Found in Q2"]
    assert {r["title"] for r in diff["closed"]} == {"Closed later", "Deleted later"}
    (changed,) = diff["changed"]
    assert changed["risk"]["title"] == "Kept"
    assert {"field": "inherent", "before": [3, 4, "high"], "after": [5, 4, "critical"]} in changed[
        "fields"
    ]
    html = page.content.decode()
    assert "Found in Q2" in html and "Deleted later" in html


def test_it_compares_in_the_api(org, users, api_client_for):
    first, second, *_ = _two_assessments(org, users)
    api = api_client_for(users.viewer)
    response = api.get(f"/api/v1/risk-assessments/{second.pk}/compare/", {"with": first.pk})
    assert response.status_code == 200
    body = response.json()
    assert [r["title"] for r in body["new"]] == ["Found in Q2"]
    assert len(body["closed"]) == 2 and len(body["changed"]) == 1
    draft = factories.RiskAssessmentFactory(organization=org)
    refused = api.get(f"/api/v1/risk-assessments/{draft.pk}/compare/", {"with": first.pk})
    assert refused.status_code == 400


def test_it_keeps_the_author_from_approving_their_own_assessment(
    org, users, client_for, api_client_for
):
    assessment = factories.RiskAssessmentFactory(organization=org, author=users.officer)
    with pytest.raises(ValidationError, match="someone else must approve"):
        risk_assessment_approve(assessment=assessment, user=users.officer)
    page = client_for(users.officer).post(
        _url("assessment_approve", org, pk=assessment.pk), follow=True
    )
    assert "someone else must approve" in page.content.decode()
    api = api_client_for(users.officer)
    response = api.post(f"/api/v1/risk-assessments/{assessment.pk}/approve/")
    assert response.status_code == 400
    assert "someone else must approve" in response.content.decode()
    assessment.refresh_from_db()
    assert not assessment.is_frozen
    assert risk_assessment_approve(assessment=assessment, user=users.admin).is_frozen


def test_it_lets_the_author_approve_when_the_organisation_allows_it(org, users):
    org.allow_self_approval = True
    org.save()
    assessment = factories.RiskAssessmentFactory(organization=org, author=users.officer)
    assert risk_assessment_approve(assessment=assessment, user=users.officer).is_frozen


def test_it_refuses_to_approve_while_a_risk_is_not_yet_assessed(org, users, api_client_for):
    assessed = factories.RiskFactory(organization=org, status="assessed")
    identified = factories.RiskFactory(organization=org, status="identified")
    assessment = factories.RiskAssessmentFactory(organization=org)
    response = api_client_for(users.admin).post(
        f"/api/v1/risk-assessments/{assessment.pk}/approve/"
    )
    assert response.status_code == 400
    assert identified.reference in response.content.decode()
    assert assessed.reference not in response.content.decode()
    assessment.refresh_from_db()
    assert not assessment.is_frozen
    identified.status = "assessed"
    identified.save()
    assert risk_assessment_approve(assessment=assessment, user=users.admin).is_frozen
