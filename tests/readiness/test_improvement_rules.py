"""10.2 reads the nonconformities, A.8.4 the incidents: acted on, communicated, reported."""

from __future__ import annotations

import datetime

from django.utils import timezone

from audits.models import CorrectiveAction, Incident, IncidentCommunication, Nonconformity
from readiness.rules import Facts, _incident_communication, _nonconformity
from tests.readiness.conftest import readiness_page


def _finding(org, rule, **counts):
    return rule(Facts(organization=org, improvement=counts))


def test_an_empty_register_is_in_place(org):
    finding = _finding(org, _nonconformity)
    assert finding.fulfilled is True and "No nonconformity on record" in finding.found


def test_each_stall_is_named(org):
    finding = _finding(org, _nonconformity, corrective_overdue=2, nc_stalled=1, nc_unchecked=1)
    assert finding.fulfilled is False
    assert "2 corrective actions are overdue." in finding.found
    assert "open for over 60 days with no corrective action" in finding.found
    assert "waited over 30 days" in finding.found


def test_incidents_need_communication_and_timely_reports(org):
    assert _finding(org, _incident_communication, incidents_total=3).fulfilled is True
    late = _finding(org, _incident_communication, incidents_silent=1, reports_overdue=1)
    assert late.fulfilled is False
    assert "no communication done" in late.found and "report is overdue" in late.found


def _rows(client, org):
    page = readiness_page(client, org)
    clauses = {row.requirement.ref: row for row in page.context["clauses"]}
    controls = {c.control.ref: c for c in page.context["checked_controls"]}
    return clauses, controls


def test_the_counts_come_from_the_records(ready_org, users, client_for):
    org = ready_org
    client = client_for(users.officer)
    old = timezone.localdate() - datetime.timedelta(days=90)
    stalled = Nonconformity.objects.create(
        organization=org, title="a", description="b", source="monitoring", found_on=old
    )
    clauses, _controls = _rows(client, org)
    assert clauses["10.2"].finding.fulfilled is False
    assert "no corrective action" in clauses["10.2"].finding.found

    CorrectiveAction.objects.create(
        nonconformity=stalled,
        description="Fix",
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    clauses, _controls = _rows(client, org)
    assert "1 corrective action is overdue." in clauses["10.2"].finding.found

    CorrectiveAction.objects.filter(nonconformity=stalled).update(due_date=timezone.localdate())
    clauses, controls = _rows(client, org)
    assert clauses["10.2"].finding.fulfilled is True

    detected = timezone.now() - datetime.timedelta(days=3)
    incident = Incident.objects.create(
        organization=org,
        title="Outage",
        description="d",
        severity="critical",
        detected_at=detected,
        serious_incident="widespread",
    )
    _clauses, controls = _rows(client, org)
    found = controls["A.8.4"].finding
    assert found.fulfilled is False
    assert "no communication done" in found.found and "report is overdue" in found.found

    IncidentCommunication.objects.create(
        incident=incident, audience="Hospitals", message="m", status="done", sent_at=timezone.now()
    )
    Incident.objects.filter(pk=incident.pk).update(reported_at=timezone.now())
    _clauses, controls = _rows(client, org)
    assert controls["A.8.4"].finding.fulfilled is True


def test_an_auditor_counts_only_what_their_engagement_shows(ready_org, users, client_for):
    from tests import factories

    org = ready_org
    Nonconformity.objects.create(
        organization=org,
        title="a",
        description="b",
        source="monitoring",
        found_on=timezone.localdate() - datetime.timedelta(days=90),
    )
    system = factories.AISystemFactory(organization=org)
    factories.engage(org, users.auditor, systems=[system])
    clauses, _controls = _rows(client_for(users.auditor), org)
    assert "10.2" not in clauses or clauses["10.2"].finding.fulfilled is True


def test_improvement_needs_records_decisions_and_results(org):
    from readiness.rules import _improvement

    assert "No opportunity" in _finding(org, _improvement).found
    waiting = _finding(org, _improvement, ofi_total=3, ofi_waiting=1, ofi_done_year=1)
    assert waiting.fulfilled is False and "waited over 60 days" in waiting.found
    idle = _finding(org, _improvement, ofi_total=3)
    assert idle.fulfilled is False and "last twelve months" in idle.found
    assert _finding(org, _improvement, ofi_total=3, ofi_done_year=2).fulfilled is True


def test_the_improvement_counts_come_from_the_register(ready_org, users, client_for):
    from audits.models import Opportunity

    org = ready_org
    Opportunity.objects.create(
        organization=org,
        title="Old idea",
        description="d",
        raised_on=timezone.localdate() - datetime.timedelta(days=90),
    )
    clauses, _controls = _rows(client_for(users.officer), org)
    assert "waited over 60 days" in clauses["10.1"].finding.found
