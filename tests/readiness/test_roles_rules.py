"""4.4, 5.3 and 7.2 (with A.3.2 and A.4.6) read the process register, the roles and their
RACI, and the competence records."""

from __future__ import annotations

import pytest
from django.utils import timezone

from aims.core.permissions import roles_of
from controls.models import Requirement
from policies.models import RACIAssignment
from readiness.rules import (
    CONTROL_RULES,
    LATER_MODULES,
    RULES,
    _competence,
    _processes,
    _roles,
    _roles_facts,
    readiness_facts,
)
from tests import factories
from tests.policies.roles_helpers import make_process, make_record, make_requirement, make_role


def _facts(org, user):
    return readiness_facts(organization=org, user=user, soa_summary={})


def test_the_clauses_and_controls_are_checked():
    assert RULES["4.4"] is _processes and RULES["5.3"] is _roles and RULES["7.2"] is _competence
    assert CONTROL_RULES["A.3.2"] is _roles and CONTROL_RULES["A.4.6"] is _competence
    assert "7.2" not in LATER_MODULES


def test_4_4_wants_processes_each_with_an_owner(org, users):
    finding = _processes(_facts(org, users.officer))
    assert finding.fulfilled is False and finding.found == "No AIMS processes recorded."
    make_process(org, owner=users.officer)
    unowned = make_process(org)
    finding = _processes(_facts(org, users.officer))
    assert finding.fulfilled is False
    assert finding.found == "1 of 2 AIMS processes has no owner."
    assert finding.url.endswith("?has_owner=false")
    unowned.owner = users.contributor
    unowned.save()
    assert _processes(_facts(org, users.officer)).fulfilled is True


def test_5_3_wants_people_in_every_role_and_one_accountable_per_process(org, users):
    assert _roles(_facts(org, users.officer)).found == "No AIMS roles recorded."
    role = make_role(org)
    process = make_process(org, owner=users.officer)
    finding = _roles(_facts(org, users.officer))
    assert finding.fulfilled is False
    assert "Assign people to the role that has nobody." in finding.todo
    assert "Name the accountable role of the process that has none" in finding.todo
    role.members.add(users.contributor)
    RACIAssignment.objects.create(organization=org, process=process, role=role, responsibility="R")
    assert _roles(_facts(org, users.officer)).fulfilled is False  # R is not A
    cell = RACIAssignment.objects.get()
    cell.responsibility = "A"
    cell.save()
    finding = _roles(_facts(org, users.officer))
    assert finding.fulfilled is True, finding.found


def test_7_2_wants_requirements_for_staffed_roles_and_no_gaps(org, users):
    finding = _competence(_facts(org, users.officer))
    assert finding.fulfilled is False and "No AIMS role has people" in finding.found
    role = make_role(org)
    role.members.add(users.contributor)
    finding = _competence(_facts(org, users.officer))
    assert finding.fulfilled is False
    assert "Define the competence the role with people but no requirements needs." in finding.todo
    requirement = make_requirement(org, role=role)
    finding = _competence(_facts(org, users.officer))
    assert "1 missing, 0 expired" in finding.found
    make_record(org, users.contributor, days_ago=500, expires_in=-1).meets.add(requirement)
    finding = _competence(_facts(org, users.officer))
    assert "0 missing, 1 expired" in finding.found
    assert "Renew the expired record (1)." in finding.todo
    make_record(org, users.contributor, days_ago=1).meets.add(requirement)
    finding = _competence(_facts(org, users.officer))
    assert finding.fulfilled is True, finding.found


def test_the_facts_cost_two_queries(org, users, django_assert_max_num_queries):
    role = make_role(org)
    role.members.add(users.contributor)
    make_requirement(org, role=role)
    roles_of(users.officer)  # the memberships, read once per request anyway
    with django_assert_max_num_queries(2):
        _roles_facts(organization=org, user=users.officer, today=timezone.localdate())


@pytest.mark.parametrize("scope", ["7.2", "4.1"])
def test_an_auditor_counts_what_their_engagement_shows(org, users, scope, catalog):
    role = make_role(org)
    role.members.add(users.contributor)
    make_requirement(org, role=role)
    clause = Requirement.objects.get(framework__code="iso42001", ref=scope)
    factories.engage(org, users.auditor, clauses=[clause])
    facts = _facts(org, users.auditor)
    assert facts.aims_roles["roles_total"] == 1  # roles frame every engagement
    assert facts.aims_roles["requirements_total"] == (1 if scope == "7.2" else 0)
