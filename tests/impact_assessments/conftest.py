"""An AI system with an approved impact assessment (v1) and its revision (v2, a draft)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from impact_assessments.models import Impact, ImpactAssessment
from impact_assessments.services import assessment_start
from tests import factories
from tests.impact_assessments.helpers import approve
from tests.impact_assessments.test_assessment_workflow import COMPLETE


@dataclass
class Series:
    system: object
    v1: ImpactAssessment
    v2: ImpactAssessment


@pytest.fixture
def series(org, users):
    system = factories.AISystemFactory(
        organization=org, name="Credit scoring", users_description="Loan applicants."
    )
    v1 = assessment_start(ai_system=system, actor=users.officer)
    for name, value in COMPLETE.items():
        setattr(v1, name, value)
    v1.save()
    applicants = v1.parties.get()
    v1.parties.create(name="Underwriters", kind="organisation")
    Impact.objects.create(
        assessment=v1,
        party=applicants,
        nature="harm",
        area="fundamental_rights",
        description="Some postcodes are refused more often.",
        severity=4,
        likelihood=2,
        measures="Quarterly fairness review.",
    )
    v1 = approve(v1, users)
    v2 = assessment_start(ai_system=system, actor=users.officer)
    return Series(system=system, v1=v1, v2=v2)
