"""Internal audit pages (9.2): programmes and their coverage, audits with their checklist,
audit reports (a controlled document with a PDF)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from aims.core import views as generic
from aims.core.forms import DecisionForm
from aims.core.permissions import Action, can, can_add, restrict
from aims.core.tabular import PDF_CONTENT_TYPE
from audits import services
from audits.exports import report_export_pdf
from audits.filters import AuditFilterSet, AuditProgrammeFilterSet
from audits.forms import (
    AuditForm,
    AuditProgrammeForm,
    AuditReportForm,
    AuditStartForm,
    ChecklistLineForm,
)
from audits.models import (
    ANSWERABLE_STATUSES,
    Audit,
    AuditChecklistLine,
    AuditProgramme,
    AuditReport,
    AuditStatus,
    FindingResult,
)
from audits.selectors import audit_coverage

# --- Programmes ------------------------------------------------------------------------------


class ProgrammeListView(generic.ObjectListView):
    model = AuditProgramme
    filterset_class = AuditProgrammeFilterSet
    select_related = ("organization", "owner")
    table_template = "audits/_programme_table.html"
    template_name = "audits/programme_list.html"
    add_url_name = "audits:programme_add"
    title = gettext_lazy("Audit programmes")
    intro = gettext_lazy(
        "The internal audits planned over a period, usually three years, so that every clause "
        "and every applicable control is audited in turn (9.2.2)."
    )
    empty_text = gettext_lazy("No audit programme yet. Plan one over the next three years.")


class ProgrammeDetailView(generic.ObjectDetailView):
    model = AuditProgramme
    select_related = ("organization", "owner")
    template_name = "audits/programme_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = context["object"]
        user = self.request.user
        coverage = audit_coverage(organization=self.organization, user=user, programme=programme)
        context.update(
            audits=list(
                restrict(Audit.objects.all(), user, Action.VIEW)
                .filter(programme=programme)
                .select_related("lead_auditor", "organization")
                .order_by("planned_start", "number")
            ),
            can_add_audit=can_add(user, Audit, programme.organization_id),
            coverage_counts=coverage.counts,
            coverage_gaps=coverage.gaps,
        )
        return context


class ProgrammeHistoryView(generic.ObjectHistoryView):
    model = AuditProgramme


class ProgrammeEditView(generic.ObjectEditView):
    model = AuditProgramme
    form_class = AuditProgrammeForm
    list_url_name = "audits:programme_list"


class ProgrammeDeleteView(generic.ObjectDeleteView):
    model = AuditProgramme
    success_url_name = "audits:programme_list"


class CoverageView(generic.OrganizationPageView):
    """Each assessable clause and Annex A control with the last and next audit covering
    it; what the chosen programme leaves unaudited is highlighted."""

    template_name = "audits/coverage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        programmes = list(
            restrict(AuditProgramme.objects.all(), user, Action.VIEW)
            .filter(organization=self.organization)
            .order_by("-period_start")
        )
        raw = self.request.GET.get("programme", "").strip()
        programme = None
        if raw:
            if not raw.isdigit():
                context["refusal"] = _("Choose a programme from the list.")
            else:
                programme = next((p for p in programmes if p.pk == int(raw)), None)
                if programme is None:
                    raise Http404(_("No such programme."))
        else:
            programme = _current(programmes)
        coverage = audit_coverage(organization=self.organization, user=user, programme=programme)
        context.update(
            programmes=programmes,
            programme=programme,
            coverage=coverage,
            only_gaps=self.request.GET.get("gaps") == "1",
        )
        return context


def _current(programmes: list[AuditProgramme]) -> AuditProgramme | None:
    """The programme covering today, else the latest."""
    today = timezone.localdate()
    return next((p for p in programmes if p.covers(today)), programmes[0] if programmes else None)


# --- Audits ----------------------------------------------------------------------------------


class AuditListView(generic.ObjectListView):
    model = Audit
    filterset_class = AuditFilterSet
    select_related = ("organization", "programme", "lead_auditor")
    table_template = "audits/_audit_table.html"
    template_name = "audits/audit_list.html"
    add_url_name = "audits:audit_add"
    title = gettext_lazy("Internal audits")
    intro = gettext_lazy(
        "Each audit's scope, auditors, dates and checklist (9.2.1). Nobody audits their own "
        "area; the checklist takes its controls from the approved Statement of Applicability."
    )
    empty_text = gettext_lazy("No internal audit planned yet.")


class AuditDetailView(generic.ObjectDetailView):
    model = Audit
    select_related = ("organization", "programme", "lead_auditor")
    prefetch_related = ("clauses", "controls", "ai_systems", "auditors")
    template_name = "audits/audit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit = context["object"]
        user = self.request.user
        lines = list(
            restrict(AuditChecklistLine.objects.all(), user, Action.VIEW)
            .filter(audit=audit)
            .select_related("nonconformity", "requirement")
            .prefetch_related("evidence")
        )
        reports = list(
            restrict(AuditReport.objects.all(), user, Action.VIEW)
            .filter(audit=audit)
            .select_related("author", "approved_by")
        )
        can_change = context["can_change"]
        answered = sum(1 for line in lines if line.result)
        open_lines = sum(1 for line in lines if not line.result and not line.excluded)
        context.update(
            clause_lines=[line for line in lines if line.kind == "clause"],
            control_lines=[line for line in lines if line.kind == "control"],
            answered=answered,
            open_lines=open_lines,
            results=FindingResult,
            reports=reports,
            conflicts=services.audit_scope_conflicts(audit)
            if can_change and audit.status == AuditStatus.PLANNED
            else [],
            can_answer=can_change and audit.status == AuditStatus.IN_PROGRESS,
            can_generate=can_change
            and audit.status in (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS),
            can_start=can_change and audit.status == AuditStatus.PLANNED,
            can_close=can(user, Action.APPROVE, audit) and audit.status == AuditStatus.REPORTED,
            can_report=audit.status in (AuditStatus.IN_PROGRESS, AuditStatus.REPORTED)
            and can_add(user, AuditReport, audit.organization_id)
            and not any(r.status in ("draft", "in_review") for r in reports),
            start_form=AuditStartForm(),
        )
        return context


class AuditHistoryView(generic.ObjectHistoryView):
    model = Audit


class AuditEditView(generic.ObjectEditView):
    model = Audit
    form_class = AuditForm
    list_url_name = "audits:audit_list"

    def new_instance(self) -> Audit:
        """An audit added from a programme's page starts in it."""
        instance = Audit(organization=self.organization)
        if self.parent is not None:
            instance.programme = self.parent
        return instance

    def save(self, form):
        self.check_fresh(form)
        if self.object is not None and self.object.status == AuditStatus.CLOSED:
            raise ValidationError(_("The audit is closed: it no longer changes."))
        return form.save()


