from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from aims.core import views as generic
from aims.core.forms import DecisionForm
from aims.core.permissions import Action, can, can_add, restrict
from aims.inventory.models import AISystem
from impact_assessments import services
from impact_assessments.comparison import comparable_versions
from impact_assessments.filters import ClassificationFilterSet, ImpactAssessmentFilterSet
from impact_assessments.forms import (
    AffectedPartyForm,
    ClassificationForm,
    ImpactAssessmentForm,
    ImpactForm,
    ThresholdsForm,
)
from impact_assessments.models import (
    AffectedParty,
    AIActClassification,
    AssessmentKind,
    Impact,
    ImpactAssessment,
    UseThresholds,
)
from impact_assessments.selectors import supporting_requirements, thresholds_for, use_categories


class ClassificationListView(generic.ObjectListView):
    model = AIActClassification
    filterset_class = ClassificationFilterSet
    select_related = ("organization", "ai_system", "classified_by")
    table_template = "impact_assessments/_classification_table.html"
    title = _("EU AI Act classifications")
    intro = _(
        "Every reading of the EU AI Act for each AI system, newest first. A reclassification "
        "adds a reading; earlier ones stay as they were."
    )
    empty_text = _("No AI system is classified yet. Classify one from its page, tab “EU AI Act”.")


class ClassificationDetailView(generic.ObjectDetailView):
    model = AIActClassification
    select_related = ("organization", "ai_system", "classified_by")
    template_name = "impact_assessments/classification_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        outcome = context["object"].outcome()
        links = supporting_requirements(outcome.obligation_refs)
        context["obligations"] = [(o, links.get(o.ref, [])) for o in outcome.obligations]
        context["can_start_fria"] = can_add(
            self.request.user, ImpactAssessment, self.organization.pk
        )
        return context


class SystemClassificationView(generic.ObjectDetailView):
    """The AI system's "EU AI Act" tab: the latest reading, its obligations and the history."""

    model = AISystem
    select_related = ("owner",)
    tab = "ai_act"
    template_name = "impact_assessments/system_classification.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        system = context["object"]
        history = list(
            system.ai_act_classifications.select_related("classified_by", "organization").order_by(
                "-classified_on", "-pk"
            )
        )
        current = history[0] if history else None
        context.update(
            current=current,
            history=history,
            can_classify=can_add(self.request.user, AIActClassification, system.organization_id),
            can_start_fria=can_add(self.request.user, ImpactAssessment, system.organization_id),
        )
        if current is not None:
            outcome = current.outcome()
            links = supporting_requirements(outcome.obligation_refs)
            context["obligations"] = [(o, links.get(o.ref, [])) for o in outcome.obligations]
        return context


class ClassifyView(generic.ObjectEditView):
    """The questionnaire, prefilled from the system's latest reading (or its recorded role)."""

    model = AIActClassification
    form_class = ClassificationForm
    parent_model = AISystem

    def new_instance(self) -> AIActClassification:
        latest = services.current_classification(self.parent)
        instance = AIActClassification(
            organization=self.organization,
            ai_system=self.parent,
            role=self.parent.eu_ai_act_role,
        )
        if latest is not None:
            for name in services.ANSWER_FIELDS:
                setattr(instance, name, getattr(latest, name))
        return instance

    def save(self, form: ClassificationForm) -> AIActClassification:
        data = form.cleaned_data
        classification = services.classification_record(
            ai_system=self.parent,
            actor=self.request.user,
            answers={name: data[name] for name in services.ANSWER_FIELDS},
            classified_on=data.get("classified_on"),
            notes=data.get("notes", ""),
        )
        messages.info(
            self.request,
            gettext("%(system)s is now recorded as: %(tier)s.")
            % {"system": self.parent.name, "tier": classification.get_tier_display()},
        )
        return classification

    def get_success_url(self, obj: AIActClassification) -> str:
        return self.org_url("impact_assessments:system_classification", pk=obj.ai_system_id)


# --- Impact assessments ----------------------------------------------------------------------


