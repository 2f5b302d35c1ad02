"""``seed_demo``: Northwind's resources, planned changes, documented information and the
reporting channels (staff, and people outside) with resolved concerns, one from outside
recorded as an AI incident, all through the services."""

from __future__ import annotations

import pytest

from aims.core.models import ChangeLogEntry
from aims.organizations.models import Organization
from audits.models import Incident
from policies.documented import record_types
from policies.models import (
    AIMSResource,
    ChangeStatus,
    Concern,
    ConcernChannel,
    OutsideDocument,
    PlannedChange,
    RetentionRule,
)
from readiness.rules import (
    _changes,
    _concerns,
    _documented_information,
    _external_reporting,
    _resources,
)
from tests.demo.test_seed_demo_risks import seed

pytestmark = pytest.mark.django_db


def test_it_gives_northwind_its_support_records():
    seed()
    northwind = Organization.objects.get(slug="northwind")
    assert AIMSResource.objects.filter(organization=northwind).count() == 5
    statuses = sorted(
        PlannedChange.objects.filter(organization=northwind).values_list("status", flat=True)
    )
    assert statuses == [ChangeStatus.APPROVED, ChangeStatus.PROPOSED]
    approved = PlannedChange.objects.get(organization=northwind, status=ChangeStatus.APPROVED)
    assert approved.decided_by_id != approved.proposed_by_id
    assert set(
        RetentionRule.objects.filter(organization=northwind).values_list("record_type", flat=True)
    ) == {t.label for t in record_types()}
    assert OutsideDocument.objects.filter(organization=northwind).count() == 3
    channels = ConcernChannel.objects.filter(organization=northwind)
    assert {(c.name, c.audience) for c in channels} == {
        ("Staff, contractors and partners", "internal"),
        ("Customers and the public", "external"),
    }
    assert all(c.anonymous_enabled and c.intro for c in channels)
    concerns = Concern.objects.filter(organization=northwind)
    assert concerns.count() == 2
    for concern in concerns:
        assert concern.status == "resolved" and concern.reporter_id is None and concern.reply
        create = ChangeLogEntry.objects.get(
            content_type__model="concern", object_id=str(concern.pk), action="create"
        )
        assert create.actor_id is None


def test_the_report_from_outside_was_recorded_as_the_non_reportable_incident():
    seed()
    northwind = Organization.objects.get(slug="northwind")
    outside = Concern.objects.get(organization=northwind, reporter_relationship="affected")
    assert outside.reporter_contact == ""  # they left no contact: anonymous
    incident = Incident.objects.get(reported_through=outside)
    assert incident.organization == northwind
    assert incident.title.startswith("CV screening ranked applicants")
    assert outside.ai_system in set(incident.ai_systems.all())
    # Received when the incident was detected, as "Record as an AI incident" would set it.
    assert abs((incident.detected_at - outside.created_at).total_seconds()) < 60
    assert (
        Incident.objects.filter(organization=northwind, reported_through__isnull=True).count() == 1
    )
    seed()  # a second run adds nothing
    assert Concern.objects.filter(organization=northwind).count() == 2


def test_the_demo_fulfils_the_support_rules_for_its_officer():
    from django.utils import timezone

    from aims.organizations.models import User
    from readiness.rules import Facts, support_facts

    seed()
    northwind = Organization.objects.get(slug="northwind")
    officer = User.objects.get(email="officer@northwind.example")
    today = timezone.localdate()
    facts = Facts(
        organization=northwind,
        today=today,
        support=support_facts(organization=northwind, user=officer, today=today),
    )
    for rule in (_changes, _resources, _documented_information, _concerns, _external_reporting):
        assert rule(facts).fulfilled is True, rule(facts)
