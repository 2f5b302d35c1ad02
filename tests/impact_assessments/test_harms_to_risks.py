"""A harm found by an impact assessment goes into the risk register, prefilled and linked,
and the risk shows the assessment it came from."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from impact_assessments.models import AffectedParty, Impact
from impact_assessments.services import assessment_start, impact_create_risk
from risks.models import Risk
from tests import factories


@pytest.fixture
def harm(org, users):
    system = factories.AISystemFactory(organization=org, name="CV screening")
    draft = assessment_start(ai_system=system, actor=users.officer)
    party = AffectedParty.objects.create(assessment=draft, name="Older applicants", kind="group")
    return Impact.objects.create(
        assessment=draft,
        party=party,
        nature="harm",
        area="fundamental_rights",
        description="Applicants over 55 are ranked lower for the same experience.",
        severity=4,
        likelihood=3,
        measures="Monthly ranking audit by age band.",
    )


def test_a_harm_becomes_a_linked_prefilled_risk(org, users, harm, client_for):
    client = client_for(users.officer)
    response = client.post(
        reverse("impact_assessments:impact_create_risk", kwargs={"org": org.slug, "pk": harm.pk})
    )
    risk = Risk.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "risks:risk_edit", kwargs={"org": org.slug, "pk": risk.pk}
    )
    assert risk.title.startswith("Fundamental rights and fairness: Applicants over 55")
    assert (risk.inherent_likelihood, risk.inherent_impact) == (3, 4)
    assert risk.consequences_society == harm.description and risk.impact_society == 4
    assert risk.existing_controls == "Monthly ranking audit by age band."
    assert list(risk.ai_systems.all()) == [harm.assessment.ai_system]
    assert list(harm.risks.all()) == [risk]
    assert risk.owner == users.officer

    page = client.get(reverse("risks:risk_detail", kwargs={"org": org.slug, "pk": risk.pk}))
    html = page.content.decode()
    assert "From impact assessments" in html and "CV screening, v1" in html


def test_only_an_editor_and_only_for_a_harm_of_a_draft(org, users, harm):
    with pytest.raises(PermissionDenied):
        impact_create_risk(impact=harm, actor=users.contributor)
    harm.nature = "benefit"
    harm.save()
    with pytest.raises(ValidationError, match="Only a harm"):
        impact_create_risk(impact=harm, actor=users.officer)
    assert not Risk.objects.exists()


def test_the_risk_page_hides_assessments_the_reader_cannot_see(org, users, harm, client_for):
    risk = impact_create_risk(impact=harm, actor=users.officer)
    system = harm.assessment.ai_system
    factories.engage(org, users.auditor, systems=[system])
    page = client_for(users.auditor).get(
        reverse("risks:risk_detail", kwargs={"org": org.slug, "pk": risk.pk})
    )
    assert page.status_code == 200  # the risk is the system's
    assert "From impact assessments" not in page.content.decode()  # the assessment is a draft
