"""SoA versions: a frozen copy of the live SoA, approved by someone other than its author."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from aims.core import documents
from aims.core.documents import DocumentStatus, ImmutableVersionError
from controls.models import ControlImplementation, SoAVersion
from controls.services import (
    controls_ensure_for,
    soa_diff,
    soa_version_refresh,
    soa_version_start,
)
from tests import factories


@pytest.fixture
def second_officer(org):
    user = factories.UserFactory(email="officer2@acme.test")
    factories.MembershipFactory(organization=org, user=user, role="officer")
    return user


@pytest.fixture
def soa(catalog, org):
    controls_ensure_for(organization=org)
    factories.decide_every_control(org)
    return org


def _decide(org, ref, **values):
    control = ControlImplementation.objects.get(organization=org, ref=ref)
    for key, value in values.items():
        setattr(control, key, value)
    control.full_clean()
    control.save()
    return control


def _approved(org, author, approver):
    draft = soa_version_start(organization=org, user=author, change_summary="First SoA.")
    documents.document_submit(version=draft, user=author)
    return documents.document_approve(version=draft, user=approver)


def _action(org, version, action):
    return reverse(
        "controls:soa_version_action", kwargs={"org": org.slug, "pk": version.pk, "action": action}
    )


def test_it_freezes_the_live_soa_into_a_draft(soa, users):
    _decide(soa, "A.2.2", applicability="applicable", justification="Policy is the base.")
    draft = soa_version_start(organization=soa, user=users.officer)
    assert draft.status == DocumentStatus.DRAFT
    assert len(draft.rows) == 38
    row = next(r for r in draft.rows if r["ref"] == "A.2.2")
    assert (row["applicability"], row["justification"]) == ("applicable", "Policy is the base.")
    assert draft.summary["applicable"] == 1
    with pytest.raises(ValidationError, match="already open"):
        soa_version_start(organization=soa, user=users.officer)


def test_it_refreshes_a_draft_but_not_an_approved_version(soa, users, second_officer):
    draft = soa_version_start(organization=soa, user=users.officer)
    _decide(soa, "A.3.2", applicability="applicable", justification="Roles are named.")
    draft = soa_version_refresh(version=draft, user=users.officer)
    assert next(r for r in draft.rows if r["ref"] == "A.3.2")["applicability"] == "applicable"
    documents.document_submit(version=draft, user=users.officer)
    approved = documents.document_approve(version=draft, user=second_officer)
    with pytest.raises(ValidationError):
        soa_version_refresh(version=approved, user=users.officer)


def test_it_keeps_an_approved_version_immutable(soa, users, second_officer):
    approved = _approved(soa, users.officer, second_officer)
    assert approved.status == DocumentStatus.APPROVED
    approved.rows = []
    with pytest.raises(ImmutableVersionError):
        approved.save()
    assert len(SoAVersion.objects.get(pk=approved.pk).rows) == 38


def test_it_refuses_to_approve_an_soa_with_undecided_or_unjustified_rows(
    soa, users, second_officer, client_for, api_client_for
):
    _decide(soa, "A.2.2", applicability="undecided", justification="")
    ControlImplementation.objects.filter(organization=soa, ref="A.3.2").update(justification=" ")
    draft = soa_version_start(organization=soa, user=users.officer)
    documents.document_submit(version=draft, user=users.officer)
    with pytest.raises(ValidationError) as refused:
        documents.document_approve(version=draft, user=second_officer)
    assert "Not yet decided whether it applies: A.2.2." in refused.value.messages
    assert "No justification for the decision: A.3.2." in refused.value.messages
    page = client_for(second_officer).get(draft.get_absolute_url())
    assert page.context["approval_blockers"] == refused.value.messages[1:]
    assert 'disabled aria-disabled="true">Approve' in page.content.decode()
    page = client_for(second_officer).post(_action(soa, draft, "approve"), follow=True)
    assert "Not yet decided whether it applies: A.2.2." in page.content.decode()
    response = api_client_for(second_officer).post(reverse("soaversion-approve", args=[draft.pk]))
    assert response.status_code == 400
    assert "A.2.2" in response.content.decode() and "A.3.2" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.IN_REVIEW
    # Decided in the live SoA and refreshed into the draft, it can be approved.
    _decide(soa, "A.2.2", applicability="applicable", justification="Policy is the base.")
    _decide(soa, "A.3.2", applicability="applicable", justification="Roles are named.")
    documents.document_return(version=draft, user=second_officer)
    soa_version_refresh(version=draft, user=users.officer)
    documents.document_submit(version=draft, user=users.officer)
    approved = documents.document_approve(version=draft, user=second_officer)
    assert approved.status == DocumentStatus.APPROVED


def test_it_forbids_the_author_approving_their_own_soa(soa, users, client_for):
    draft = soa_version_start(organization=soa, user=users.officer)
    documents.document_submit(version=draft, user=users.officer)
    with pytest.raises(ValidationError, match="someone else must approve"):
        documents.document_approve(version=draft, user=users.officer)
    response = client_for(users.officer).post(_action(soa, draft, "approve"), follow=True)
    assert "someone else must approve" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.IN_REVIEW


@pytest.mark.parametrize("role", ["contributor", "viewer", "auditor"])
def test_it_lets_only_officers_and_admins_approve_an_soa(
    role, soa, users, client_for, api_client_for
):
    draft = soa_version_start(organization=soa, user=users.officer)
    documents.document_submit(version=draft, user=users.officer)
    with pytest.raises(PermissionDenied):
        documents.document_approve(version=draft, user=users[role])
    # The auditor holds no grant on the version, so it is out of reach (404), not refused.
    refused = 404 if role == "auditor" else 403
    assert client_for(users[role]).post(_action(soa, draft, "approve")).status_code == refused
    api_approve = reverse("soaversion-approve", args=[draft.pk])
    assert api_client_for(users[role]).post(api_approve).status_code == refused
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.IN_REVIEW
    response = api_client_for(users.admin).post(api_approve, {"note": "Agreed."})
    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert (draft.status, draft.approved_by) == (DocumentStatus.APPROVED, users.admin)


def test_it_lets_the_author_approve_when_the_organisation_allows_it(soa, users):
    soa.allow_self_approval = True
    soa.save()
    draft = soa_version_start(organization=soa, user=users.officer)
    documents.document_submit(version=draft, user=users.officer)
    assert documents.document_approve(version=draft, user=users.officer).status == "approved"


def test_it_walks_a_version_through_the_pages(soa, users, second_officer, client_for):
    officer, reviewer = client_for(users.officer), client_for(second_officer)
    versions = reverse("controls:soa_version_list", kwargs={"org": soa.slug})
    response = officer.post(versions, {"change_summary": "First SoA."})
    draft = SoAVersion.objects.get(organization=soa)
    assert response["Location"] == draft.get_absolute_url()
    assert officer.post(_action(soa, draft, "refresh")).status_code == 302
    assert officer.post(_action(soa, draft, "submit")).status_code == 302
    assert client_for(users.viewer).post(_action(soa, draft, "approve")).status_code == 403
    assert reviewer.post(_action(soa, draft, "return"), {"note": "Justify A.5."}).status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.approval_note) == ("draft", "Justify A.5.")
    officer.post(_action(soa, draft, "submit"))
    reviewer.post(_action(soa, draft, "approve"), {"note": "Agreed."})
    draft.refresh_from_db()
    assert draft.status == "approved" and draft.approved_by == second_officer

    _decide(soa, "A.4.2", applicability="applicable", justification="We document resources.")
    response = officer.post(_action(soa, draft, "revise"))
    revision = SoAVersion.objects.get(organization=soa, number=2)
    assert response["Location"] == revision.get_absolute_url()
    # A revision starts from the live SoA, not the approved copy.
    assert next(r for r in revision.rows if r["ref"] == "A.4.2")["applicability"] == "applicable"

    page = officer.get(revision.get_absolute_url())
    assert page.status_code == 200
    assert f"?a={draft.pk}&amp;b={revision.pk}" in page.content.decode()  # compare with previous
    assert page.context["groups"][0].key == "A.2"


def test_it_shows_what_changed_between_two_versions(soa, users, second_officer, client_for):
    v1 = _approved(soa, users.officer, second_officer)
    _decide(soa, "A.5.2", applicability="applicable", justification="Impact on people.")
    factories.ControlImplementationFactory(organization=soa, ref="ORG-1", title="Red teaming")
    v2 = documents.document_start_revision(version=v1, user=users.officer)
    v2 = soa_version_refresh(version=v2, user=users.officer)

    diff = soa_diff(old=v1, new=v2)
    assert [r["ref"] for r in diff["added"]] == ["ORG-1"]
    assert diff["removed"] == []
    (changed,) = diff["changed"]
    assert changed["ref"] == "A.5.2"
    assert {f["field"]: (f["before"], f["after"]) for f in changed["fields"]} == {
        "applicability": ("not_applicable", "applicable"),
        "justification": ("Decided for the test.", "Impact on people."),
        "gaps": ("", "Applicable but no evidence"),
    }

    url = reverse("controls:soa_version_diff", kwargs={"org": soa.slug})
    page = client_for(users.viewer).get(url, {"a": v2.pk, "b": v1.pk})  # any order
    assert page.status_code == 200
    assert (page.context["old"], page.context["new"]) == (v1, v2)
    assert b"Impact on people." in page.content
    assert client_for(users.viewer).get(url, {"a": v1.pk}).status_code == 404


def test_the_api_runs_the_whole_life_cycle(soa, users, second_officer, api_client_for):
    officer, reviewer = api_client_for(users.officer), api_client_for(second_officer)
    created = officer.post(
        reverse("soaversion-list"), {"organization": soa.pk, "change_summary": "v1"}, format="json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert len(created.json()["rows"]) == 38

    def act(client, name, **params):
        return client.post(reverse(f"soaversion-{name}", args=[pk]), params, format="json")

    assert act(officer, "refresh").status_code == 200
    assert act(officer, "submit").json()["status"] == "in_review"
    refused = act(officer, "approve")
    assert refused.status_code == 400
    assert act(reviewer, "approve", note="ok").json()["status"] == "approved"
    assert (
        officer.patch(
            reverse("soaversion-detail", args=[pk]), {"change_summary": "x"}, format="json"
        ).status_code
        == 400
    )
    revised = act(officer, "revise")
    assert revised.status_code == 200 and revised.json()["number"] == 2
    diff = officer.get(reverse("soaversion-diff", args=[pk]), {"with": revised.json()["id"]})
    assert diff.status_code == 200
    assert set(diff.json()) == {"from", "to", "added", "removed", "changed", "summary"}
    assert officer.get(reverse("soaversion-diff", args=[pk]), {"with": "x"}).status_code == 400


def test_an_approved_version_keeps_who_justified_each_row_and_the_diff_shows_links(
    soa, users, second_officer, client_for
):
    control = _decide(soa, "A.6.2.7", applicability="applicable", justification="Docs matter.")
    risk = factories.RiskFactory(organization=soa, title="Undocumented model")
    v1 = _approved(soa, users.officer, second_officer)
    before = next(r for r in v1.rows if r["ref"] == "A.6.2.7")
    assert (before["risks"], before["evidence"]) == ([], [])

    risk.controls.add(control)
    evidence = factories.EvidenceItemFactory(organization=soa, title="Technical file")
    control.evidence.add(evidence)
    v2 = documents.document_start_revision(version=v1, user=users.officer)
    v2 = soa_version_refresh(version=v2, user=users.officer)
    row = next(r for r in v2.rows if r["ref"] == "A.6.2.7")
    risk.refresh_from_db()
    assert row["risks"] == [
        {"id": risk.pk, "reference": risk.reference, "title": risk.title, "version": risk.version}
    ]
    assert [(e["id"], e["title"]) for e in row["evidence"]] == [(evidence.pk, "Technical file")]

    diff = soa_diff(old=v1, new=v2)
    (changed,) = [c for c in diff["changed"] if c["ref"] == "A.6.2.7"]
    fields = {f["field"]: (f["before"], f["after"]) for f in changed["fields"]}
    assert fields["risks"] == ("", f"{risk.reference} Undocumented model (v{risk.version})")
    assert fields["evidence"][1].startswith("Technical file")
    assert "gaps" in fields  # "applicable but no evidence" went away
    assert {s["key"]: (s["before"], s["after"]) for s in diff["summary"]}["gaps"] == (
        v1.summary["gaps"],
        v1.summary["gaps"] - 1,
    )
    url = reverse("controls:soa_version_diff", kwargs={"org": soa.slug})
    page = client_for(users.viewer).get(url, {"a": v1.pk, "b": v2.pk}).content.decode()
    assert "Linked risks" in page and "Controls with gaps" in page

    # The risk deleted later is still traceable from the version that relied on it.
    risk_reference = risk.reference
    risk.delete()
    v2.refresh_from_db()
    row = next(r for r in v2.rows if r["ref"] == "A.6.2.7")
    assert row["risks"][0]["reference"] == risk_reference
    page = client_for(users.viewer).get(v2.get_absolute_url()).content.decode()
    assert risk_reference in page and "Technical file" in page
