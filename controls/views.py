from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from aims.core import views as generic
from aims.core.documents import DocumentStatus
from aims.core.forms import DecisionForm
from aims.core.permissions import Action, Role, can, can_add, restrict, role_in
from aims.core.recorded import annotate_recorded
from aims.core.views import record_url
from aims.evidence.models import EvidenceItem
from controls import links, services
from controls.filters import (
    ControlImplementationFilterSet,
    RequirementFilterSet,
    SoAVersionFilterSet,
)
from controls.forms import (
    ClauseStatusForm,
    ControlImplementationForm,
    OrganizationControlForm,
    SoAStartForm,
    SoASummaryForm,
)
from controls.models import (
    ANNEX_A_KEPT,
    Applicability,
    ClauseStatus,
    ControlImplementation,
    Framework,
    ImplementationStatus,
    Requirement,
    SoAVersion,
)


class RequirementListView(generic.ObjectListView):
    model = Requirement
    filterset_class = RequirementFilterSet
    select_related = ("framework",)
    table_template = "controls/_requirement_table.html"
    template_name = "controls/requirement_list.html"
    title = gettext_lazy("Catalog")
    intro = gettext_lazy(
        "ISO/IEC 42001 clauses, Annex A controls and Annex C items, NIST AI RMF 1.0 and the EU AI Act, "
        "with crosswalks. ISO items show identifiers and short titles only; descriptions are ours."
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["frameworks"] = Framework.objects.all()
        context["can_reload"] = self.request.user.is_superuser
        return context

    def post(self, request, *args, **kwargs):
        job = services.catalog_reload_start(user=request.user)
        messages.success(request, _("Catalog reload queued as a background job."))
        return redirect("core:job_detail", org=self.organization.slug, pk=job.pk)


class RequirementDetailView(generic.ObjectDetailView):
    model = Requirement
    select_related = ("framework", "parent")
    template_name = "controls/requirement_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        requirement = context["object"]
        context["children"] = requirement.children.all()
        context["mappings_out"] = requirement.mappings_out.filter(withdrawn=False).select_related(
            "target__framework"
        )
        context["mappings_in"] = requirement.mappings_in.filter(withdrawn=False).select_related(
            "source__framework"
        )
        return context


# --- Statement of Applicability -------------------------------------------------------------


def export_links(name: str, **kwargs: Any) -> list[tuple[str, str]]:
    """Export menu entries for a reports page, or none while that page does not exist yet."""
    try:
        base = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return []
    return [
        (gettext_lazy("PDF"), f"{base}?format=pdf"),
        (gettext_lazy("Excel workbook"), f"{base}?format=xlsx"),
        (gettext_lazy("CSV"), f"{base}?format=csv"),
    ]


def auditor_live_marking(organization: Any, user: Any) -> services.LiveMarking | None:
    """For an auditor, how the live SoA stands against the approved version (the SoA pages
    say it, so the working copy is never read as the approved document); none for members,
    whose pages say it in their own words."""
    if role_in(user, organization.pk) != Role.AUDITOR:
        return None
    return services.soa_live_marking(organization=organization, user=user)


class SoAView(generic.ModelViewMixin, TemplateView):
    """The live SoA: every control grouped A.2–A.10, with gaps, a summary and filters."""

    model = ControlImplementation
    template_name = "controls/soa.html"
    results_template = "controls/_soa_results.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [self.results_template]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org, user = self.organization, self.request.user
        objectives, _created = services.soa_catalog(organization=org)
        queryset = self.base_queryset()
        filterset = ControlImplementationFilterSet(
            self.request.GET, queryset=queryset, request=self.request
        )
        filtered = filterset.qs if filterset.is_valid() else queryset.none()
        is_filtered = any(
            v not in ("", "unknown")
            for k, v in self.request.GET.items()
            if k not in ("page", "organization")
        )
        rows = services.soa_rows(organization=org, queryset=filtered)
        all_rows = services.soa_rows(organization=org, queryset=queryset) if is_filtered else rows
        summary = services.soa_summary(all_rows)
        context.update(
            self.model_context(),
            filterset=filterset,
            filter_fields=[f for f in filterset.form if f.name not in filterset.ui_exclude],
            groups=services.soa_grouped(rows, objectives=objectives),
            row_count=len(rows),
            summary=summary,
            implemented_percent=services.soa_implemented_percent(summary),
            is_filtered=is_filtered,
            add_url=self.org_url("controls:implementation_add")
            if can_add(user, ControlImplementation, org.pk)
            else None,
            can_prepare=can_add(user, SoAVersion, org.pk),
            open_draft=restrict(SoAVersion.objects.all(), user, Action.VIEW)
            .filter(organization=org, status__in=[DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW])
            .values("pk", "number")
            .first(),
            export_links=export_links("reports:soa_export", org=org.slug),
            live_marking=auditor_live_marking(org, user),
        )
        return context


class _ImplementationMixin:
    model = ControlImplementation
    select_related = ("organization", "owner", "requirement")
    list_url_name = "controls:soa"

    def model_context(self) -> dict[str, Any]:
        context = super().model_context()
        context["verbose_name_plural"] = gettext_lazy("Statement of Applicability")
        if "pk" not in self.kwargs:
            context["verbose_name"] = gettext_lazy("control of your own")
        return context


class ImplementationDetailView(_ImplementationMixin, generic.ObjectDetailView):
    template_name = "controls/implementation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        control = context["object"]
        (row,) = services.soa_rows(
            organization=self.organization,
            queryset=ControlImplementation.objects.filter(pk=control.pk),
        )
        context["row"] = row
        return context


class ImplementationRisksView(ImplementationDetailView):
    tab = "risks"
    template_name = "controls/implementation_risks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = []
        for spec in links.registry:
            records = list(spec.linked_to(context["object"], self.request.user))
            for record in records:
                record.organization = self.organization  # already loaded: links need its slug
            entries = [
                {"record": r, "url": spec.url_of(self.organization.slug, r.pk)} for r in records
            ]
            sections.append({"spec": spec, "entries": entries})
        context["sections"] = sections
        return context


class ImplementationEvidenceView(ImplementationDetailView):
    tab = "evidence"
    template_name = "controls/implementation_evidence.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = (
            restrict(EvidenceItem.objects.all(), self.request.user, Action.VIEW)
            .filter(controls=context["object"])
            .select_related("owner")
            .order_by("title")
        )
        for item in items:
            item.organization = self.organization
        context["evidence"] = [{"item": item, "url": record_url(item)} for item in items]
        return context