class AssessmentListView(generic.ObjectListView):
    model = ImpactAssessment
    filterset_class = ImpactAssessmentFilterSet
    select_related = ("organization", "ai_system", "approved_by")
    table_template = "impact_assessments/_assessment_table.html"
    template_name = "impact_assessments/assessment_list.html"
    title = _("Impact assessments")
    intro = _(
        "What each AI system can do to people, groups, society and the environment (6.1.4, "
        "8.4). Start one from the AI system's tab “Impact assessments”; every version is kept."
    )
    empty_text = _(
        "No impact assessments yet. Open an AI system and start its assessment from the tab "
        "“Impact assessments”."
    )


class SystemAssessmentsView(generic.ObjectDetailView):
    """The AI system's "Impact assessments" tab: every version of each kind, and the starts."""

    model = AISystem
    select_related = ("owner",)
    tab = "impact"
    template_name = "impact_assessments/system_assessments.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        system = context["object"]
        user = self.request.user
        versions = list(
            restrict(ImpactAssessment.objects.all(), user, Action.VIEW)
            .filter(ai_system=system)
            .select_related("author", "approved_by", "organization")
            .order_by("kind", "-number")
        )
        for index, newer in enumerate(versions):
            # The next version down of the same kind is the one to compare with.
            older = versions[index + 1] if index + 1 < len(versions) else None
            newer.compare_with = older if older is not None and older.kind == newer.kind else None
        context.update(
            versions=versions,
            use_category=use_categories(organization=self.organization, system_ids=[system.pk])[
                system.pk
            ],
            can_start=can_add(user, ImpactAssessment, system.organization_id),
            kinds=AssessmentKind.choices,
        )
        return context

    def post(self, request, *args, **kwargs):
        system = self.get_object()
        kind = request.POST.get("kind", AssessmentKind.IMPACT)
        if kind not in AssessmentKind.values:
            kind = AssessmentKind.IMPACT
        try:
            with transaction.atomic():
                draft = services.assessment_start(ai_system=system, actor=request.user, kind=kind)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(
                "impact_assessments:system_assessments", org=self.organization.slug, pk=system.pk
            )
        messages.success(request, gettext("A draft was started; fill in each section."))
        return redirect(
            "impact_assessments:assessment_edit", org=self.organization.slug, pk=draft.pk
        )


class AssessmentDetailView(generic.ObjectDetailView):
    model = ImpactAssessment
    select_related = ("organization", "ai_system", "author", "approved_by")
    template_name = "impact_assessments/assessment_detail.html"

    def get_object(self):
        obj = self.base_queryset().with_part_counts().filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise Http404(_("No such record."))
        return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = context["object"]
        user = self.request.user
        parties = list(version.parties.order_by("pk"))
        impacts = list(
            version.impacts.select_related("party")
            .prefetch_related("controls__requirement", "risks")
            .order_by("party", "pk")
        )
        context.update(
            parties=parties,
            impacts=impacts,
            use_category=(
                version.use_category() if version.kind == AssessmentKind.IMPACT else None
            ),
            missing=version.missing() if version.is_editable else [],
            sections=[
                (
                    label,
                    [
                        (version._meta.get_field(f).verbose_name, getattr(version, f))
                        for f in fields
                    ],
                )
                for _key, label, fields in version.shown_sections()
            ],
            can_approve=can(user, Action.APPROVE, version),
            decision_form=DecisionForm(),
            self_approval_blocked=version.author_id == user.pk
            and not self.organization.allow_self_approval,
            earlier_versions=list(
                comparable_versions(version, self.base_queryset()).filter(
                    number__lt=version.number
                )[:3]
            ),
        )
        return context


class AssessmentHistoryView(generic.ObjectHistoryView):
    model = ImpactAssessment


class AssessmentEditView(generic.ObjectEditView):
    model = ImpactAssessment
    form_class = ImpactAssessmentForm

    def setup_object(self):
        super().setup_object()
        if self.object is None:
            raise Http404(_("Start an assessment from its AI system."))
        if not self.object.is_editable:
            raise PermissionDenied(_("Only a draft can be edited; start a new version instead."))


def _submit(*, version, user):
    return services.assessment_submit(assessment=version, actor=user)


