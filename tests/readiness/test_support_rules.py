"""6.3, 7.1, 7.5.3, A.3.3 and A.8.3 read the support area's records (policies app)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from policies.documented import record_types
from policies.models import (
    AIMSResource,
    Concern,
    ConcernChannel,
    OutsideDocument,
    PlannedChange,
    RetentionRule,
)
from policies.services.support import (
    concern_close,
    concern_raise,
    planned_change_approve,
    planned_change_implement,
)
from readiness.rules import (
    CONTROL_RULES,
    RULES,
    Facts,
    _changes,
    _concerns,
    _documented_information,
    _external_reporting,
    _resources,
    support_facts,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _facts(org, user):
    today = timezone.localdate()
    return Facts(
        organization=org,
        today=today,
        support=support_facts(organization=org, user=user, today=today),
    )


def test_the_rules_are_registered():
    assert RULES["6.3"] is _changes and RULES["7.1"] is _resources
    assert RULES["7.5.3"] is _documented_information and CONTROL_RULES["A.3.3"] is _concerns


def test_nothing_recorded_fulfils_nothing(org, users):
    facts = _facts(org, users.officer)
    for rule in (_changes, _resources, _documented_information, _concerns):
        finding = rule(facts)
        assert finding.fulfilled is False and finding.todo


def test_changes_decided_and_implemented_fulfil_6_3(org, users):
    change = PlannedChange.objects.create(
        organization=org,
        title="T",
        purpose="P",
        proposed_by=users.officer,
        planned_date=timezone.localdate() - datetime.timedelta(days=2),
    )
    finding = _changes(_facts(org, users.officer))
    assert finding.fulfilled is False and "Decide the proposed change" in finding.todo
    planned_change_approve(change=change, actor=users.admin)
    assert "Implement the approved change" in _changes(_facts(org, users.officer)).todo
    planned_change_implement(change=change, actor=users.admin)
    finding = _changes(_facts(org, users.officer))
    assert finding.fulfilled is True
    assert finding.found == "1 planned change, 1 implemented after approval."


def test_resources_need_a_review_date_not_yet_passed(org, users):
    today = timezone.localdate()
    resource = AIMSResource.objects.create(organization=org, name="Officer time", kind="people")
    assert "Give a review date" in _resources(_facts(org, users.officer)).todo
    resource.review_date = today - datetime.timedelta(days=1)
    resource.save()
    finding = _resources(_facts(org, users.officer))
    assert finding.fulfilled is False and "past its review date" in finding.todo
    resource.review_date = today + datetime.timedelta(days=90)
    resource.save()
    assert _resources(_facts(org, users.officer)).fulfilled is True


def test_every_kind_of_record_needs_retention_and_the_outside_register_is_kept(org, users):
    kinds = record_types()
    for kind in kinds[1:]:
        RetentionRule.objects.create(
            organization=org, record_type=kind.label, retention_months=12, disposal_method="delete"
        )
    finding = _documented_information(_facts(org, users.officer))
    assert finding.fulfilled is False and kinds[0].name in finding.todo
    RetentionRule.objects.create(
        organization=org, record_type=kinds[0].label, retention_months=12, disposal_method="archive"
    )
    finding = _documented_information(_facts(org, users.officer))
    assert finding.fulfilled is False and "outside the product" in finding.todo
    OutsideDocument.objects.create(
        organization=org,
        title="DPA",
        kind="contract",
        location="legal",
        retention_months=60,
        disposal_method="archive",
    )
    assert _documented_information(_facts(org, users.officer)).fulfilled is True


def test_a_channel_and_concerns_handled_in_time_fulfil_a_3_3(org, users):
    ConcernChannel.objects.create(organization=org, name="Staff")
    assert _concerns(_facts(org, users.officer)).fulfilled is True
    concern, _code = concern_raise(organization=org, summary="S", description="D", category="other")
    assert _concerns(_facts(org, users.officer)).fulfilled is True
    Concern.objects.filter(pk=concern.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    finding = _concerns(_facts(org, users.officer))
    assert finding.fulfilled is False and "open for more than 30 days" in finding.todo


def test_an_auditor_counts_only_what_their_engagement_shows(org, users):
    system = factories.AISystemFactory(organization=org)
    other = factories.AISystemFactory(organization=org)
    AIMSResource.objects.create(organization=org, name="GPU", kind="compute").ai_systems.add(other)
    factories.engage(org, users.auditor, systems=[system])
    assert _facts(org, users.auditor).support["resources_total"] == 0
    assert _facts(org, users.officer).support["resources_total"] == 1


def test_the_facts_take_two_queries_whatever_the_records(org, users):
    for n in range(5):
        AIMSResource.objects.create(organization=org, name=f"R{n}", kind="budget")
    with CaptureQueriesContext(connection) as queries:
        support_facts(organization=org, user=users.officer, today=timezone.localdate())
    assert len(queries) <= 3  # the two, plus the caller's memberships when not cached yet


def test_a_3_3_marked_implemented_contradicts_unhandled_concerns(ready_org, users):
    from tests.readiness.test_contradictions import _control, _found

    rule = "concerns_unhandled_while_implemented"
    assert rule not in _found(ready_org, users.officer)
    _control(ready_org, "A.3.3", applicability="applicable", status="implemented")
    found = _found(ready_org, users.officer)[rule]
    assert "no reporting channel" in found.message and found.controls == ["A.3.3"]
    ConcernChannel.objects.create(organization=ready_org, name="Staff")
    assert rule not in _found(ready_org, users.officer)
    concern, _code = concern_raise(
        organization=ready_org, summary="S", description="D", category="other"
    )
    Concern.objects.filter(pk=concern.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=45)
    )
    found = _found(ready_org, users.officer)[rule]
    assert "1 concern has been open for more than 30 days" in found.message


def _outside_report(org, *, days_ago=0, **extra):
    concern, _code = concern_raise(
        organization=org,
        summary="Refused by the scoring model",
        description="D",
        category="fairness",
        reporter_relationship="affected",
        received_at=timezone.now() - datetime.timedelta(days=days_ago),
        **extra,
    )
    return concern


def test_a_8_3_is_registered_next_to_a_3_3():
    assert CONTROL_RULES["A.8.3"] is _external_reporting


def test_a_8_3_needs_an_external_channel(org, users):
    # A staff channel and its concerns, however well handled, are no way in from outside.
    ConcernChannel.objects.create(organization=org, name="Staff", anonymous_enabled=True)
    finding = _external_reporting(_facts(org, users.officer))
    assert finding.fulfilled is False
    assert finding.found == "No reporting channel is open to people outside the organisation."
    assert "people outside the organisation" in finding.todo
    assert finding.url.endswith("/concerns/channel/add/")


def test_a_8_3_needs_the_external_link_switched_on(org, users):
    channel = ConcernChannel.objects.create(organization=org, name="Public", audience="external")
    finding = _external_reporting(_facts(org, users.officer))
    assert finding.fulfilled is False and "switched off" in finding.found
    assert "Switch on the link" in finding.todo and finding.url.endswith("/concerns/")
    channel.anonymous_enabled = True
    channel.save()
    finding = _external_reporting(_facts(org, users.officer))
    assert finding.fulfilled is True
    assert finding.found == (
        "1 external reporting link switched on; 0 reports from outside, 0 open."
    )


def test_a_8_3_needs_reports_from_outside_handled_in_time(org, users):
    ConcernChannel.objects.create(
        organization=org, name="Public", audience="external", anonymous_enabled=True
    )
    _outside_report(org, days_ago=10)
    # A staff concern left open does not count against A.8.3 (it does against A.3.3).
    staff, _code = concern_raise(organization=org, summary="S", description="D", category="other")
    Concern.objects.filter(pk=staff.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    facts = _facts(org, users.officer)
    assert _external_reporting(facts).fulfilled is True
    assert _concerns(facts).fulfilled is False
    late = _outside_report(org, days_ago=31)
    finding = _external_reporting(_facts(org, users.officer))
    assert finding.fulfilled is False
    assert finding.found == "1 external reporting link switched on; 2 reports from outside, 2 open."
    assert finding.todo == "Handle the report from outside open for more than 30 days."
    assert finding.url.endswith("?open=true&from_outside=true")
    concern_close(concern=late, actor=users.officer, status="resolved", resolution="Refunded.")
    assert _external_reporting(_facts(org, users.officer)).fulfilled is True
