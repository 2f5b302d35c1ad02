"""Nonconformities: the status follows the corrective actions, and closing needs a root
cause, finished actions and an effectiveness check by someone who owns none of them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audits.models import CorrectiveAction, Incident, Nonconformity
from audits.selectors import nonconformity_trends
from audits.services import nonconformity_reopen, nonconformity_verify
from tests import factories


@pytest.fixture
def nc(org, users):
    return Nonconformity.objects.create(
        organization=org,
        title="Assessment not repeated",
        description="The model changed; the assessment did not.",
        source="internal_audit",
        root_cause="No trigger from change management.",
        owner=users.contributor,
    )


def _action(nc, **fields):
    return CorrectiveAction.objects.create(nonconformity=nc, description="Add a trigger.", **fields)


def _reload(nc):
    return Nonconformity.objects.get(pk=nc.pk)


def test_the_status_follows_the_actions(nc):
    assert nc.status == "open"
    first = _action(nc)
    assert _reload(nc).status == "action"
    second = _action(nc, status="in_progress")
    first.status, first.completed_on = "done", timezone.localdate()
    first.save()
    assert _reload(nc).status == "action"
    second.status = "cancelled"
    second.save()
    assert _reload(nc).status == "verifying"
    first.delete()
    assert _reload(nc).status == "open"  # only a cancelled action is left


def _ready_to_verify(nc, owner=None):
    _action(nc, status="done", completed_on=timezone.localdate(), owner=owner)
    return _reload(nc)


def test_an_effective_check_closes_it(nc, users):
    nc = _ready_to_verify(nc, owner=users.contributor)
    closed = nonconformity_verify(
        nonconformity=nc, user=users.officer, effective=True, notes="No repeat in 3 months."
    )
    assert (closed.status, closed.effectiveness, closed.closed_on) == (
        "closed",
        "effective",
        timezone.localdate(),
    )
    assert closed.verified_by == users.officer
    with pytest.raises(ValidationError, match="closed"):
        _action(closed).full_clean()


def test_a_failed_check_sends_it_back_for_new_action(nc, users):
    nc = _ready_to_verify(nc)
    back = nonconformity_verify(
        nonconformity=nc, user=users.officer, effective=False, notes="Happened again."
    )
    assert (back.status, back.effectiveness) == ("open", "not_effective")
    with pytest.raises(ValidationError, match="after a failed check, a new one"):
        nonconformity_verify(nonconformity=back, user=users.officer, effective=True, notes="x")
    _action(back, status="done", completed_on=timezone.localdate())
    assert _reload(back).status == "verifying"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("unfinished", "Finish or cancel every corrective action"),
        ("no_root_cause", "Record the root cause"),
        ("own_action", "someone else must check"),
        ("no_notes", "Say what the check looked at"),
    ],
)
def test_a_check_is_refused_when_it_cannot_be_trusted(nc, users, setup, message):
    if setup == "unfinished":
        _action(nc)
    else:
        _ready_to_verify(nc, owner=users.officer if setup == "own_action" else None)
    if setup == "no_root_cause":
        Nonconformity.objects.filter(pk=nc.pk).update(root_cause="")
    with pytest.raises(ValidationError, match=message):
        nonconformity_verify(
            nonconformity=_reload(nc),
            user=users.officer,
            effective=True,
            notes="" if setup == "no_notes" else "Checked.",
        )
    assert _reload(nc).status != "closed"


def test_a_contributor_cannot_verify(nc, users):
    from django.core.exceptions import PermissionDenied

    nc = _ready_to_verify(nc)
    with pytest.raises(PermissionDenied):
        nonconformity_verify(nonconformity=nc, user=users.contributor, effective=True, notes="x")


def test_the_database_refuses_a_closure_without_an_effective_check(nc):
    with pytest.raises(IntegrityError), transaction.atomic():
        Nonconformity.objects.filter(pk=nc.pk).update(status="closed")


def test_reopening_keeps_the_reason(nc, users):
    nc = _ready_to_verify(nc)
    closed = nonconformity_verify(nonconformity=nc, user=users.officer, effective=True, notes="ok")
    with pytest.raises(ValidationError):
        nonconformity_reopen(nonconformity=closed, user=users.officer, reason=" ")
    reopened = nonconformity_reopen(nonconformity=closed, user=users.officer, reason="Seen again.")
    assert reopened.status == "open" and "Seen again." in reopened.verification_notes


def test_the_pages_record_the_check(nc, users, client_for):
    nc = _ready_to_verify(nc)
    client = client_for(users.officer)
    page = client.get(nc.get_absolute_url()).content.decode()
    assert "Check effectiveness" in page
    url = reverse(
        "audits:nonconformity_decision",
        kwargs={"org": nc.organization.slug, "pk": nc.pk, "action": "verify"},
    )
    refused = client.post(url, {"effective": "yes", "notes": ""}, follow=True)
    assert _reload(nc).status == "verifying"
    assert "required" in refused.content.decode().lower()
    client.post(url, {"effective": "yes", "notes": "Three clean months."})
    assert _reload(nc).status == "closed"


def test_the_api_verifies_and_refuses_with_a_message(nc, users, api_client_for):
    client = api_client_for(users.officer)
    early = client.post(
        f"/api/v1/nonconformities/{nc.pk}/verify/", {"effective": True, "notes": "x"}, format="json"
    )
    assert early.status_code == 400
    _ready_to_verify(nc)
    done = client.post(
        f"/api/v1/nonconformities/{nc.pk}/verify/",
        {"effective": True, "notes": "Checked"},
        format="json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "closed"
    # The status is the workflow's: not written directly.
    client.patch(f"/api/v1/nonconformities/{nc.pk}/", {"status": "open"}, format="json")
    assert _reload(nc).status == "closed"


def test_raising_from_an_incident_starts_from_it(org, users, client_for):
    system = factories.AISystemFactory(organization=org)
    incident = Incident.objects.create(
        organization=org, title="Unfair refusals", description="d", containment="Paused."
    )
    incident.ai_systems.add(system)
    response = client_for(users.officer).get(
        reverse("audits:nonconformity_add", kwargs={"org": org.slug}), {"incident": incident.pk}
    )
    form = response.context["form"]
    assert form.instance.incident == incident and form.instance.source == "incident"
    assert form.initial["ai_systems"] == [system.pk]
    assert form.instance.correction == "Paused."


def test_trends_count_by_source_group_and_quarter(org, users, catalog):
    from controls.models import Requirement

    a6 = Requirement.objects.get(framework__code="iso42001", ref="A.6.2.4")
    for source, requirement, severity in [
        ("internal_audit", a6, "major"),
        ("internal_audit", None, "minor"),
        ("incident", None, "minor"),
    ]:
        incident = (
            Incident.objects.create(organization=org, title="i", description="d")
            if source == "incident"
            else None
        )
        Nonconformity.objects.create(
            organization=org,
            title="x",
            description="y",
            source=source,
            requirement=requirement,
            severity=severity,
            incident=incident,
            found_on=timezone.localdate(),
        )
    trends = nonconformity_trends(organization=org, user=users.viewer)
    assert trends["total"] == 3
    assert trends["by_source"][0] == {
        "source": "internal_audit",
        "label": "Internal audit",
        "open": 2,
        "closed": 0,
        "total": 2,
    }
    groups = {r["group"]: r for r in trends["by_requirement"]}
    assert groups["A.6"] == {"group": "A.6", "total": 1, "major": 1}
    assert trends["by_quarter"][-1]["n"] >= 1
    assert nonconformity_trends(organization=org, user=users.outsider)["total"] == 0


def test_the_page_offers_the_effectiveness_check_with_its_fields(nc, users, client_for):
    _ready_to_verify(nc, owner=users.contributor)
    page = client_for(users.officer).get(
        reverse("audits:nonconformity_detail", kwargs={"org": nc.organization.slug, "pk": nc.pk})
    )
    html = page.content.decode()
    assert "Check effectiveness" in html
    assert 'name="effective"' in html and 'name="notes"' in html
