"""Risk management pages: criteria (6.1.1), register and treatment (6.1.2, 6.1.3),
assessments (8.2), and the risk library."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aims.core import views as generic
from aims.core.permissions import Action, can, can_add, restrict
from aims.core.recorded import annotate_recorded
from controls.models import Requirement
from risks import services
from risks.filters import CELL_FILTERS, RiskAssessmentFilterSet, RiskFilterSet
from risks.forms import (
    RiskAcceptForm,
    RiskAssessmentForm,
    RiskCriteriaForm,
    RiskForm,
    RiskRescoreForm,
    TreatmentActionForm,
)
from risks.heatmap import heatmap_svg
from risks.library import LIBRARY
from risks.models import (
    CONSEQUENCES,
    Risk,
    RiskAssessment,
    RiskCriteria,
    RiskKind,
    TreatmentAction,
)
from risks.register import register_rows, with_register_columns
from risks.services import criteria_versions
from risks.tables import RiskRegisterTable


def optional_url(name: str, **kwargs: Any) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def register_heatmap_counts(risks) -> dict[str, dict[tuple[int, int], int]]:
    """Inherent and residual cell counts from one grouped query (risks only: opportunities
    are never counted in a heatmap)."""
    rows = (
        risks.filter(kind=RiskKind.RISK)
        .order_by()
        .values_list(
            "inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact"
        )
        .annotate(n=Count("pk"))
    )
    counts: dict[str, dict[tuple[int, int], int]] = {"inherent": {}, "residual": {}}
    for il, ii, rl, ri, n in rows:
        counts["inherent"][(il, ii)] = counts["inherent"].get((il, ii), 0) + n
        if rl is not None and ri is not None:
            counts["residual"][(rl, ri)] = counts["residual"].get((rl, ri), 0) + n
    return counts


# --- Register ---------------------------------------------------------------------------------


class RiskListView(generic.ObjectListView):
    model = Risk
    filterset_class = RiskFilterSet
    template_name = "risks/risk_list.html"
    table_template = "risks/_risk_table.html"
    add_url_name = "risks:risk_add"
    title = _("Risk register")
    intro = _("Every identified AI risk with its inherent and residual level, owner and treatment.")
    empty_text = _(
        "No risks recorded yet. Start from the risk library, or add the risk that worries you most."
    )

    def list_queryset(self):
        return with_register_columns(self.base_queryset())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        versions = criteria_versions(self.request)
        context["object_list"] = register_rows(context["object_list"], versions.by_id)
        context["table"] = RiskRegisterTable(
            context["object_list"], request=self.request, organization=self.organization
        )
        current = versions.current
        context["criteria"] = current
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return context  # only the table is re-rendered
        visible = self.base_queryset()
        scored_now = visible.filter(criteria=current)
        base = self.org_url("risks:risk_list")

        def link(which: str):
            return lambda lk, im: (
                f"{base}?kind={RiskKind.RISK}&{which}_likelihood={lk}&{which}_impact={im}"
            )

        counts = register_heatmap_counts(scored_now)
        context["heatmaps"] = [
            heatmap_svg(current, counts[which], title=title, link=link(which))
            for which, title in (
                ("inherent", gettext("Inherent risk")),
                ("residual", gettext("Residual risk")),
            )
        ]
        context["cell_filters"] = [
            (name, self.request.GET[name]) for name in CELL_FILTERS if self.request.GET.get(name)
        ]
        query = self.request.GET.copy()
        for key in ("page", "format"):
            query.pop(key, None)
        export = optional_url("reports:risk_register_export", org=self.organization.slug)
        context["export_links"] = (
            [
                (label, f"{export}?format={fmt}" + (f"&{query.urlencode()}" if query else ""))
                for fmt, label in (
                    ("xlsx", gettext("Excel (.xlsx)")),
                    ("csv", gettext("CSV")),
                    ("pdf", gettext("PDF (prepared in the background)")),
                )
            ]
            if export
            else []
        )
        return context


class RiskDetailView(generic.ObjectDetailView):
    model = Risk
    select_related = ("owner", "criteria", "accepted_by", "criteria__acceptance_approver")
    prefetch_related = ("ai_systems", "risk_sources", "objectives")
    template_name = "risks/risk_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        risk = context["object"]
        criteria = risk.criteria
        context["criteria"] = criteria
        context["inherent_band"] = risk.band("inherent")
        context["residual_band"] = risk.band("residual")
        impacts = criteria.impact_levels
        context["consequences"] = [
            {
                "heading": heading,
                "text": getattr(risk, text),
                "score": getattr(risk, score),
                "label": impacts[getattr(risk, score) - 1]["label"]
                if getattr(risk, score) and getattr(risk, score) <= len(impacts)
                else "",
            }
            for (score, text, _who), heading in zip(
                CONSEQUENCES,
                (
                    gettext("For the organisation"),
                    gettext("For individuals"),
                    gettext("For society"),
                ),
                strict=True,
            )
        ]
        context["consequences_scored"] = any(c["score"] for c in context["consequences"])
        context["inherent_labels"] = (
            criteria.likelihood_levels[risk.inherent_likelihood - 1]["label"],
            criteria.impact_levels[risk.inherent_impact - 1]["label"],
        )
        if risk.residual_likelihood:
            context["residual_labels"] = (
                criteria.likelihood_levels[risk.residual_likelihood - 1]["label"],
                criteria.impact_levels[risk.residual_impact - 1]["label"],
            )
        context["above_threshold"] = (
            risk.residual_rank is not None and risk.residual_rank > criteria.acceptance_rank
        )
        context["threshold_band"] = criteria.band(criteria.acceptance_band)
        context["accept_form"] = kwargs.get("accept_form") or RiskAcceptForm()
        context["action_count"] = risk.actions.count()
        return context


class RiskTreatmentView(RiskDetailView):
    tab = "treatment"
    template_name = "risks/risk_treatment.html"
    prefetch_related = ("actions__owner",)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["actions"] = list(context["object"].actions.all())
        return context


class RiskLinksView(RiskDetailView):
    tab = "links"
    template_name = "risks/risk_links.html"
    prefetch_related = ("controls__owner",)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        risk = context["object"]
        context["controls"] = list(risk.controls.all())
        context["evidence"] = list(restrict(risk.evidence.all(), self.request.user, Action.VIEW))
        context["controls_url_ok"] = (
            optional_url("controls:implementation_detail", org=self.organization.slug, pk=0)
            is not None
        )
        context["evidence_url_ok"] = (
            optional_url("evidence:evidence_detail", org=self.organization.slug, pk=0) is not None
        )
        return context


class RiskHistoryView(generic.ObjectHistoryView):
    model = Risk
    select_related = ("criteria",)
    detail_template = "risks/_risk_layout.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["action_count"] = context["object"].actions.count()
        return context


class RiskEditView(generic.ObjectEditView):
    model = Risk
    form_class = RiskForm
    list_url_name = "risks:risk_list"
    template_name = "risks/risk_edit.html"

    def get_form(self, data=None):
        instance = self.object or self.new_instance()
        initial = {}
        code = self.request.GET.get("from_library")
        if self.object is None and self.request.GET.get("kind") == RiskKind.OPPORTUNITY:
            initial["kind"] = RiskKind.OPPORTUNITY
        if self.object is None and code and data is None:
            try:
                initial.update(
                    services.risk_initial_from_library(organization=self.organization, code=code)
                )
            except DjangoValidationError as exc:
                raise Http404(exc.messages[0]) from exc
        return self.form_class(
            data=data,
            instance=instance,
            initial=initial,
            organization=self.organization,
            user=self.request.user,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        context["criteria"] = form.instance.criteria if form and form.instance.criteria_id else None
        code = self.request.GET.get("from_library")
        context["library_item"] = next((i for i in LIBRARY if i.code == code), None)
        context["new_kind"] = form.initial.get("kind") if form else None
        return context


class RiskDeleteView(generic.ObjectDeleteView):
    model = Risk
    success_url_name = "risks:risk_list"


class _RiskActionView(generic.ModelViewMixin, generic.View):
    """POST-only actions on a risk: the service decides; refusals come back as messages."""

    model = Risk
    http_method_names = ["post"]

    def risk_for_change(self) -> Risk:
        risk = self.get_object()
        if not can(self.request.user, Action.CHANGE, risk):
            raise PermissionDenied(gettext("Your role does not allow changing this risk."))
        return risk


class RiskAcceptView(_RiskActionView):
    def post(self, request, *args, **kwargs):
        risk = self.risk_for_change()
        form = RiskAcceptForm(request.POST)
        if not form.is_valid():
            return self.refuse(form)
        try:
            services.risk_accept(
                risk=risk,
                user=request.user,
                rationale=form.cleaned_data["acceptance_rationale"],
                expires=form.cleaned_data["acceptance_expires"],
            )
        except (PermissionDenied, DjangoValidationError) as exc:
            if isinstance(exc, DjangoValidationError) and hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                text = exc.messages if isinstance(exc, DjangoValidationError) else [str(exc)]
                form.add_error(None, text)
            return self.refuse(form)
        messages.success(request, gettext("Residual risk accepted."))
        return HttpResponseRedirect(risk.get_absolute_url())

    def refuse(self, form: RiskAcceptForm):
        """Show the risk again with the refusal next to the acceptance form (nothing lost)."""
        view = RiskDetailView()
        view.setup(self.request, *self.args, **self.kwargs)
        view.organization = self.organization
        return view.render_to_response(view.get_context_data(accept_form=form), status=400)


class RiskWithdrawView(_RiskActionView):
    def post(self, request, *args, **kwargs):
        risk = self.risk_for_change()
        try:
            services.risk_acceptance_withdraw(risk=risk, user=request.user)
        except DjangoValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, gettext("Acceptance withdrawn."))
        return HttpResponseRedirect(risk.get_absolute_url())


class RiskRescoreView(generic.ModelViewMixin, generic.TemplateView):
    """Score a risk again with the organisation's current criteria."""

    model = Risk
    select_related = ("criteria",)
    template_name = "risks/risk_rescore.html"

    def setup_risk(self) -> None:
        self.object = self.get_object()
        if not can(self.request.user, Action.CHANGE, self.object):
            raise PermissionDenied(gettext("Your role does not allow changing this risk."))
        self.current = criteria_versions(self.request).current

    def render_form(self, form, status=200):
        return self.render_to_response(
            self.get_context_data(
                form=form, object=self.object, criteria=self.current, **self.model_context()
            ),
            status=status,
        )

    def get(self, request, *args, **kwargs):
        self.setup_risk()
        return self.render_form(RiskRescoreForm(criteria=self.current, risk=self.object))

    def post(self, request, *args, **kwargs):
        self.setup_risk()
        form = RiskRescoreForm(request.POST, criteria=self.current, risk=self.object)
        if not form.is_valid():
            return self.render_form(form, status=400)
        try:
            services.risk_rescore(risk=self.object, user=request.user, **form.cleaned_data)
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            return self.render_form(form, status=400)
        messages.success(
            request,
            gettext("Re-scored with %(name)s version %(n)s.")
            % {"name": self.current.name, "n": self.current.number},
        )
        return HttpResponseRedirect(self.object.get_absolute_url())


