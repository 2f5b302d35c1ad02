"""Policies as controlled documents: approval segregation and authority, immutability of
approved versions (UI and API), publication, retirement, starters, review interval."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from aims.core.changelog import change_context
from aims.core.documents import (
    DocumentStatus,
    ImmutableVersionError,
    document_approve,
    document_retire,
    document_submit,
)
from aims.core.models import ChangeLogEntry
from policies.models import Policy, PolicyAcknowledgement
from policies.services import documents as services
from tests.policies.documents_helpers import approved, draft, published

pytestmark = pytest.mark.django_db


def _detail(org, version):
    return reverse("policies:policy_detail", kwargs={"org": org.slug, "pk": version.pk})


def _action(org, version, action):
    return reverse(
        "policies:policy_action", kwargs={"org": org.slug, "pk": version.pk, "action": action}
    )


class TestApproval:
    def test_it_refuses_the_author_approving_their_own_version(self, org, users):
        version = draft(org, users.officer)
        document_submit(version=version, user=users.officer)
        with pytest.raises(ValidationError) as exc:
            document_approve(version=version, user=users.officer)
        assert exc.value.code == "self_approval"
        version.refresh_from_db()
        assert version.status == DocumentStatus.IN_REVIEW

    def test_it_lets_the_author_approve_when_the_organisation_allows_it(self, org, users):
        org.allow_self_approval = True
        org.save()
        version = draft(org, users.officer)
        document_submit(version=version, user=users.officer)
        document_approve(version=version, user=users.officer)
        version.refresh_from_db()
        assert version.status == DocumentStatus.APPROVED

    def test_ui_self_approval_is_refused_with_a_message_and_nothing_saved(
        self, org, users, client_for
    ):
        version = draft(org, users.officer)
        document_submit(version=version, user=users.officer)
        response = client_for(users.officer).post(_action(org, version, "approve"), follow=True)
        assert "someone else must approve it" in response.content.decode()
        version.refresh_from_db()
        assert version.status == DocumentStatus.IN_REVIEW and version.approved_by is None

    def test_approval_without_the_authority_is_refused_with_a_message(
        self, org, users, client_for, api_client_for
    ):
        version = draft(org, users.officer)
        document_submit(version=version, user=users.officer)
        ui, api_client = client_for(users.contributor), api_client_for(users.contributor)
        ui.get(_detail(org, version))  # signing in writes the login time: not counted below
        since = ChangeLogEntry.objects.count()
        response = ui.post(_action(org, version, "approve"), follow=True)
        assert response.status_code == 200
        assert "You may not do that with this document." in response.content.decode()
        api = api_client.post(reverse("policy-approve", args=[version.pk]), {}, format="json")
        assert api.status_code == 403
        assert api.json()["detail"]
        version.refresh_from_db()
        assert version.status == DocumentStatus.IN_REVIEW
        assert ChangeLogEntry.objects.count() == since

    def test_the_sign_off_is_shown(self, org, users, client_for):
        version = approved(org, users.officer, users.admin)
        page = client_for(users.viewer).get(_detail(org, version)).content.decode()
        assert "Approved by Acme Admin" in page
        assert "Fine by me." in page


class TestApprovedVersionsAreFrozen:
    def test_model_refuses_a_changed_approved_version(self, org, users):
        version = approved(org, users.officer, users.admin)
        version.body = "Something else"
        with pytest.raises(ImmutableVersionError):
            version.save()

    def test_links_of_an_approved_version_cannot_change(self, org, users):
        version = approved(org, users.officer, users.admin)
        other = draft(org, users.officer)
        with pytest.raises(ImmutableVersionError):
            version.aligned_with.add(other)

    def test_ui_edit_of_an_approved_version_is_refused(self, org, users, client_for):
        version = approved(org, users.officer, users.admin)
        url = reverse("policies:policy_edit", kwargs={"org": org.slug, "pk": version.pk})
        client = client_for(users.officer)
        assert client.get(url).status_code == 403
        response = client.post(url, {"title": "Changed", "_version": version.version})
        assert response.status_code == 403
        version.refresh_from_db()
        assert version.title != "Changed"

    def test_an_approved_version_cannot_be_deleted(self, org, users, client_for, api_client_for):
        version = approved(org, users.officer, users.admin)
        url = reverse("policies:policy_delete", kwargs={"org": org.slug, "pk": version.pk})
        assert client_for(users.officer).post(url).status_code == 403
        api = api_client_for(users.officer).delete(reverse("policy-detail", args=[version.pk]))
        assert api.status_code == 400
        assert Policy.objects.filter(pk=version.pk).exists()

    def test_api_edit_of_an_approved_version_is_refused(self, org, users, api_client_for):
        version = approved(org, users.officer, users.admin)
        response = api_client_for(users.officer).patch(
            reverse("policy-detail", args=[version.pk]), {"title": "Changed"}, format="json"
        )
        assert response.status_code == 400
        version.refresh_from_db()
        assert version.title != "Changed"

    def test_an_edit_makes_a_new_draft_in_the_ui(self, org, users, client_for):
        version = approved(org, users.officer, users.admin)
        version.aligned_with.through.objects.create(
            from_policy=version, to_policy=draft(org, users.officer)
        )
        response = client_for(users.officer).post(_action(org, version, "revise"))
        new = Policy.objects.get(code=version.code, number=2)
        assert response["Location"] == _detail(org, new)
        assert new.status == DocumentStatus.DRAFT and new.author == users.officer
        assert new.body == version.body
        assert list(new.aligned_with.all()) == list(version.aligned_with.all())

    def test_an_edit_makes_a_new_draft_in_the_api(self, org, users, api_client_for):
        version = approved(org, users.officer, users.admin)
        client = api_client_for(users.officer)
        response = client.post(reverse("policy-revise", args=[version.pk]), {}, format="json")
        assert response.status_code == 200
        assert response.json()["number"] == 2 and response.json()["status"] == "draft"
        again = client.post(reverse("policy-revise", args=[version.pk]), {}, format="json")
        assert again.status_code == 400


class TestBadInput:
    def test_a_review_interval_of_zero_is_refused(self, org, users, api_client_for, client_for):
        version = draft(org, users.officer)
        api = api_client_for(users.officer).patch(
            reverse("policy-detail", args=[version.pk]),
            {"review_interval_months": 0},
            format="json",
        )
        assert api.status_code == 400
        assert "review_interval_months" in api.json()
        url = reverse("policies:policy_add", kwargs={"org": org.slug})
        ui = client_for(users.officer).post(
            url, {"code": "POL-Z", "kind": "policy", "title": "Zero", "review_interval_months": 0}
        )
        assert ui.status_code == 400
        assert "at least 1 month" in ui.content.decode()
        version.refresh_from_db()
        assert version.review_interval_months == 12
        assert not Policy.objects.filter(code="POL-Z").exists()

    def test_a_code_in_use_is_refused(self, org, users, api_client_for):
        version = draft(org, users.officer)
        response = api_client_for(users.officer).post(
            reverse("policy-list"),
            {"organization": org.pk, "code": version.code.lower(), "title": "Again"},
            format="json",
        )
        assert response.status_code == 400
        assert "code" in response.json()

    def test_a_bad_outside_document_address_is_refused(self, org, users, api_client_for):
        version = draft(org, users.officer)
        response = api_client_for(users.officer).patch(
            reverse("policy-detail", args=[version.pk]),
            {"external_documents": "Group code | javascript:alert(1)"},
            format="json",
        )
        assert response.status_code == 400
        assert "external_documents" in response.json()


class TestPublication:
    def test_only_an_approved_version_is_published(self, org, users):
        version = draft(org, users.officer)
        with pytest.raises(ValidationError):
            services.policy_publish(version=version, user=users.admin)

    def test_publishing_asks_roles_and_people_once(self, org, users):
        version = approved(org, users.officer, users.admin)
        version, made = services.policy_publish(
            version=version,
            user=users.admin,
            roles=["contributor", "viewer"],
            people=[users.contributor, users.officer],
        )
        asked = set(version.acknowledgements.values_list("user__email", flat=True))
        assert asked == {"contributor@acme.test", "viewer@acme.test", "officer@acme.test"}
        assert made == 3
        assert version.published_by == users.admin and version.published_at is not None
        with pytest.raises(ValidationError):
            services.policy_publish(version=version, user=users.admin)

    def test_auditors_are_never_asked(self, org, users):
        version = approved(org, users.officer, users.admin)
        with pytest.raises(ValidationError):
            services.policy_publish(version=version, user=users.admin, people=[users.auditor])
        with pytest.raises(ValidationError):
            services.policy_publish(version=version, user=users.admin, roles=["auditor"])
        assert not PolicyAcknowledgement.objects.exists()

    def test_a_contributor_cannot_publish(self, org, users):
        version = approved(org, users.officer, users.admin)
        with pytest.raises(PermissionDenied):
            services.policy_publish(version=version, user=users.contributor)

    def test_publish_through_the_api(self, org, users, api_client_for):
        version = approved(org, users.officer, users.admin)
        response = api_client_for(users.admin).post(
            reverse("policy-publish", args=[version.pk]), {"roles": ["viewer"]}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["acknowledged"] == {"acknowledged": 0, "asked": 1, "percent": 0}


class TestRetirement:
    def test_an_approved_version_retires_and_nothing_replaces_it(self, org, users):
        version = published(org, users.officer, users.admin, people=[users.viewer])
        with change_context(source="ui", actor=users.admin):
            retired = services.policy_retire(version=version, user=users.admin, note="Merged.")
        assert retired.status == DocumentStatus.RETIRED
        assert retired.retired_by == users.admin and retired.retirement_note == "Merged."
        assert not Policy.objects.filter(code=version.code, status="approved").exists()
        assert not version.acknowledgements.filter(acknowledged_at__isnull=True).exists()
        row = ChangeLogEntry.objects.filter(object_id=str(version.pk)).order_by("-seq").first()
        assert row.actor == users.admin
        assert row.after["status"] == "retired"

    def test_only_an_approved_version_retires(self, org, users):
        version = draft(org, users.officer)
        with pytest.raises(ValidationError):
            document_retire(version=version, user=users.admin)

    def test_retiring_needs_the_authority(self, org, users):
        version = approved(org, users.officer, users.admin)
        with pytest.raises(PermissionDenied):
            document_retire(version=version, user=users.contributor)
        version.refresh_from_db()
        assert version.status == DocumentStatus.APPROVED

    def test_a_retired_version_stays_frozen(self, org, users):
        version = document_retire(
            version=approved(org, users.officer, users.admin), user=users.admin
        )
        version.body = "Changed after retirement"
        with pytest.raises(ImmutableVersionError):
            version.save()

    def test_retire_from_the_page(self, org, users, client_for):
        version = approved(org, users.officer, users.admin)
        response = client_for(users.officer).post(
            _action(org, version, "retire"), {"note": "No longer needed."}
        )
        assert response.status_code == 302
        version.refresh_from_db()
        assert version.status == DocumentStatus.RETIRED
        assert version.retirement_note == "No longer needed."


class TestStarters:
    def test_adopting_a_starter_makes_a_draft_in_our_name(self, org, users, client_for):
        url = reverse("policies:starter_adopt", kwargs={"org": org.slug, "key": "ai-policy"})
        response = client_for(users.officer).post(url)
        policy = Policy.objects.get(organization=org, code="POL-AI")
        assert response["Location"] == reverse(
            "policies:policy_edit", kwargs={"org": org.slug, "pk": policy.pk}
        )
        assert policy.status == DocumentStatus.DRAFT and policy.kind == "ai_policy"
        assert "Acme Analytics" in policy.body and "{organization}" not in policy.body
        client_for(users.officer).post(url)
        assert Policy.objects.filter(organization=org, code="POL-AI-2").exists()

    def test_a_contributor_cannot_adopt(self, org, users, client_for):
        url = reverse("policies:starter_adopt", kwargs={"org": org.slug, "key": "ai-policy"})
        assert client_for(users.contributor).post(url).status_code == 403
        assert not Policy.objects.exists()

    def test_an_unknown_starter_is_refused(self, org, users, client_for):
        url = reverse("policies:starter_adopt", kwargs={"org": org.slug, "key": "nope"})
        response = client_for(users.officer).post(url, follow=True)
        assert "no starter document" in response.content.decode()
        assert not Policy.objects.exists()
