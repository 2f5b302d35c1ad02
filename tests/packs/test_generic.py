"""The generic permission, change-log and query-count suite for evidence packs.

Officers and administrators start packs; every member reads them; nobody edits or deletes
one (no such endpoint or page). The packs of an engagement are seen by its auditors: the
records made here are packs of an open engagement with the test auditor on it.
"""

from __future__ import annotations

from django.urls import reverse

from packs.models import EvidencePack
from tests import factories
from tests.generic import EDIT_ROLES, READ_ROLES, GenericModelTests, ModelCase


def _url(name, ctx, **kwargs):
    return reverse(name, kwargs={"org": ctx.org.slug, **kwargs})


def _pack(ctx):
    engagement = factories.engage(ctx.org, ctx.users.auditor, whole_aims=True)
    return EvidencePack.objects.create(
        organization=ctx.org,
        scope_kind="engagement",
        engagement=engagement,
        scope_label=engagement.name,
        created_by=ctx.users.officer,
    )


EVIDENCE_PACK = ModelCase(
    model=EvidencePack,
    make=_pack,
    view_roles=READ_ROLES | {"auditor"},
    add_roles=EDIT_ROLES,
    change_roles=frozenset(),
    delete_roles=frozenset(),
    api_basename="evidencepack",
    api_update=False,
    api_delete=False,
    create_payload=lambda ctx: {"organization": ctx.org.pk, "scope_kind": "whole"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("packs:pack_list", ctx),
    ui_detail=lambda ctx, obj: _url("packs:pack_detail", ctx, pk=obj.pk),
    detail_shows=lambda response, obj: obj.reference in response.content.decode(),
    ui_add=lambda ctx: _url("packs:pack_add", ctx),
    ui_add_data=lambda ctx: {"kind": "full", "scope_kind": "whole"},
)


class TestEvidencePack(GenericModelTests):
    case = EVIDENCE_PACK