# --- Treatment actions (parts of a risk) ----------------------------------------------------


class TreatmentActionEditView(generic.ObjectEditView):
    model = TreatmentAction
    form_class = TreatmentActionForm
    parent_model = Risk


class TreatmentActionDeleteView(generic.ObjectDeleteView):
    model = TreatmentAction

    def success_url(self, obj):
        return obj.get_absolute_url()


class TreatmentActionHistoryView(generic.ObjectHistoryView):
    model = TreatmentAction
    select_related = ("risk",)


# --- Criteria ---------------------------------------------------------------------------------


class CriteriaView(generic.OrganizationPageView):
    template_name = "risks/criteria.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        criteria_versions(self.request)  # make sure a current version exists
        visible = restrict(
            RiskCriteria.objects.filter(organization=self.organization).select_related(
                "acceptance_approver", "created_by"
            ),
            self.request.user,
            Action.VIEW,
        )
        versions = list(visible)
        annotate_recorded(versions, "created_at")  # "recorded …" beside each date
        number = self.request.GET.get("version")
        if number:
            shown = next((c for c in versions if str(c.number) == number), None)
        else:
            shown = next((c for c in versions if c.is_current), None)
        if shown is None:
            raise Http404(gettext("No such criteria version."))
        rows = []
        for likelihood in range(shown.likelihood_count, 0, -1):
            cells = []
            for impact in range(1, shown.impact_count + 1):
                cells.append(shown.band(shown.matrix[likelihood - 1][impact - 1]))
            rows.append((likelihood, shown.likelihood_levels[likelihood - 1], cells))
        context.update(
            criteria=shown,
            versions=versions,
            matrix_rows=rows,
            impact_levels=list(enumerate(shown.impact_levels, start=1)),
            likelihood_levels=list(enumerate(shown.likelihood_levels, start=1)),
            threshold_band=shown.band(shown.acceptance_band),
            can_edit=can_add(self.request.user, RiskCriteria, self.organization.pk),
            outdated_risks=restrict(
                Risk.objects.filter(organization=self.organization, criteria__is_current=False),
                self.request.user,
                Action.VIEW,
            ).count(),
        )
        return context