class ProgrammeAuditAddView(AuditEditView):
    """``audit-programmes/<programme>/audits/add/``: plan an audit in that programme."""

    parent_model = AuditProgramme


class AuditDeleteView(generic.ObjectDeleteView):
    model = Audit
    success_url_name = "audits:audit_list"

    def check(self):
        audit = super().check()
        if audit.status != AuditStatus.PLANNED:
            raise Http404(_("Only a planned audit can be deleted."))
        return audit


class AuditActionView(generic.OrganizationMixin, View):
    """POST: ``start``, ``generate`` (the checklist), ``close``, ``report`` (start its report)."""

    def post(self, request, *args, **kwargs):
        audit = (
            restrict(Audit.objects.all(), request.user, Action.VIEW)
            .filter(organization=self.organization, pk=kwargs["pk"])
            .first()
        )
        if audit is None:
            raise Http404(_("No such record."))
        action = kwargs["action"]
        target = audit.get_absolute_url()
        try:
            with transaction.atomic():
                if action == "start":
                    form = AuditStartForm(request.POST)
                    if not form.is_valid():
                        raise ValidationError(
                            [m for errors in form.errors.values() for m in errors]
                        )
                    services.audit_start(
                        audit=audit, user=request.user, started_on=form.cleaned_data["started_on"]
                    )
                    done = _("The audit is under way; its checklist is ready.")
                elif action == "generate":
                    counts = services.audit_checklist_generate(audit=audit, user=request.user)
                    done = (
                        _(
                            "Checklist rebuilt from the scope: %(added)s added, %(updated)s "
                            "updated, %(kept)s answered lines kept, %(removed)s removed."
                        )
                        % counts
                    )
                elif action == "close":
                    services.audit_close(audit=audit, user=request.user)
                    done = _("The audit is closed.")
                elif action == "report":
                    report = services.audit_report_start(audit=audit, user=request.user)
                    done = _("A draft of the report was started.")
                    target = report.get_absolute_url()
                else:
                    raise Http404
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(audit.get_absolute_url())
        messages.success(request, done)
        return redirect(target)


class ChecklistLineEditView(generic.ObjectEditView):
    model = AuditChecklistLine
    form_class = ChecklistLineForm
    select_related = ("audit", "audit__organization", "requirement", "nonconformity")

    def setup_object(self):
        super().setup_object()
        if self.object.audit.status not in ANSWERABLE_STATUSES:
            raise PermissionDenied(
                _("The checklist is answered while the audit is in progress (it is %(s)s).")
                % {"s": self.object.audit.get_status_display().lower()}
            )

    def save(self, form):
        self.check_fresh(form)
        line = form.save()
        nc = services.checklist_line_raise(line=line, user=self.request.user)
        if nc is not None:
            messages.info(
                self.request,
                _("Recorded as nonconformity %(ref)s.") % {"ref": nc.reference},
            )
        return line


# --- Reports ---------------------------------------------------------------------------------


class _ReportMixin:
    model = AuditReport
    select_related = ("organization", "audit", "audit__programme", "author", "approved_by")


class ReportDetailView(_ReportMixin, generic.ObjectDetailView):
    template_name = "audits/report_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = context["object"]
        user = self.request.user
        context.update(
            rows=report.result_rows(),
            blockers=report.approval_blockers() if report.status == "in_review" else [],
            can_approve=can(user, Action.APPROVE, report),
            decision_form=DecisionForm(),
            self_approval_blocked=report.author_id == user.pk
            and not self.organization.allow_self_approval,
            versions=list(
                restrict(AuditReport.objects.all(), user, Action.VIEW)
                .filter(audit=report.audit)
                .order_by("-number")
            ),
        )
        return context


class ReportHistoryView(_ReportMixin, generic.ObjectHistoryView):
    pass


class ReportEditView(_ReportMixin, generic.ObjectEditView):
    form_class = AuditReportForm

    def setup_object(self):
        super().setup_object()
        if self.object is None or not self.object.is_editable:
            raise Http404(_("Only a draft report is edited; start a new version."))


def _report_revise(*, version: AuditReport, user) -> AuditReport:
    return services.audit_report_start(audit=version.audit, user=user)


class ReportActionView(_ReportMixin, generic.DocumentActionView):
    actions = generic.document_actions(
        revise=(_report_revise, gettext_lazy("A new draft version was started."))
    )


class ReportPdfView(_ReportMixin, generic.ModelViewMixin, View):
    """The report's PDF; a version not approved carries a watermark."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        report = self.get_object()
        filename, content = report_export_pdf(report=report)
        response = HttpResponse(content, content_type=PDF_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