def _revise(*, version, user):
    return services.assessment_start(ai_system=version.ai_system, actor=user, kind=version.kind)


class AssessmentActionView(generic.DocumentActionView):
    model = ImpactAssessment
    actions = generic.document_actions(
        submit=(_submit, _("Sent for review.")),
        revise=(_revise, _("A new draft version was started from the approved one.")),
    )


class _AssessmentPartMixin:
    parent_model = ImpactAssessment

    def setup_object(self):
        super().setup_object()
        assessment = self.object.assessment if self.object is not None else self.parent
        if not assessment.is_editable:
            raise PermissionDenied(_("Only a draft can be changed; start a new version instead."))


class PartyEditView(_AssessmentPartMixin, generic.ObjectEditView):
    model = AffectedParty
    form_class = AffectedPartyForm

    def get_success_url(self, obj):
        return obj.assessment.get_absolute_url()


class PartyDeleteView(generic.ObjectDeleteView):
    model = AffectedParty

    def success_url(self, obj):
        return obj.assessment.get_absolute_url()


class ImpactEditView(_AssessmentPartMixin, generic.ObjectEditView):
    model = Impact
    form_class = ImpactForm

    def get_success_url(self, obj):
        return obj.assessment.get_absolute_url()


class ImpactDeleteView(generic.ObjectDeleteView):
    model = Impact

    def success_url(self, obj):
        return obj.assessment.get_absolute_url()


class ImpactCreateRiskView(generic.ModelViewMixin, TemplateView):
    """POST only: put a harm into the risk register, prefilled and linked, then refine it."""

    model = Impact
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        impact = self.get_object()
        try:
            with transaction.atomic():
                risk = services.impact_create_risk(impact=impact, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(impact.assessment.get_absolute_url())
        messages.success(
            request,
            gettext("%(risk)s is in the register, linked to this harm. Check its scores.")
            % {"risk": risk.reference},
        )
        return redirect("risks:risk_edit", org=self.organization.slug, pk=risk.pk)


# --- Thresholds for sensitive and restricted uses ---------------------------------------------


class ThresholdsView(generic.OrganizationPageView):
    """The thresholds in force, the earlier decisions, and where each AI system falls."""

    template_name = "impact_assessments/thresholds.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        decisions = list(
            restrict(UseThresholds.objects.all(), user, Action.VIEW)
            .filter(organization=self.organization)
            .select_related("decided_by")
            .order_by("-pk")[:50]
        )
        systems = list(
            restrict(AISystem.objects.all(), user, Action.VIEW)
            .filter(organization=self.organization)
            .order_by("name")
            .only("pk", "name", "organization_id")
        )
        categories = use_categories(
            organization=self.organization, system_ids=[s.pk for s in systems]
        )
        context.update(
            # Only the decisions the reader may see; otherwise the defaults are shown.
            thresholds=decisions[0] if decisions else UseThresholds(organization=self.organization),
            decided=bool(decisions),
            earlier=decisions[1:],
            can_decide=can_add(user, UseThresholds, self.organization.pk),
            systems=[(s, categories[s.pk]) for s in systems],
        )
        return context


class ThresholdsDecideView(generic.ObjectEditView):
    """Decide the thresholds anew, starting from those in force. The form says which
    decision it started from, so a decision made meanwhile is not silently replaced."""

    model = UseThresholds
    form_class = ThresholdsForm
    success_url_name = "impact_assessments:thresholds"

    def new_instance(self) -> UseThresholds:
        current = thresholds_for(self.organization)
        self.based_on = current.pk
        return UseThresholds(
            organization=self.organization,
            **{name: getattr(current, name) for name in ThresholdsForm.Meta.fields},
        )

    def get_form(self, data=None) -> ThresholdsForm:
        form = super().get_form(data)
        form.fields["based_on"].initial = self.based_on
        return form

    def save(self, form: ThresholdsForm) -> UseThresholds:
        return services.thresholds_decide(
            thresholds=form.save(commit=False),
            actor=self.request.user,
            based_on=form.cleaned_data.get("based_on"),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.org_url("impact_assessments:thresholds")
        return context
