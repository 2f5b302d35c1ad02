"""POST on a controlled document's list starts its next version (issue 8, item 12).

It used to answer 400 "The fields organization, number must make a unique set" once any
version existed: only ``revise`` worked. Now POST starts the next draft (as ``revise``
does) and, while a draft is open, says to change that one instead.
"""

from __future__ import annotations

import pytest

from aims.core import documents
from aims.core.documents import DocumentStatus
from aims.organizations.models import ScopeStatement
from aims.organizations.services import scope_start_draft
from controls.models import SoAVersion
from controls.services import controls_ensure_for, soa_version_start
from tests import factories

SCOPES = "/api/v1/scope-statements/"
SOAS = "/api/v1/soa-versions/"


@pytest.fixture
def second_officer(org):
    user = factories.UserFactory(email="officer2@acme.test")
    factories.MembershipFactory(organization=org, user=user, role="officer")
    return user


def _approve(version, approver):
    version = documents.document_submit(version=version, user=version.author)
    return documents.document_approve(version=version, user=approver)


def _approved_scope(org, users, second_officer):
    draft = scope_start_draft(organization=org, actor=users.officer)
    draft.in_scope = "Customer-support AI in the EU."
    draft.save()
    return _approve(draft, second_officer)


def test_post_starts_the_next_scope_version_from_the_approved_one(
    org, users, second_officer, api_client_for
):
    approved = _approved_scope(org, users, second_officer)
    client = api_client_for(users.officer)
    response = client.post(
        SCOPES,
        {"organization": org.pk, "in_scope": "All support AI.", "change_summary": "Wider."},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["status"], body["in_scope"]) == (2, "draft", "All support AI.")
    assert body["author"] == users.officer.pk
    approved.refresh_from_db()
    assert (approved.status, approved.in_scope) == (
        DocumentStatus.APPROVED,
        "Customer-support AI in the EU.",
    )


def test_post_refuses_a_second_open_scope_draft_and_names_the_way(
    org, users, second_officer, api_client_for
):
    draft = scope_start_draft(organization=org, actor=users.officer)
    client = api_client_for(users.officer)
    response = client.post(SCOPES, {"organization": org.pk, "in_scope": "x"}, format="json")
    assert response.status_code == 400, response.content
    message = " ".join(response.json()["non_field_errors"])
    assert "unique set" not in message
    assert f"Version {draft.number}" in message and "already open" in message
    assert ScopeStatement.objects.count() == 1


def test_post_starts_the_next_soa_version(catalog, org, users, second_officer, api_client_for):
    controls_ensure_for(organization=org)
    factories.decide_every_control(org)
    draft = soa_version_start(organization=org, user=users.officer, change_summary="First.")
    _approve(draft, second_officer)
    client = api_client_for(users.officer)
    response = client.post(
        SOAS, {"organization": org.pk, "change_summary": "Second."}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["status"], body["change_summary"]) == (2, "draft", "Second.")
    again = client.post(SOAS, {"organization": org.pk}, format="json")
    assert again.status_code == 400, again.content
    message = " ".join(again.json()["non_field_errors"])
    assert "unique set" not in message and "already open" in message
    assert SoAVersion.objects.count() == 2
