"""The generic permission, change-log and query-count suite for SoA rows, SoA versions and
clause statuses."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from aims.core.documents import DocumentStatus
from controls.forms import ClauseStatusForm, OrganizationControlForm, SoASummaryForm
from controls.models import ClauseStatus, ControlImplementation, SoAVersion
from controls.services import controls_ensure_for
from tests import factories
from tests.generic import GenericModelTests, ModelCase


def _url(name, ctx, **kwargs):
    return reverse(name, kwargs={"org": ctx.org.slug, **kwargs})


def _own(obj, user):
    obj.owner = user
    obj.save()


CONTROL = ModelCase(
    model=ControlImplementation,
    make=lambda ctx: factories.ControlImplementationFactory(organization=ctx.org),
    api_basename="controlimplementation",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "ref": "ORG-900",
        "title": "Model cards for every release",
    },
    update_payload=lambda ctx, obj: {
        "applicability": "applicable",
        "justification": "Answers the bias risks of the credit-scoring models.",
    },
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    owner_of=_own,
    ui_list=lambda ctx: _url("controls:soa", ctx),
    # The SoA is not a table: its rows come grouped by theme (A.2 … A.10, own controls).
    list_ids=lambda response: {
        row.control.pk for group in response.context["groups"] for row in group.rows
    },
    ui_detail=lambda ctx, obj: _url("controls:implementation_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("controls:implementation_add", ctx),
    ui_add_data=lambda ctx: {
        "ref": "ORG-901",
        "title": "Red-team every major release",
        "applicability": "undecided",
        "status": "not_started",
        "review_interval_months": 12,
    },
    ui_edit=lambda ctx, obj: _url("controls:implementation_edit", ctx, pk=obj.pk),
    ui_form=OrganizationControlForm,
    ui_changes={"implementation": "A release checklist in the engineering wiki."},
    ui_delete=lambda ctx, obj: _url("controls:implementation_delete", ctx, pk=obj.pk),
)


def _soa_version(ctx):
    """The first call makes the open draft; later ones add superseded versions before it."""
    existing = SoAVersion.objects.filter(organization=ctx.org)
    if not existing.exists():
        return factories.SoAVersionFactory(organization=ctx.org, author=ctx.users.officer, number=1)
    return factories.SoAVersionFactory(
        organization=ctx.org,
        author=ctx.users.officer,
        number=max(v.number for v in existing) + 1,
        status=DocumentStatus.SUPERSEDED,
        approved_by=ctx.users.admin,
        approved_at=timezone.now(),
        superseded_at=timezone.now(),
    )


def _complete(ctx, payload):
    """Complete the SoA first (when the catalog is loaded), so preparing a version writes
    only the version itself to the change log."""
    controls_ensure_for(organization=ctx.org)
    return payload


SOA_VERSION = ModelCase(
    model=SoAVersion,
    make=_soa_version,
    api_basename="soaversion",
    api_delete=False,
    create_payload=lambda ctx: _complete(
        ctx, {"organization": ctx.org.pk, "change_summary": "First SoA."}
    ),
    update_payload=lambda ctx, obj: {"change_summary": "Reworded.", "review_interval_months": 6},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("controls:soa_version_list", ctx),
    ui_detail=lambda ctx, obj: _url("controls:soa_version", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("controls:soa_version_list", ctx),
    ui_add_get=False,  # the versions page has a "prepare for approval" button, no form
    ui_add_data=lambda ctx: _complete(ctx, {}),
    ui_edit=lambda ctx, obj: _url("controls:soa_version_edit", ctx, pk=obj.pk),
    ui_form=SoASummaryForm,
    ui_changes={"change_summary": "Reworded."},
)


CLAUSE_STATUS = ModelCase(
    model=ClauseStatus,
    make=lambda ctx: factories.ClauseStatusFactory(organization=ctx.org),
    api_basename="clausestatus",
    api_create=False,
    api_delete=False,
    update_payload=lambda ctx, obj: {"status": "in_progress", "notes": "Owner named."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    # Clause rows are never deleted, so the generic owner test (change and delete) does not
    # apply; test_readiness checks that an owning contributor may change their clause.
    ui_list=lambda ctx: _url("readiness:readiness", ctx),
    # The readiness page reads every register of the AIMS: above the budget, constant
    # (tests/readiness/test_readiness.py names its 22 queries).
    ui_list_query_budget=22,
    # An auditor with no engagement has no readiness to read (tests/readiness/
    # test_auditor_readiness.py); records shared one by one still open the page.
    ui_list_closed_to=frozenset({"auditor"}),
    list_ids=lambda response: {clause.status.pk for clause in response.context["clauses"]},
    ui_detail=lambda ctx, obj: _url("controls:clause_status_history", ctx, pk=obj.pk),
    ui_edit=lambda ctx, obj: _url("controls:clause_status_edit", ctx, pk=obj.pk),
    ui_form=ClauseStatusForm,
    ui_changes={"status": "in_progress"},
)


class TestControlImplementation(GenericModelTests):
    case = CONTROL


class TestSoAVersion(GenericModelTests):
    case = SOA_VERSION


class TestClauseStatus(GenericModelTests):
    case = CLAUSE_STATUS
