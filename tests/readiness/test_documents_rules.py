"""5.2, 7.3 and A.2.2–A.2.4 read the policies: an approved, published AI policy in force,
within its review date, aligned with other policies, and acknowledged by those asked."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from policies.models import Policy, PolicyAcknowledgement
from policies.services import documents as services
from readiness import contradictions
from readiness.rules import CONTROL_RULES, RULES, readiness_facts
from tests.policies.documents_helpers import approved, draft
from tests.readiness.conftest import readiness_rows

pytestmark = pytest.mark.django_db


def _facts(org, user):
    return readiness_facts(organization=org, user=user, soa_summary={})


def test_no_ai_policy_fulfils_nothing(org, users):
    draft(org, users.officer, kind="ai_policy")  # a draft is not a policy in force
    facts = _facts(org, users.officer)
    for rule in (
        RULES["5.2"],
        RULES["7.3"],
        *(CONTROL_RULES[r] for r in ("A.2.2", "A.2.3", "A.2.4")),
    ):
        assert rule(facts).fulfilled is False


def test_approved_but_unpublished_is_not_in_force(org, users):
    policy = approved(org, users.officer, users.admin, kind="ai_policy")
    finding = RULES["5.2"](_facts(org, users.officer))
    assert finding.fulfilled is False
    assert "not published" in finding.found
    services.policy_publish(version=policy, user=users.admin, people=[users.viewer])
    finding = RULES["5.2"](_facts(org, users.officer))
    assert finding.fulfilled is True
    assert CONTROL_RULES["A.2.2"](_facts(org, users.officer)).fulfilled is True


def test_past_its_review_date_is_neither_ready_nor_consistent(org, users):
    policy = approved(org, users.officer, users.admin, kind="ai_policy")
    services.policy_publish(version=policy, user=users.admin)
    Policy.objects.filter(pk=policy.pk).update(
        next_review_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    facts = _facts(org, users.officer)
    assert RULES["5.2"](facts).fulfilled is False
    assert "due for review" in RULES["5.2"](facts).found
    assert CONTROL_RULES["A.2.4"](facts).fulfilled is False
    found = contradictions.ai_policy_past_review(
        contradictions.ContradictionFacts(organization=org, facts=facts, soa_rows=[])
    )
    assert [c.clause for c in found] == ["5.2"]
    assert found[0].controls == ["A.2.4"]


def test_alignment_counts_policies_and_outside_documents(org, users):
    approved(
        org,
        users.officer,
        users.admin,
        kind="ai_policy",
        external_documents="Group code of conduct | https://example.org/code",
    )
    assert CONTROL_RULES["A.2.3"](_facts(org, users.officer)).fulfilled is True


def test_acknowledgement_of_the_current_ai_policy(org, users):
    policy = approved(org, users.officer, users.admin, kind="ai_policy")
    policy, _made = services.policy_publish(
        version=policy, user=users.admin, people=[users.viewer, users.contributor]
    )
    finding = RULES["7.3"](_facts(org, users.officer))
    assert finding.fulfilled is False and "0 of 2" in finding.found
    for user in (users.viewer, users.contributor):
        services.acknowledgement_acknowledge(
            acknowledgement=PolicyAcknowledgement.objects.get(policy=policy, user=user), user=user
        )
    finding = RULES["7.3"](_facts(org, users.officer))
    assert finding.fulfilled is True


def test_the_readiness_page_shows_5_2_as_checked(catalog, org, users, client_for):
    from controls.services import controls_ensure_for

    controls_ensure_for(organization=org)
    row = readiness_rows(client_for(users.viewer), org)["5.2"]
    assert row.finding.fulfilled is False
    assert "No approved AI policy" in row.finding.found


def test_auditors_read_the_rules_from_what_they_see(org, users):
    from tests import factories

    factories.engage(org, users.auditor)
    policy = approved(org, users.officer, users.admin, kind="ai_policy")
    services.policy_publish(version=policy, user=users.admin)
    assert RULES["5.2"](_facts(org, users.auditor)).fulfilled is True