class CriteriaEditView(generic.OrganizationPageView):
    template_name = "risks/criteria_edit.html"

    def check(self) -> RiskCriteria:
        if not can_add(self.request.user, RiskCriteria, self.organization.pk):
            raise PermissionDenied(gettext("Your role does not allow changing the risk criteria."))
        return criteria_versions(self.request).current

    def render_form(self, form, current, status=200):
        return self.render_to_response(
            self.get_context_data(form=form, current=current), status=status
        )

    def get(self, request, *args, **kwargs):
        current = self.check()
        return self.render_form(
            RiskCriteriaForm(organization=self.organization, current=current), current
        )

    def post(self, request, *args, **kwargs):
        current = self.check()
        form = RiskCriteriaForm(request.POST, organization=self.organization, current=current)
        if not form.is_valid():
            return self.render_form(form, current, status=400)
        try:
            new = services.risk_criteria_revise(
                organization=self.organization, user=request.user, **form.values()
            )
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            return self.render_form(form, current, status=400)
        messages.success(
            request,
            gettext("Saved as version %(n)s; it is now the current criteria.") % {"n": new.number},
        )
        return HttpResponseRedirect(self.org_url("risks:criteria"))


# --- Library ----------------------------------------------------------------------------------


class LibraryView(generic.OrganizationPageView):
    template_name = "risks/library.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        source = self.request.GET.get("source", "")
        objective = self.request.GET.get("objective", "")
        category = self.request.GET.get("category", "")
        items = [
            item
            for item in LIBRARY
            if (not source or source in item.risk_sources)
            and (not objective or objective in item.objectives)
            and (not category or category == item.category)
        ]
        titles = dict(
            Requirement.objects.filter(
                framework__code="iso42001",
                kind__in=("annex_c_risk_source", "annex_c_objective"),
            ).values_list("ref", "title")
        )
        context.update(
            items=items,
            total=len(LIBRARY),
            source=source,
            objective=objective,
            category=category,
            categories=sorted({i.category for i in LIBRARY}),
            sources=sorted({r for i in LIBRARY for r in i.risk_sources}, key=_ref_key),
            objectives=sorted({r for i in LIBRARY for r in i.objectives}, key=_ref_key),
            ref_titles=titles,
            can_add=can_add(self.request.user, Risk, self.organization.pk),
        )
        return context