class ImplementationHistoryView(_ImplementationMixin, generic.ObjectHistoryView):
    detail_template = "controls/_implementation_layout.html"


class ImplementationEditView(_ImplementationMixin, generic.ObjectEditView):
    form_class = OrganizationControlForm

    def get_form(self, data=None):
        instance = self.object or self.new_instance()
        form_class = (
            ControlImplementationForm if instance.requirement_id else OrganizationControlForm
        )
        return form_class(
            data=data,
            instance=instance,
            organization=self.organization,
            user=self.request.user,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object is None:
            context["cancel_url"] = self.org_url("controls:soa")
        return context


class ImplementationDeleteView(_ImplementationMixin, generic.ObjectDeleteView):
    success_url_name = "controls:soa"

    def check(self):
        control = super().check()
        if control.is_annex_a:
            raise PermissionDenied(ANNEX_A_KEPT)
        return control


# --- SoA versions (a controlled document) ---------------------------------------------------


class _VersionMixin:
    model = SoAVersion
    select_related = ("organization", "author", "approved_by")
    list_url_name = "controls:soa_version_list"


class SoAVersionListView(_VersionMixin, generic.ObjectListView):
    filterset_class = SoAVersionFilterSet
    table_template = "controls/_soa_version_table.html"
    template_name = "controls/soa_version_list.html"
    title = gettext_lazy("SoA versions")
    intro = gettext_lazy(
        "Approved Statements of Applicability are frozen copies of the live SoA. "
        "Prepare a new version whenever the controls change; choose two to compare."
    )
    empty_text = gettext_lazy(
        "No versions yet. When the live SoA is complete, prepare it for approval."
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_prepare"] = can_add(self.request.user, SoAVersion, self.organization.pk)
        context["object_list"] = list(context["object_list"])
        annotate_recorded(context["object_list"], "approved_at")  # "recorded …" beside each
        context["live_marking"] = auditor_live_marking(self.organization, self.request.user)
        context["open_draft"] = (
            self.base_queryset()
            .filter(status__in=[DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW])
            .first()
        )
        return context

    def post(self, request, *args, **kwargs):
        form = SoAStartForm(request.POST)
        summary = form.cleaned_data["change_summary"] if form.is_valid() else ""
        try:
            draft = services.soa_version_start(
                organization=self.organization, user=request.user, change_summary=summary
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("controls:soa_version_list", org=self.organization.slug)
        messages.success(
            request, _("Draft v%(n)s holds a copy of the live SoA.") % {"n": draft.number}
        )
        return redirect(draft.get_absolute_url())


class SoAVersionView(_VersionMixin, generic.ObjectDetailView):
    template_name = "controls/soa_version.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version, user = context["object"], self.request.user
        context.update(
            groups=services.soa_grouped(
                version.rows, objectives=services.soa_objectives(), key=lambda r: r["group"]
            ),
            implemented_percent=services.soa_implemented_percent(version.summary),
            previous=services.soa_version_previous(version=version),
            can_approve=can(user, Action.APPROVE, version),
            decision_form=DecisionForm(),
            self_approval_blocked=version.author_id == user.pk
            and not self.organization.allow_self_approval,
            approval_blockers=version.approval_blockers() if version.status == "in_review" else [],
            export_links=export_links(
                "reports:soa_version_export", org=self.organization.slug, pk=version.pk
            ),
            live_marking=auditor_live_marking(self.organization, user),
        )
        return context


class SoAVersionHistoryView(_VersionMixin, generic.ObjectHistoryView):
    detail_template = "controls/_soa_version_layout.html"


class SoAVersionEditView(_VersionMixin, generic.ObjectEditView):
    form_class = SoASummaryForm

    def setup_object(self):
        super().setup_object()
        if self.object is not None and not self.object.is_editable:
            raise PermissionDenied(_("Only a draft can be edited; start a new version instead."))


class SoAVersionActionView(_VersionMixin, generic.DocumentActionView):
    """POST-only: move an SoA version through its life cycle, or refresh a draft."""

    actions = generic.document_actions(
        refresh=(
            services.soa_version_refresh,
            gettext_lazy("The draft now holds the live SoA as it stands."),
        )
    )

    def after(self, action, result):
        if action == "revise":
            # A revision starts from the live SoA, not from the approved copy.
            return services.soa_version_refresh(version=result, user=self.request.user)
        return result


class SoAVersionDiffView(_VersionMixin, generic.ModelViewMixin, TemplateView):
    """What changed between two versions: ``?a=<older id>&b=<newer id>``."""

    template_name = "controls/soa_version_diff.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = self.base_queryset()
        try:
            ids = [int(self.request.GET[k]) for k in ("a", "b")]
        except (KeyError, ValueError):
            ids = []
        versions = {v.pk: v for v in visible.filter(pk__in=ids)} if ids else {}
        if len(ids) != 2 or any(i not in versions for i in ids):
            raise Http404(_("Choose two versions of the SoA to compare."))
        old, new = sorted((versions[i] for i in ids), key=lambda v: v.number)
        context.update(
            self.model_context(),
            old=old,
            new=new,
            diff=services.soa_diff(old=old, new=new),
            field_labels=SOA_FIELD_LABELS,
            summary_labels=SOA_SUMMARY_LABELS,
        )
        return context


SOA_FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "applicability": gettext_lazy("Applicability"),
    "justification": gettext_lazy("Justification"),
    "status": gettext_lazy("Status"),
    "owner": gettext_lazy("Owner"),
    "implementation": gettext_lazy("How it is implemented"),
    "gaps": gettext_lazy("Gaps"),
    "risks": gettext_lazy("Linked risks"),
    "evidence": gettext_lazy("Evidence"),
}

SOA_SUMMARY_LABELS = {
    "total": gettext_lazy("Controls"),
    "gaps": gettext_lazy("Controls with gaps"),
    **{value: label for value, label in Applicability.choices},
    **{f"status_{value}": label for value, label in ImplementationStatus.choices},
}


# --- Clause readiness -----------------------------------------------------------------------


class ClauseStatusEditView(generic.ObjectEditView):
    model = ClauseStatus
    form_class = ClauseStatusForm
    select_related = ("organization", "requirement", "owner")
    # The clause statuses are listed on the readiness page (the readiness app, which reads
    # every register); a URL name is no import, so the page may live above this app.
    success_url_name = "readiness:readiness"
    list_url_name = "readiness:readiness"

    def model_context(self) -> dict[str, Any]:
        context = super().model_context()
        context["verbose_name_plural"] = gettext_lazy("Clause readiness")
        return context


class ClauseStatusHistoryView(generic.ObjectHistoryView):
    model = ClauseStatus
    select_related = ("organization", "requirement")
