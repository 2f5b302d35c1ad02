"""9.2.1 and 9.2.2 read the audit programme and its audits: audits held as planned with
approved reports, and a programme over at most three years covering every clause and every
applicable control."""

from __future__ import annotations

import datetime

from django.utils import timezone

from audits.models import Audit, AuditProgramme, AuditReport
from controls.models import ControlImplementation, Requirement
from readiness.rules import (
    LATER_MODULES,
    RULES,
    AuditFact,
    Facts,
    ProgrammeFact,
    _audit_programme,
    _internal_audit,
    readiness_facts,
)

TODAY = datetime.date(2026, 12, 3)
D = datetime.timedelta


def _facts(org, **kwargs):
    return Facts(organization=org, today=TODAY, **kwargs)


def _audit(n, status, planned_end, held_on=None, approved=False):
    return AuditFact(n, n, f"Audit {n}", status, planned_end, held_on, approved)


def test_the_clauses_are_checked_not_declared():
    assert "9.2.1" in RULES and "9.2.2" in RULES
    assert "9.2.1" not in LATER_MODULES and "9.2.2" not in LATER_MODULES


def test_no_audit_fulfils_nothing(org):
    finding = _internal_audit(_facts(org))
    assert finding.fulfilled is False and finding.found == "No internal audit on record."


def test_a_planned_audit_past_its_dates_is_named(org):
    facts = _facts(
        org,
        audits=[
            _audit(1, "closed", TODAY - D(100), TODAY - D(100), True),
            _audit(2, "planned", TODAY - D(3)),
        ],
    )
    finding = _internal_audit(facts)
    assert finding.fulfilled is False
    assert "AUD-002" in finding.found and "AUD-001" not in finding.found


def test_an_audit_held_long_ago_without_an_approved_report_is_named(org):
    facts = _facts(org, audits=[_audit(1, "in_progress", TODAY - D(45), TODAY - D(46))])
    finding = _internal_audit(facts)
    assert finding.fulfilled is False and "AUD-001" in finding.found
    assert "without an approved report" in finding.found


def test_only_planned_audits_are_not_enough(org):
    facts = _facts(org, audits=[_audit(1, "planned", TODAY + D(30))])
    finding = _internal_audit(facts)
    assert finding.fulfilled is False and "none held" in finding.found


def test_the_last_audit_over_a_year_ago_is_not_enough(org):
    facts = _facts(org, audits=[_audit(1, "closed", TODAY - D(400), TODAY - D(400), True)])
    assert _internal_audit(facts).fulfilled is False


def test_an_audit_held_and_reported_this_year_fulfils_9_2_1(org):
    facts = _facts(
        org,
        audits=[
            _audit(1, "reported", TODAY - D(40), TODAY - D(40), True),
            _audit(2, "planned", TODAY + D(90)),
        ],
    )
    finding = _internal_audit(facts)
    assert finding.fulfilled is True and "AUD-001" in finding.found


def _programme(uncovered=(), start=None, end=None):
    start = start or TODAY - D(30)
    end = end or TODAY + D(1000)
    return ProgrammeFact(1, "Programme 2026–2028", start, end, list(uncovered))


def test_9_2_2_wants_a_programme_covering_today(org):
    facts = _facts(org, programmes=[_programme(start=TODAY - D(1200), end=TODAY - D(1))])
    finding = _audit_programme(facts)
    assert finding.fulfilled is False and finding.found == "No audit programme covers today."


def test_9_2_2_names_what_the_programme_leaves_unaudited(org):
    finding = _audit_programme(_facts(org, programmes=[_programme(["4.1", "A.10.2"])]))
    assert finding.fulfilled is False
    assert "leaves 2 clauses and controls unaudited: 4.1, A.10.2" in finding.found


def test_9_2_2_refuses_a_programme_longer_than_three_years(org):
    finding = _audit_programme(
        _facts(org, programmes=[_programme(start=TODAY - D(30), end=TODAY + D(1500))])
    )
    assert finding.fulfilled is False and "longer than three years" in finding.found


def test_9_2_2_is_fulfilled_by_a_complete_programme(org):
    assert _audit_programme(_facts(org, programmes=[_programme()])).fulfilled is True


def test_the_facts_come_from_the_records(catalog, org, users):
    today = timezone.localdate()
    programme = AuditProgramme.objects.create(
        organization=org,
        title="P",
        period_start=today - D(10),
        period_end=today + D(900),
    )
    audit = Audit.objects.create(
        organization=org,
        programme=programme,
        title="A",
        planned_start=today - D(5),
        planned_end=today - D(4),
        status="reported",
        actual_start=today - D(5),
        actual_end=today - D(4),
    )
    clauses = list(
        Requirement.objects.filter(framework__code="iso42001", kind="clause", assessable=True)
    )
    controls = list(Requirement.objects.filter(framework__code="iso42001", kind="control"))
    audit.clauses.set(clauses)
    audit.controls.set([c for c in controls if c.ref not in ("A.10.2", "A.10.4")])
    ControlImplementation.objects.create(
        organization=org,
        requirement=next(c for c in controls if c.ref == "A.10.4"),
        ref="A.10.4",
        title="Suppliers",
        applicability="not_applicable",
        justification="We supply no AI to others.",
    )
    AuditReport.objects.create(
        organization=org,
        audit=audit,
        author=users.officer,
        status="approved",
        approved_by=users.admin,
        approved_at=timezone.now(),
    )
    facts = readiness_facts(organization=org, user=users.officer, soa_summary={})
    assert [p.uncovered for p in facts.programmes] == [["A.10.2"]]  # A.10.4: not applicable
    assert facts.audits[0].report_approved and facts.audits[0].held_on == today - D(4)
    assert RULES["9.2.1"](facts).fulfilled is True
    # An auditor without an engagement reads none of it.
    assert readiness_facts(organization=org, user=users.auditor, soa_summary={}).audits == []
