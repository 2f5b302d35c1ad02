"""Controlled documents (7.5), through the scope statement: draft → review → approved → superseded."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from aims.core import documents
from aims.core.documents import DocumentStatus, ImmutableVersionError
from aims.organizations.models import ScopeStatement
from aims.organizations.services import scope_start_draft
from tests import factories


@pytest.fixture
def second_officer(org):
    user = factories.UserFactory(email="officer2@acme.test")
    factories.MembershipFactory(organization=org, user=user, role="officer")
    return user


@pytest.fixture
def draft(org, users):
    version = scope_start_draft(organization=org, actor=users.officer)
    version.in_scope = "Customer-support AI in the EU."
    version.save()
    return version


def _approve(version, author_reviewer):
    version = documents.document_submit(version=version, user=version.author)
    return documents.document_approve(version=version, user=author_reviewer)


def test_it_moves_a_draft_through_review_to_approved(draft, second_officer):
    submitted = documents.document_submit(version=draft, user=draft.author)
    assert submitted.status == DocumentStatus.IN_REVIEW
    assert submitted.submitted_at is not None
    approved = documents.document_approve(
        version=submitted, user=second_officer, note="Looks right."
    )
    assert approved.status == DocumentStatus.APPROVED
    assert approved.approved_by == second_officer
    assert approved.approved_at is not None
    assert approved.approval_note == "Looks right."
    assert approved.next_review_date is not None
    assert approved.is_frozen


def test_it_supersedes_the_previous_version_on_the_next_approval(draft, users, second_officer):
    v1 = _approve(draft, second_officer)
    v2 = documents.document_start_revision(version=v1, user=users.officer)
    v2.in_scope = "All customer-facing AI."
    v2.save()
    v2 = _approve(v2, second_officer)
    v1.refresh_from_db()
    assert v1.status == DocumentStatus.SUPERSEDED
    assert v1.superseded_at is not None
    assert v2.status == DocumentStatus.APPROVED
    assert v2.number == 2
    assert (
        ScopeStatement.objects.filter(organization=draft.organization, status="approved").count()
        == 1
    )


def test_it_forbids_the_author_approving_their_own_version(draft):
    submitted = documents.document_submit(version=draft, user=draft.author)
    with pytest.raises(ValidationError, match="someone else must approve"):
        documents.document_approve(version=submitted, user=draft.author)
    submitted.refresh_from_db()
    assert submitted.status == DocumentStatus.IN_REVIEW


def test_it_lets_the_author_approve_when_the_organisation_allows_it(draft, org):
    org.allow_self_approval = True
    org.save()
    submitted = documents.document_submit(version=draft, user=draft.author)
    approved = documents.document_approve(version=submitted, user=draft.author)
    assert approved.status == DocumentStatus.APPROVED
    assert approved.approved_by == draft.author


@pytest.mark.parametrize("role", ["contributor", "viewer", "auditor"])
def test_it_lets_only_officers_and_admins_approve(role, draft, users):
    submitted = documents.document_submit(version=draft, user=draft.author)
    with pytest.raises(PermissionDenied):
        documents.document_approve(version=submitted, user=users[role])


def test_it_refuses_steps_out_of_order(draft, second_officer):
    with pytest.raises(ValidationError):
        documents.document_approve(version=draft, user=second_officer)
    with pytest.raises(ValidationError):
        documents.document_return(version=draft, user=second_officer)
    with pytest.raises(ValidationError):
        documents.document_start_revision(version=draft, user=second_officer)
    submitted = documents.document_submit(version=draft, user=draft.author)
    with pytest.raises(ValidationError):
        documents.document_submit(version=submitted, user=draft.author)


def test_it_returns_a_version_in_review_to_draft(draft, second_officer):
    submitted = documents.document_submit(version=draft, user=draft.author)
    returned = documents.document_return(
        version=submitted, user=second_officer, note="Name the sites."
    )
    assert returned.status == DocumentStatus.DRAFT
    assert returned.submitted_at is None
    assert returned.approval_note == "Name the sites."


def test_it_freezes_an_approved_version(draft, second_officer):
    approved = _approve(draft, second_officer)
    approved = ScopeStatement.objects.get(pk=approved.pk)
    approved.in_scope = "Quietly rewritten."
    with pytest.raises(ImmutableVersionError):
        approved.save()
    assert ScopeStatement.objects.get(pk=approved.pk).in_scope == "Customer-support AI in the EU."
    # Bookkeeping that is not content may still change (e.g. being superseded).
    approved = ScopeStatement.objects.get(pk=approved.pk)
    approved.change_summary = "typo"
    approved.save()


def test_it_copies_content_and_links_into_a_revision(draft, org, users, second_officer):
    system = factories.AISystemFactory(organization=org)
    draft.ai_systems.add(system)
    draft.exclusions = "Internal HR tools."
    draft.ai_roles = ["deployer", "customer"]
    draft.review_interval_months = 6
    draft.save()
    approved = _approve(draft, second_officer)
    revision = documents.document_start_revision(version=approved, user=users.admin)
    assert revision.status == DocumentStatus.DRAFT
    assert revision.number == approved.number + 1
    assert revision.author == users.admin
    for name in ScopeStatement.content_fields:
        assert getattr(revision, name) == getattr(approved, name)
    assert list(revision.ai_systems.all()) == [system]
    assert revision.review_interval_months == 6
    assert revision.approved_by is None


def test_it_allows_only_one_open_draft(draft, users, second_officer):
    approved = _approve(draft, second_officer)
    documents.document_start_revision(version=approved, user=users.officer)
    with pytest.raises(ValidationError, match="already exists"):
        documents.document_start_revision(version=approved, user=users.admin)
    with pytest.raises(ValidationError):
        scope_start_draft(organization=draft.organization, actor=users.admin)
    # The database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        ScopeStatement.objects.create(
            organization=draft.organization, author=users.admin, number=9, in_scope="x"
        )


# --- the same workflow through the API ---------------------------------------------------


def _action(client, version, name, **data):
    return client.post(f"/api/v1/scope-statements/{version.pk}/{name}/", data, format="json")


def test_it_runs_the_workflow_through_the_api(org, users, second_officer, api_client_for):
    author, reviewer = api_client_for(users.officer), api_client_for(second_officer)
    response = author.post(
        reverse("scopestatement-list"),
        {"organization": org.pk, "in_scope": "EU support AI"},
        format="json",
    )
    assert response.status_code == 201, response.content
    v1 = ScopeStatement.objects.get(pk=response.json()["id"])
    assert (v1.status, v1.author, v1.in_scope) == ("draft", users.officer, "EU support AI")

    assert _action(author, v1, "submit").json()["status"] == "in_review"
    response = _action(author, v1, "approve")
    assert response.status_code == 400
    assert "someone else" in response.json()["non_field_errors"][0]
    assert _action(reviewer, v1, "return", note="More detail").json()["status"] == "draft"
    assert _action(author, v1, "submit").status_code == 200
    response = _action(reviewer, v1, "approve", note="Fine")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["approved_by"] == second_officer.pk

    # An approved version is not edited in place: PATCH refuses, "revise" makes version 2.
    response = author.patch(
        reverse("scopestatement-detail", args=[v1.pk]), {"in_scope": "x"}, format="json"
    )
    assert response.status_code == 400
    response = _action(author, v1, "revise")
    assert response.status_code == 200
    v2 = response.json()
    assert (v2["number"], v2["status"], v2["in_scope"]) == (2, "draft", "EU support AI")
    assert _action(author, v1, "revise").status_code == 400  # one open draft only
    response = author.patch(
        reverse("scopestatement-detail", args=[v2["id"]]), {"in_scope": "All AI"}, format="json"
    )
    assert response.status_code == 200
    assert _action(author, ScopeStatement.objects.get(pk=v2["id"]), "submit").status_code == 200
    assert _action(reviewer, ScopeStatement.objects.get(pk=v2["id"]), "approve").status_code == 200
    v1.refresh_from_db()
    assert v1.status == "superseded"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("contributor", 403),
        ("viewer", 403),
        ("auditor", 404),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_it_refuses_workflow_actions_to_other_roles(role, expected, draft, users, api_client_for):
    client = api_client_for(None if role == "anonymous" else users[role])
    for name in ("submit", "approve", "return", "revise"):
        assert _action(client, draft, name).status_code == expected
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_it_runs_the_workflow_through_the_ui(draft, users, second_officer, client_for):
    def act(user, name):
        url = reverse(
            "organizations:scope_action",
            kwargs={"org": draft.organization.slug, "pk": draft.pk, "action": name},
        )
        return client_for(user).post(url, {"note": "ok"})

    assert act(users.officer, "submit").status_code == 302
    assert act(users.officer, "approve").status_code == 302  # refused with a message
    draft.refresh_from_db()
    assert draft.status == "in_review"
    assert act(users.viewer, "approve").status_code == 403
    assert act(second_officer, "approve").status_code == 302
    draft.refresh_from_db()
    assert draft.status == "approved"
    assert draft.approval_note == "ok"
    # The edit form of an approved version is refused.
    edit = reverse(
        "organizations:scope_edit", kwargs={"org": draft.organization.slug, "pk": draft.pk}
    )
    assert client_for(users.admin).get(edit).status_code == 403


def test_an_approved_scope_keeps_the_systems_it_named_after_one_is_deleted(
    draft, org, second_officer, client_for, users
):
    kept = factories.AISystemFactory(organization=org, name="Support assistant")
    dropped = factories.AISystemFactory(organization=org, name="Retired screener")
    draft.ai_systems.set([kept, dropped])
    approved = _approve(draft, second_officer)
    dropped.delete()
    approved = ScopeStatement.objects.get(pk=approved.pk)
    assert [s["title"] for s in approved.linked("ai_systems")] == [
        "Support assistant",
        "Retired screener",
    ]
    page = client_for(users.viewer).get(approved.get_absolute_url()).content.decode()
    assert "Retired screener" in page and "deleted since this version was approved" in page
    with pytest.raises(ImmutableVersionError):
        approved.ai_systems.add(factories.AISystemFactory(organization=org))
    with pytest.raises(ImmutableVersionError):
        approved.ai_systems.remove(kept)
    approved.frozen_links = {"ai_systems": []}
    with pytest.raises(ImmutableVersionError):
        approved.save()