def _ref_key(ref: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in ref.split("."))


# --- Assessments ------------------------------------------------------------------------------


class AssessmentListView(generic.ObjectListView):
    model = RiskAssessment
    filterset_class = RiskAssessmentFilterSet
    select_related = ("approved_by",)
    table_template = "risks/_assessment_table.html"
    template_name = "risks/assessment_list.html"
    add_url_name = "risks:assessment_add"
    title = _("Risk assessments")
    intro = _(
        "Point-in-time assessments: approving one freezes its scope, participants and the "
        "register as it stood."
    )
    empty_text = _("No assessments yet. Plan the first one for your AI systems in scope.")


class AssessmentDetailView(generic.ObjectDetailView):
    model = RiskAssessment
    select_related = ("approved_by", "author", "criteria")
    prefetch_related = ("participants", "ai_systems")
    template_name = "risks/assessment_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        assessment = context["object"]
        user = self.request.user
        context["can_approve"] = not assessment.is_frozen and can(user, Action.APPROVE, assessment)
        if assessment.is_frozen:
            context["can_change"] = False
            context["can_delete"] = False
            criteria = assessment.criteria
            bands = {b["key"]: b for b in criteria.bands} if criteria else {}
            # The bands the frozen levels name, from the version each risk was scored with.
            bands.update(assessment.snapshot.get("bands") or {})
            bands.update(assessment.summary.get("bands") or {})
            context["bands"] = bands
            context["summary_rows"] = [
                (bands.get(key, {"key": key, "label": key}), n)
                for key, n in (assessment.summary.get("open_by_level") or {}).items()
            ]
            context["others"] = restrict(
                RiskAssessment.objects.filter(
                    organization=self.organization, status="approved"
                ).exclude(pk=assessment.pk),
                user,
                Action.VIEW,
            )
        return context


