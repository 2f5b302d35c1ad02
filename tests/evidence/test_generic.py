"""The generic permission, change-log and query-count suite for evidence items and versions."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from aims.evidence.forms import EvidenceItemEditForm
from aims.evidence.models import EvidenceFile, EvidenceItem
from tests import factories
from tests.evidence.factories import EvidenceFileFactory, FileEvidenceItemFactory, pdf_bytes, upload
from tests.generic import (
    ALL_ROLES,
    EDIT_ROLES,
    READ_ROLES,
    GenericModelTests,
    ModelCase,
    last_seq,
    list_url,
    new_rows,
)


def _url(name, ctx, **kwargs):
    return reverse(name, kwargs={"org": ctx.org.slug, **kwargs})


def _own(item, user):
    item.owner = user
    item.save()


EVIDENCE = ModelCase(
    model=EvidenceItem,
    make=lambda ctx: factories.EvidenceItemFactory(organization=ctx.org),
    owner_of=_own,
    api_basename="evidenceitem",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "title": "Access review, Q3",
        "kind": "link",
        "url": "https://wiki.example.com/access-review-q3",
        "valid_until": "2031-01-31",
    },
    update_payload=lambda ctx, obj: {"title": "Access review, Q4"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("evidence:evidence_list", ctx),
    ui_detail=lambda ctx, obj: _url("evidence:evidence_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("evidence:evidence_add", ctx),
    ui_add_data=lambda ctx: {
        "title": "Access review, Q3",
        "kind": "link",
        "url": "https://wiki.example.com/access-review-q3",
    },
    ui_edit=lambda ctx, obj: _url("evidence:evidence_edit", ctx, pk=obj.pk),
    ui_form=EvidenceItemEditForm,
    ui_changes={"title": "Access review, Q4"},
    ui_delete=lambda ctx, obj: _url("evidence:evidence_delete", ctx, pk=obj.pk),
)


def _new_item(ctx):
    return FileEvidenceItemFactory(organization=ctx.org)


# A version is part of its item: adding one needs the right to change the item. Versions are
# immutable (no update or delete) and are uploaded as multipart, so the create tests of the
# generic suite (JSON) are replaced below by multipart ones.
EVIDENCE_FILE = ModelCase(
    model=EvidenceFile,
    make=lambda ctx: EvidenceFileFactory(item__organization=ctx.org),
    add_roles=EDIT_ROLES,
    create_target_visible=READ_ROLES,
    owner_of=lambda obj, user: _own(obj.item, user),
    api_basename="evidencefile",
    api_update=False,
    api_delete=False,
    create_actions=("create",),
    ui_create_actions=("create",),
    create_other_rows=1,  # the item's current_file moves
    ui_detail=lambda ctx, obj: _url("evidence:evidence_download", ctx, pk=obj.pk),
    # The "detail" of a version is its download: the bytes must be that version's.
    detail_shows=lambda response, obj: (
        hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == obj.sha256
    ),
    ui_add=lambda ctx: _url("evidence:evidence_upload", ctx, pk=_new_item(ctx).pk),
    ui_add_data=lambda ctx: {"file": upload(), "note": "Signed copy"},
)


class TestEvidenceItem(GenericModelTests):
    case = EVIDENCE


class TestEvidenceFile(GenericModelTests):
    case = EVIDENCE_FILE
    # JSON cannot carry a file: these are replaced by the multipart tests below.
    test_api_create = None
    test_api_create_is_logged = None
    # Contributors cannot change versions at all (immutable), only add them to their items.
    test_api_contributor_may_change_and_delete_what_they_own = None
    test_api_contributor_with_change_grant_may_change = None
    test_api_contributor_may_add_to_what_they_own = None

    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_api_create_multipart(self, role, ctx, api_as):
        item = _new_item(ctx)
        before = EvidenceFile.objects.count()
        response = api_as(role).post(
            list_url(self.case), {"item": item.pk, "file": upload()}, format="multipart"
        )
        expected = self.case.api_status(role, "create")
        assert response.status_code == expected, response.content
        assert EvidenceFile.objects.count() == before + (1 if expected == 201 else 0)

    def test_api_auditor_may_not_upload_to_an_item_they_see(self, ctx, api_as):
        item = _new_item(ctx)
        factories.engage(ctx.org, ctx.users.auditor, whole_aims=True)
        client = api_as("auditor")
        assert client.get(reverse("evidenceitem-detail", args=[item.pk])).status_code == 200
        before = EvidenceFile.objects.count()
        response = client.post(
            list_url(self.case), {"item": item.pk, "file": upload()}, format="multipart"
        )
        assert response.status_code == 403, response.content
        assert EvidenceFile.objects.count() == before

    def test_api_create_multipart_is_logged(self, ctx, api_as):
        item = _new_item(ctx)
        client = api_as("admin")
        since = last_seq()
        response = client.post(
            list_url(self.case), {"item": item.pk, "file": upload()}, format="multipart"
        )
        assert response.status_code == 201, response.content
        rows = new_rows(since)
        mine = self._assert_rows(
            rows,
            source="api",
            actor=ctx.users.admin,
            response=response,
            obj_pk=response.json()["id"],
            actions=["create"],
            org_id=ctx.org.pk,
            others=1,
        )
        assert mine[0].after["sha256"] == response.json()["sha256"]

    def test_api_contributor_may_add_versions_to_items_they_own(self, ctx, api_as):
        item = _new_item(ctx)
        client = api_as("contributor")
        url = list_url(self.case)
        assert (
            client.post(url, {"item": item.pk, "file": upload()}, format="multipart").status_code
            == 403
        )
        _own(item, ctx.users.contributor)
        content = pdf_bytes()
        response = client.post(
            url, {"item": item.pk, "file": upload(content=content)}, format="multipart"
        )
        assert response.status_code == 201, response.content
        # ...but a version, once made, is immutable.
        version = response.json()["id"]
        assert (
            client.patch(reverse("evidencefile-detail", args=[version]), {"note": "x"}).status_code
            == 405
        )
        assert client.delete(reverse("evidencefile-detail", args=[version])).status_code == 405
