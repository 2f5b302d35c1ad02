"""``seed_demo``: Northwind's three-year audit programme with its first audit held."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from aims.organizations.models import Organization, User
from audits.models import Audit, AuditProgramme, AuditReport, Nonconformity
from audits.selectors import audit_coverage

pytestmark = pytest.mark.django_db


def test_it_gives_northwind_a_programme_with_one_audit_done():
    call_command("seed_demo", stdout=StringIO())
    org = Organization.objects.get(slug="northwind")
    (programme,) = AuditProgramme.objects.filter(organization=org)
    assert (programme.period_end - programme.period_start).days in (1094, 1095)
    audits = list(Audit.objects.filter(programme=programme).order_by("planned_start"))
    assert [a.status for a in audits] == ["closed", "planned", "planned", "planned"]
    done = audits[0]
    assert not done.lines.filter(excluded=False, result="").exists()
    assert done.lines.get(ref="A.5.5").excluded  # not applicable in the approved SoA
    ncs = Nonconformity.objects.filter(audit_line__audit=done)
    assert sorted(nc.severity for nc in ncs) == ["minor", "minor"]
    assert sorted(nc.status for nc in ncs) == ["action", "closed"]
    closed = ncs.get(status="closed")
    assert closed.effectiveness == "effective" and closed.actions.get().status == "done"
    (report,) = AuditReport.objects.filter(audit=done)
    assert report.status == "approved" and report.approved_by != report.author
    assert {row["ref"] for row in report.results} >= {"5.2", "8.4", "A.5.5"}
    officer = User.objects.get(email="officer@northwind.example")
    coverage = audit_coverage(organization=org, user=officer, programme=programme)
    assert {row.requirement.ref for row in coverage.gaps} == {"A.10.2", "A.10.3"}
    # A second run changes nothing.
    call_command("seed_demo", stdout=StringIO())
    assert Audit.objects.filter(organization=org).count() == 4
