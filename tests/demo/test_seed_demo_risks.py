"""``seed_demo``: the demo organisations' SoA, risk register and evidence, and idempotency."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from aims.core.documents import DocumentStatus
from aims.core.models import ChangeLogEntry, ChangeSource
from aims.evidence.models import EvidenceItem, EvidenceStatus
from aims.organizations.models import Organization
from controls.models import Applicability, ControlImplementation, SoAVersion
from risks.models import AssessmentStatus, Risk, RiskAssessment, TreatmentAction

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if not model._meta.proxy
    }


def test_it_gives_northwind_a_full_soa_with_decisions_and_gaps():
    seed()
    northwind = Organization.objects.get(slug="northwind")
    controls = ControlImplementation.objects.filter(organization=northwind)
    assert controls.filter(requirement__isnull=False).count() == 38
    assert controls.filter(ref="ORG-1", requirement__isnull=True).exists()
    not_applicable = controls.filter(applicability=Applicability.NOT_APPLICABLE)
    assert not_applicable.count() == 2
    assert all(c.justification.strip() for c in not_applicable)
    # Every row is decided, so the demo's SoA v1 could be approved (approval refuses gaps).
    assert not controls.filter(applicability=Applicability.UNDECIDED).exists()
    assert controls.exclude(status="implemented").filter(applicability="applicable").exists()
    applicable = controls.filter(applicability=Applicability.APPLICABLE)
    assert applicable.count() >= 30
    assert not applicable.filter(owner__isnull=True).exists()
    assert not applicable.filter(justification="").exists()


FROM_HARM = "Found by the impact assessment"


def test_it_gives_northwind_a_risk_register_with_treatment_and_acceptance():
    seed()
    northwind = Organization.objects.get(slug="northwind")
    # The register as risks.json writes it (an impact assessment's harm adds one more).
    risks = Risk.objects.filter(organization=northwind).exclude(description__startswith=FROM_HARM)
    assert risks.count() >= 10
    assert not risks.filter(owner__isnull=True).exists()
    assert risks.filter(residual_rank__isnull=False).count() >= 8
    assert risks.filter(controls__isnull=False).distinct().count() >= 8
    assert risks.filter(ai_systems__isnull=False).distinct().count() == risks.count()
    assert risks.exclude(library_code="").count() == risks.count()
    accepted = risks.filter(accepted_by__isnull=False)
    assert accepted.count() == 1
    assert accepted.get().acceptance_expires is not None
    actions = TreatmentAction.objects.filter(risk__organization=northwind)
    assert any(action.is_overdue for action in actions)
    # Written through normal saves: the change log names the demo people.
    logged = ChangeLogEntry.objects.filter(
        organization=northwind, source=ChangeSource.IMPORT, content_type__model="risk"
    )
    assert logged.filter(actor__email="officer@northwind.example").exists()


def test_it_gives_northwind_evidence_an_approved_assessment_and_soa_version():
    seed()
    northwind = Organization.objects.get(slug="northwind")
    evidence = list(EvidenceItem.objects.filter(organization=northwind))
    assert 3 <= len(evidence) <= 4
    assert all(e.kind == "link" and e.url.startswith("https://wiki.northwind.") for e in evidence)
    statuses = {e.status for e in evidence}
    assert {EvidenceStatus.EXPIRED, EvidenceStatus.EXPIRING} <= statuses
    assert all(e.controls.exists() for e in evidence)

    assessment = RiskAssessment.objects.get(organization=northwind)
    assert assessment.status == AssessmentStatus.APPROVED
    assert assessment.approved_by_id != assessment.author_id
    # It covers the systems in use; the fraud model, still in development, comes later.
    in_scope = (
        Risk.objects.filter(organization=northwind, ai_systems__in=assessment.ai_systems.all())
        .exclude(description__startswith=FROM_HARM)  # found after this assessment
        .distinct()
    )
    assert assessment.ai_systems.count() == 4
    assert assessment.summary["risks"] == in_scope.count() == 10
    assert not in_scope.filter(status="identified").exists()

    version = SoAVersion.objects.get(organization=northwind)
    assert version.status == DocumentStatus.APPROVED
    assert version.author.email == "officer@northwind.example"
    assert version.approved_by.email == "admin@northwind.example"
    assert len(version.rows) == 39


def test_it_gives_fjord_its_soa_and_a_couple_of_risks():
    seed()
    fjord = Organization.objects.get(slug="fjord")
    assert ControlImplementation.objects.filter(organization=fjord).count() == 38
    assert 1 <= Risk.objects.filter(organization=fjord).count() <= 3


def test_it_scores_some_consequences_and_records_an_opportunity():
    seed()
    scored = Risk.objects.filter(
        impact_organization__isnull=False,
        impact_individuals__isnull=False,
        impact_society__isnull=False,
    )
    assert scored.filter(organization__slug="northwind").count() >= 3
    for risk in scored:
        worst = max(risk.impact_organization, risk.impact_individuals, risk.impact_society)
        assert risk.inherent_impact == worst
    assert scored.exclude(consequences_society="").exists()
    (opportunity,) = Risk.objects.filter(kind="opportunity")
    assert opportunity.organization.slug == "fjord" and opportunity.accepted_by_id is None


def test_it_changes_nothing_on_a_second_run():
    seed()
    before = row_counts()
    assert "nothing changed" in seed()
    assert row_counts() == before


def test_it_keeps_what_a_demo_user_changed():
    seed()
    northwind = Organization.objects.get(slug="northwind")
    control = ControlImplementation.objects.get(organization=northwind, ref="A.2.2")
    control.justification = "Our own wording."
    control.save()
    Risk.objects.filter(organization=northwind, accepted_by__isnull=True).first().delete()
    remaining = Risk.objects.filter(organization=northwind).count()

    seed()

    control.refresh_from_db()
    assert control.justification == "Our own wording."
    assert Risk.objects.filter(organization=northwind).count() == remaining
