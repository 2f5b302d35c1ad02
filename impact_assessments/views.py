from django.contrib import messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aims.core import views as generic
from aims.core.permissions import can_add
from aims.inventory.models import AISystem
from impact_assessments import services
from impact_assessments.filters import ClassificationFilterSet
from impact_assessments.forms import ClassificationForm
from impact_assessments.models import AIActClassification
from impact_assessments.selectors import supporting_requirements


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
