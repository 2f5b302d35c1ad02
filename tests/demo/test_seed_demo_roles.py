"""``seed_demo``: Northwind's AIMS processes, roles with their RACI, competence requirements
and training records, one of them expired."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from aims.organizations.models import Organization
from policies.models import AIMSProcess, AIMSRole, RACIAssignment, TrainingRecord
from policies.services.roles import competence_gaps
from readiness.rules import _processes, _roles, readiness_facts

pytestmark = pytest.mark.django_db


def test_northwind_has_processes_roles_a_raci_and_one_expired_qualification():
    call_command("seed_demo", stdout=StringIO())
    northwind = Organization.objects.get(slug="northwind")
    processes = AIMSProcess.objects.filter(organization=northwind)
    assert processes.count() == 9 and not processes.filter(owner__isnull=True).exists()
    assert all(p.interacts_with.exists() and p.record_types for p in processes)
    roles = AIMSRole.objects.filter(organization=northwind)
    assert {r.name for r in roles} >= {"AIMS owner", "AI risk owner", "Internal auditor"}
    for process in processes:
        assert RACIAssignment.objects.filter(process=process, responsibility="A").count() == 1
    expired = [r for r in TrainingRecord.objects.filter(organization=northwind) if r.is_expired]
    assert len(expired) == 1
    officer = roles.get(name="AIMS owner").members.get()
    gaps = competence_gaps(organization=northwind, user=officer)
    assert [(c.role, c.status) for c in gaps.gaps] == [("Internal auditor", "expired")]
    facts = readiness_facts(organization=northwind, user=officer, soa_summary={})
    assert _processes(facts).fulfilled is True and _roles(facts).fulfilled is True
    # A second run adds nothing.
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert TrainingRecord.objects.filter(organization=northwind).count() == 7
