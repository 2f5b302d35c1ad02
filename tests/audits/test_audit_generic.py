"""The generic permission, change-log and query-count suite for internal audits (9.2)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from audits.forms import AuditForm, AuditProgrammeForm, AuditReportForm, ChecklistLineForm
from audits.models import Audit, AuditChecklistLine, AuditProgramme, AuditReport
from tests import factories
from tests.generic import EDIT_ROLES, READ_ROLES, GenericModelTests, ModelCase


def _url(name, ctx, **kwargs):
    return reverse(name, kwargs={"org": ctx.org.slug, **kwargs})


def _today():
    return timezone.localdate()


def _programme(ctx):
    return AuditProgramme.objects.create(
        organization=ctx.org,
        title="Internal audit programme 2026–2028",
        period_start=_today() - datetime.timedelta(days=30),
        period_end=_today() + datetime.timedelta(days=3 * 365),
    )


def _audit(ctx, *, started=False):
    fields = {}
    if started:
        fields = {"status": "in_progress", "actual_start": _today() - datetime.timedelta(days=1)}
    return Audit.objects.create(
        organization=ctx.org,
        programme=_programme(ctx),
        title="Risk management and impact assessment",
        planned_start=_today() - datetime.timedelta(days=2),
        planned_end=_today() + datetime.timedelta(days=5),
        **fields,
    )


def _line(ctx):
    clause = factories.ClauseFactory(title="Risk assessment")
    return AuditChecklistLine.objects.create(
        audit=_audit(ctx, started=True),
        kind="clause",
        requirement=clause,
        ref=clause.ref,
        title=clause.title,
        sort_key=clause.sort_key,
    )


def _report(ctx):
    return AuditReport.objects.create(
        organization=ctx.org,
        audit=_audit(ctx, started=True),
        author=ctx.users.officer,
        summary="Two areas audited.",
    )


def _approved_report(ctx):
    return AuditReport.objects.create(
        organization=ctx.org,
        audit=_audit(ctx, started=True),
        author=ctx.users.officer,
        summary="Two areas audited.",
        conclusions="Conforms, with two minor findings.",
        status="approved",
        approved_by=ctx.users.admin,
        approved_at=timezone.now(),
    )


PROGRAMME = ModelCase(
    model=AuditProgramme,
    make=_programme,
    owner_of=lambda record, user: AuditProgramme.objects.filter(pk=record.pk).update(owner=user),
    add_roles=EDIT_ROLES,
    api_basename="auditprogramme",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "title": "Programme 2027–2029",
        "period_start": "2027-01-01",
        "period_end": "2029-12-31",
    },
    update_payload=lambda ctx, obj: {"objectives": "Every clause audited in three years."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("audits:programme_list", ctx),
    ui_detail=lambda ctx, obj: _url("audits:programme_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("audits:programme_add", ctx),
    ui_add_data=lambda ctx: {
        "title": "Programme 2027–2029",
        "period_start": "2027-01-01",
        "period_end": "2029-12-31",
    },
    ui_edit=lambda ctx, obj: _url("audits:programme_edit", ctx, pk=obj.pk),
    ui_form=AuditProgrammeForm,
    ui_changes={"approach": "Each area once a year, high-risk systems twice."},
    ui_delete=lambda ctx, obj: _url("audits:programme_delete", ctx, pk=obj.pk),
)

AUDIT = ModelCase(
    model=Audit,
    make=_audit,
    owner_of=lambda record, user: Audit.objects.filter(pk=record.pk).update(lead_auditor=user),
    add_roles=EDIT_ROLES,
    # The programme an audit belongs to is out of an auditor's reach without an engagement.
    create_target_visible=READ_ROLES,
    api_basename="audit",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "programme": _programme(ctx).pk,
        "title": "Data for AI systems",
        "planned_start": str(_today() + datetime.timedelta(days=20)),
        "planned_end": str(_today() + datetime.timedelta(days=21)),
    },
    update_payload=lambda ctx, obj: {"plan": "Day 1: interviews; day 2: records."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("audits:audit_list", ctx),
    ui_detail=lambda ctx, obj: _url("audits:audit_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("audits:programme_audit_add", ctx, parent_pk=_programme(ctx).pk),
    ui_add_data=lambda ctx: {
        "title": "Data for AI systems",
        "planned_start": str(_today() + datetime.timedelta(days=20)),
        "planned_end": str(_today() + datetime.timedelta(days=21)),
    },
    ui_edit=lambda ctx, obj: _url("audits:audit_edit", ctx, pk=obj.pk),
    ui_form=AuditForm,
    ui_changes={"criteria": "ISO/IEC 42001 and the AI policy."},
    ui_delete=lambda ctx, obj: _url("audits:audit_delete", ctx, pk=obj.pk),
)

LINE = ModelCase(
    model=AuditChecklistLine,
    make=_line,
    # A contributor who leads the audit answers its lines but deletes none (no line is
    # deleted through the API): test_internal_audits covers that lead.
    add_roles=EDIT_ROLES,
    create_target_visible=READ_ROLES,
    api_basename="auditchecklistline",
    api_create=False,
    api_delete=False,
    update_payload=lambda ctx, obj: {"sampled": "Two risk records of May."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_edit=lambda ctx, obj: _url("audits:audit_line_edit", ctx, pk=obj.pk),
    ui_form=ChecklistLineForm,
    ui_changes={"sampled": "The risk register's last three entries."},
)

REPORT = ModelCase(
    model=AuditReport,
    make=_report,
    make_shown=_approved_report,  # auditors read approved versions only
    add_roles=EDIT_ROLES,
    create_target_visible=READ_ROLES,
    api_basename="auditreport",
    api_delete=False,
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "audit": _audit(ctx, started=True).pk,
        "summary": "The audit looked at clause 6.1.",
    },
    create_actions=("create", "update"),  # the draft, then what the request adds
    update_payload=lambda ctx, obj: {"conclusions": "Conforms."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_detail=lambda ctx, obj: _url("audits:report_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url(
        "audits:audit_action", ctx, pk=_audit(ctx, started=True).pk, action="report"
    ),
    ui_add_get=False,
    ui_add_data=lambda ctx: {},
    ui_create_actions=("create",),
    ui_edit=lambda ctx, obj: _url("audits:report_edit", ctx, pk=obj.pk),
    ui_form=AuditReportForm,
    ui_changes={"conclusions": "Conforms, with one observation."},
)


class TestAuditProgramme(GenericModelTests):
    case = PROGRAMME


class TestAudit(GenericModelTests):
    case = AUDIT


class TestAuditChecklistLine(GenericModelTests):
    case = LINE


class TestAuditReport(GenericModelTests):
    case = REPORT
