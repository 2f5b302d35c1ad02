"""Contradictions across records: each rule finds its case and stays quiet otherwise; they
are listed on the readiness page and in its API, and keep their clause from being ready."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aims.core import documents
from aims.organizations.services import climate_decision_record
from controls.models import ControlImplementation
from controls.services import soa_version_start
from readiness import contradictions
from readiness.coverage import readiness_coverage
from readiness.report import readiness_of
from risks.models import Risk
from tests import factories
from tests.policies.objectives_helpers import make_measurement, make_objective
from tests.policies.roles_helpers import make_record, make_requirement


def _report(org, user):
    return readiness_of(
        organization=org, user=user, coverage=readiness_coverage(organization=org, user=user)
    )


def _found(org, user) -> dict[str, contradictions.Contradiction]:
    return {c.rule: c for c in _report(org, user).contradictions}


def _control(org, ref, **values):
    control = ControlImplementation.objects.get(organization=org, ref=ref)
    for name, value in values.items():
        setattr(control, name, value)
    control.save()
    return control


def _yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


def _approve(draft, author, approver):
    documents.document_submit(version=draft, user=author)
    return documents.document_approve(version=draft, user=approver)


def test_every_rule_is_registered():
    assert set(contradictions.RULES) == {
        "excluded_while_clause_applies",
        "provider_excludes_customers",
        "high_risk_without_assessment",
        "high_risk_without_impact_assessment",
        "climate_relevant_without_issue",
        "a5_excluded_while_harms_found",
        "acceptance_expired",
        "soa_behind_risks",
        "expired_evidence_on_implemented",
        "concerns_unhandled_while_implemented",
        "objective_unmeasured",
        "ai_policy_past_review",
        "competence_control_implemented_with_expired",
    }


def test_a5_controls_excluded_while_6_1_4_applies(ready_org, users):
    assert "excluded_while_clause_applies" not in _found(ready_org, users.officer)
    _control(ready_org, "A.5.2", applicability="applicable")
    _control(ready_org, "A.6.2.2", applicability="not_applicable", justification="No.")
    assert "excluded_while_clause_applies" not in _found(ready_org, users.officer)
    _control(ready_org, "A.5.3", applicability="not_applicable", justification="Not needed.")
    found = _found(ready_org, users.officer)["excluded_while_clause_applies"]
    assert found.clause == "6.1.4" and found.controls == ["A.5.3"]
    assert "A.5" in found.message  # the catalog's pointer from 6.1.4
    row = next(r for r in _report(ready_org, users.officer).clauses if r.requirement.ref == "6.1.4")
    assert [c.rule for c in row.contradictions] == ["excluded_while_clause_applies"]
    assert row.ready is False


def test_a_provider_excluding_a_10_4(ready_org, users, reviewer):
    _control(ready_org, "A.10.4", applicability="not_applicable", justification="No customers.")
    deployer = factories.ScopeStatementFactory(
        organization=ready_org, author=users.officer, ai_roles=["deployer"]
    )
    _approve(deployer, users.officer, reviewer)
    assert "provider_excludes_customers" not in _found(ready_org, users.officer)
    revision = documents.document_start_revision(
        version=deployer.__class__.objects.get(pk=deployer.pk), user=users.officer
    )
    revision.ai_roles = ["provider", "developer"]
    revision.save()
    _approve(revision, users.officer, reviewer)
    found = _found(ready_org, users.officer)["provider_excludes_customers"]
    assert found.controls == ["A.10.4"] and "AI provider" in found.message
    assert found.records[0].label == "AIMS scope v2"


def test_a_high_risk_system_without_a_current_assessment(ready_org, users, reviewer):
    factories.AISystemFactory(organization=ready_org, eu_ai_act_tier="minimal")
    assert "high_risk_without_assessment" not in _found(ready_org, users.officer)
    system = factories.AISystemFactory(
        organization=ready_org, name="Credit scorer", eu_ai_act_tier="high_risk"
    )
    found = _found(ready_org, users.officer)["high_risk_without_assessment"]
    assert found.clause == "8.2"
    assert [r.label for r in found.records] == ["Credit scorer"]
    assert found.records[0].url == system.get_absolute_url()
    assessment = factories.RiskAssessmentFactory(
        organization=ready_org, assessed_on=timezone.localdate() - datetime.timedelta(days=500)
    )
    assessment.ai_systems.add(system)
    assessment.status, assessment.approved_by = "approved", reviewer
    assessment.approved_at = timezone.now()
    assessment.save()
    # an approved assessment older than the interval is not current
    assert "high_risk_without_assessment" in _found(ready_org, users.officer)
    current = factories.RiskAssessmentFactory(organization=ready_org)
    current.ai_systems.add(system)
    current.status, current.approved_by, current.approved_at = "approved", reviewer, timezone.now()
    current.save()
    assert "high_risk_without_assessment" not in _found(ready_org, users.officer)


def test_an_accepted_risk_whose_acceptance_expired(ready_org, users):
    risk = factories.RiskFactory(organization=ready_org, title="Drift")
    accepted = {
        "status": "monitored",
        "accepted_by": users.officer,
        "accepted_at": timezone.now(),
    }
    Risk.objects.filter(pk=risk.pk).update(
        **accepted, acceptance_expires=timezone.localdate() + datetime.timedelta(days=30)
    )
    assert "acceptance_expired" not in _found(ready_org, users.officer)
    Risk.objects.filter(pk=risk.pk).update(acceptance_expires=_yesterday())
    found = _found(ready_org, users.officer)["acceptance_expired"]
    assert found.clause == "8.3"
    assert found.records[0].label.startswith("R-0001 Drift (acceptance expired on")
    assert found.records[0].url == risk.get_absolute_url()


def test_an_soa_approved_before_the_latest_change_to_a_justifying_risk(ready_org, users, reviewer):
    factories.decide_every_control(ready_org)
    control = _control(ready_org, "A.6.2.4", applicability="applicable")
    risk = factories.RiskFactory(organization=ready_org, title="Biased ranking")
    risk.controls.add(control)
    _approve(soa_version_start(organization=ready_org, user=users.officer), users.officer, reviewer)
    assert "soa_behind_risks" not in _found(ready_org, users.officer)
    risk = Risk.objects.get(pk=risk.pk)
    risk.inherent_impact = 5
    risk.save()
    found = _found(ready_org, users.officer)["soa_behind_risks"]
    assert found.clause == "6.1.3" and found.controls == ["A.6.2.4"]
    assert [r.label for r in found.records] == ["Statement of Applicability v1", risk.__str__()]


def test_expired_evidence_on_an_implemented_control(ready_org, users):
    control = _control(ready_org, "A.2.2", applicability="applicable", status="implemented")
    current = factories.EvidenceItemFactory(
        organization=ready_org, valid_until=timezone.localdate() + datetime.timedelta(days=90)
    )
    control.evidence.add(current)
    assert "expired_evidence_on_implemented" not in _found(ready_org, users.officer)
    stale = factories.EvidenceItemFactory(
        organization=ready_org,
        title="Policy sign-off 2024",
        valid_from=_yesterday() - datetime.timedelta(days=365),
        valid_until=_yesterday(),
    )
    control.evidence.add(stale)
    partial = _control(ready_org, "A.2.3", applicability="applicable", status="partial")
    partial.evidence.add(stale)  # not claimed implemented: no contradiction
    found = _found(ready_org, users.officer)["expired_evidence_on_implemented"]
    assert found.clause == "8.1" and found.controls == ["A.2.2"]
    assert "“Policy sign-off 2024” expired on" in found.records[0].label
    assert found.records[0].url == stale.get_absolute_url()


def test_contradictions_are_listed_on_the_page_and_in_the_api(
    ready_org, users, client_for, api_client_for
):
    _control(ready_org, "A.5.2", applicability="not_applicable", justification="Not needed.")
    factories.AISystemFactory(
        organization=ready_org, name="Credit scorer", eu_ai_act_tier="high_risk"
    )
    page = client_for(users.viewer).get(
        reverse("readiness:readiness", kwargs={"org": ready_org.slug})
    )
    html = page.content.decode()
    assert "Contradictions across records" in html and "3 contradictions across records" in html
    assert 'id="contradiction-excluded_while_clause_applies"' in html
    assert 'href="#contradiction-high_risk_without_assessment"' in html  # flag on the 8.2 row
    assert "Credit scorer" in html
    body = (
        api_client_for(users.viewer)
        .get(reverse("readiness-list"), {"organization": ready_org.pk})
        .json()
    )
    rules = {c["rule"]: c for c in body["contradictions"]}
    assert rules["excluded_while_clause_applies"]["controls"] == ["A.5.2"]
    assert rules["high_risk_without_assessment"]["records"][0]["label"] == "Credit scorer"
    clauses = {row["ref"]: row for row in body["clauses"]}
    assert clauses["6.1.4"]["contradictions"] == [
        "excluded_while_clause_applies",
        "high_risk_without_impact_assessment",
    ]
    assert clauses["6.1.4"]["ready"] is False


def test_contradictions_list_only_records_the_reader_may_see(ready_org, users, other_org):
    factories.AISystemFactory(organization=other_org, eu_ai_act_tier="high_risk")
    assert "high_risk_without_assessment" not in _found(ready_org, users.officer)
    factories.AISystemFactory(organization=ready_org, eu_ai_act_tier="high_risk")
    assert "high_risk_without_assessment" not in _found(ready_org, users.outsider)


def test_the_readiness_page_stays_bounded_with_contradictions(
    ready_org, users, reviewer, client_for
):
    client = client_for(users.admin)
    url = reverse("readiness:readiness", kwargs={"org": ready_org.slug})
    factories.decide_every_control(ready_org)
    control = _control(ready_org, "A.6.2.4", applicability="applicable", status="implemented")
    _control(ready_org, "A.5.2", applicability="not_applicable", justification="No.")
    _control(ready_org, "A.3.3", applicability="applicable", status="implemented")  # no channel
    _control(ready_org, "A.4.6", applicability="applicable", status="implemented")

    def add_records(n: int) -> None:
        for _ in range(n):
            # Someone in a role whose required qualification expired (7.2 against A.4.6).
            person = factories.UserFactory()
            factories.MembershipFactory(organization=ready_org, user=person, role="contributor")
            requirement = make_requirement(ready_org)
            requirement.role.members.add(person)
            make_record(ready_org, person, days_ago=400, expires_in=-1).meets.add(requirement)
            risk = factories.RiskFactory(organization=ready_org, treatment_option="modify")
            risk.controls.add(control)
            factories.TreatmentActionFactory(risk=risk)
            factories.AISystemFactory(organization=ready_org, eu_ai_act_tier="high_risk")
            control.evidence.add(
                factories.EvidenceItemFactory(organization=ready_org, valid_until=_yesterday())
            )
            late = make_objective(ready_org, title="Measured long ago")
            make_measurement(late, on=timezone.localdate() - datetime.timedelta(days=400))
            accepted = factories.RiskFactory(organization=ready_org)
            Risk.objects.filter(pk=accepted.pk).update(
                status="monitored",
                accepted_by=users.officer,
                accepted_at=timezone.now(),
                acceptance_expires=_yesterday(),
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add_records(1)
    climate_decision_record(  # relevant, and no environmental issue on record
        organization=ready_org,
        actor=users.officer,
        relevant=True,
        reasoning="Training uses a lot of energy.",
        decided_by=users.admin,
    )
    _approve(soa_version_start(organization=ready_org, user=users.officer), users.officer, reviewer)
    for risk in Risk.objects.filter(organization=ready_org):
        risk.save()  # changed since the SoA was approved
    client.get(url)
    before = count()
    add_records(5)
    for risk in Risk.objects.filter(organization=ready_org):
        risk.save()
    after = count()
    page = client.get(url)
    assert {c.rule for c in page.context["contradictions"]} == set(contradictions.RULES) - {
        "provider_excludes_customers",
        "a5_excluded_while_harms_found",  # no impact assessment records a harm here
        "ai_policy_past_review",  # no AI policy here
    }
    assert before == after
    # The readiness page's queries (see tests/readiness/test_readiness.py) plus those the
    # contradictions read with these records present.
    assert after <= 26


def test_the_risk_page_and_the_controls_evidence_tab_flag_their_contradiction(
    ready_org, users, client_for
):
    client = client_for(users.viewer)
    risk = factories.RiskFactory(organization=ready_org)
    Risk.objects.filter(pk=risk.pk).update(
        status="monitored",
        accepted_by=users.officer,
        accepted_at=timezone.now(),
        acceptance_expires=timezone.localdate() + datetime.timedelta(days=5),
    )
    assert "Contradiction" not in client.get(risk.get_absolute_url()).content.decode()
    Risk.objects.filter(pk=risk.pk).update(acceptance_expires=_yesterday())
    html = client.get(risk.get_absolute_url()).content.decode()
    assert "#contradiction-acceptance_expired" in html

    control = _control(ready_org, "A.2.2", applicability="applicable", status="partial")
    control.evidence.add(
        factories.EvidenceItemFactory(organization=ready_org, valid_until=_yesterday())
    )
    tab = reverse(
        "controls:implementation_evidence", kwargs={"org": ready_org.slug, "pk": control.pk}
    )
    assert "Contradiction" not in client.get(tab).content.decode()
    _control(ready_org, "A.2.2", status="implemented")
    assert "#contradiction-expired_evidence_on_implemented" in client.get(tab).content.decode()


def _approved_impact_assessment(org, system, author, approver, *, party_kind="individuals"):
    from impact_assessments.models import ASSESSMENT_SECTIONS, AffectedParty, Impact
    from impact_assessments.services import assessment_start, assessment_submit

    draft = assessment_start(ai_system=system, actor=author)
    for _key, _label, names in ASSESSMENT_SECTIONS:
        for name in names:
            setattr(draft, name, getattr(draft, name) or "Written for the test.")
    draft.save()
    party = AffectedParty.objects.create(assessment=draft, name="Applicants", kind=party_kind)
    Impact.objects.create(
        assessment=draft,
        party=party,
        nature="harm",
        area="fundamental_rights",
        description="Some groups are refused more often.",
        severity=4,
        likelihood=3,
    )
    assessment_submit(assessment=draft, actor=author)
    return documents.document_approve(version=draft, user=approver)


def test_a_high_risk_system_without_an_approved_impact_assessment(ready_org, users):
    system = factories.AISystemFactory(
        organization=ready_org, name="CV screener", eu_ai_act_tier="high_risk"
    )
    found = _found(ready_org, users.officer)["high_risk_without_impact_assessment"]
    assert found.clause == "6.1.4"
    assert [r.label for r in found.records] == ["CV screener"]
    _approved_impact_assessment(ready_org, system, users.officer, users.admin)
    assert "high_risk_without_impact_assessment" not in _found(ready_org, users.officer)


def test_a5_excluded_while_impact_assessments_find_harms_to_people(ready_org, users):
    system = factories.AISystemFactory(organization=ready_org, name="CV screener")
    _control(ready_org, "A.5.4", applicability="not_applicable", justification="Not needed.")
    assert "a5_excluded_while_harms_found" not in _found(ready_org, users.officer)
    _approved_impact_assessment(ready_org, system, users.officer, users.admin)
    found = _found(ready_org, users.officer)["a5_excluded_while_harms_found"]
    assert found.clause == "8.4" and found.controls == ["A.5.4"]
    assert any("Some groups are refused more often" in r.label for r in found.records)