class AssessmentHistoryView(generic.ObjectHistoryView):
    model = RiskAssessment
    detail_template = "risks/_assessment_layout.html"


class AssessmentEditView(generic.ObjectEditView):
    model = RiskAssessment
    form_class = RiskAssessmentForm
    list_url_name = "risks:assessment_list"

    def setup_object(self) -> None:
        super().setup_object()
        if self.object is not None and self.object.is_frozen:
            raise PermissionDenied(
                gettext("This assessment is approved; its record can no longer be changed.")
            )


class AssessmentDeleteView(generic.ObjectDeleteView):
    model = RiskAssessment
    success_url_name = "risks:assessment_list"

    def check(self):
        obj = super().check()
        if obj.is_frozen:
            raise PermissionDenied(
                gettext("This assessment is approved; its record can no longer be deleted.")
            )
        return obj


class AssessmentApproveView(generic.ModelViewMixin, generic.View):
    model = RiskAssessment
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        assessment = self.get_object()
        try:
            services.risk_assessment_approve(assessment=assessment, user=request.user)
        except DjangoValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, gettext("Assessment approved; its record is now frozen."))
        return HttpResponseRedirect(assessment.get_absolute_url())


class AssessmentCompareView(generic.OrganizationPageView):
    template_name = "risks/assessment_compare.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        approved = list(
            restrict(
                RiskAssessment.objects.filter(
                    organization=self.organization, status="approved"
                ).select_related("criteria"),
                self.request.user,
                Action.VIEW,
            ).order_by("assessed_on", "pk")
        )
        by_id = {str(a.pk): a for a in approved}
        old, new = (
            by_id.get(self.request.GET.get("old", "")),
            by_id.get(self.request.GET.get("new", "")),
        )
        if (self.request.GET.get("old") and old is None) or (
            self.request.GET.get("new") and new is None
        ):
            raise Http404(gettext("No such approved assessment."))
        context.update(approved=approved, old=old, new=new)
        if old and new:
            context["diff"] = services.risk_assessments_compare(old=old, new=new)
            criteria = new.criteria or old.criteria
            bands = {b["key"]: b for b in criteria.bands} if criteria else {}
            for assessment in (old, new):
                bands.update(assessment.snapshot.get("bands") or {})
            context["bands"] = bands
        return context
