"""Pages of the objectives area: AI objectives with their KPI measurements (6.2, 9.1) and the
communication plan (7.4)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aims.core import views as generic
from aims.core.permissions import Action, can, can_add
from policies.charts import kpi_trend_svg
from policies.filters.objectives import AIObjectiveFilterSet, CommunicationItemFilterSet
from policies.forms.objectives import AIObjectiveForm, CommunicationItemForm, KPIMeasurementForm
from policies.kpis import KPI_TONES, KPIStatus
from policies.models import AIObjective, CommunicationItem, KPIMeasurement, MeasurementSource
from policies.services.objectives import communication_mark_done, measurement_save


def _with_status(objectives) -> list[AIObjective]:
    """Each objective's KPI status, label and tone, from the annotations (no queries)."""
    rows = list(objectives)
    for objective in rows:
        status = objective.kpi_status
        objective.kpi = {
            "status": status,
            "label": KPIStatus(status).label,
            "tone": KPI_TONES[status],
        }
    return rows


# --- Objectives --------------------------------------------------------------------------------


class ObjectiveListView(generic.ObjectListView):
    model = AIObjective
    filterset_class = AIObjectiveFilterSet
    table_template = "policies/_objective_table.html"
    add_url_name = "policies:objective_add"
    title = _("AI objectives")
    intro = _(
        "Measurable objectives for the AIMS, each with its KPI, target, owner and plan; the "
        "status compares the latest measurement with the target."
    )
    empty_text = _(
        "No objectives yet. Add the first one: what you want your AI systems to achieve, "
        "how you will measure it and who owns it."
    )

    def list_queryset(self):
        return (
            self.base_queryset()
            .with_latest()
            .select_related("owner", "organization")
            .prefetch_related("annex_c_objectives")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["object_list"] = _with_status(context["object_list"])
        return context


class _ObjectiveTabs(generic.ObjectDetailView):
    model = AIObjective
    select_related = ("owner", "organization")

    def base_queryset(self, action: Action = Action.VIEW):
        return super().base_queryset(action).with_latest()


class ObjectiveDetailView(_ObjectiveTabs):
    template_name = "policies/objective_detail.html"
    prefetch_related = ("annex_c_objectives",)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        objective = context["object"]
        user = self.request.user
        measurements = list(objective.measurements.select_related("entered_by"))
        context["measurements"] = measurements
        context["kpi"] = _with_status([objective])[0].kpi
        context["chart"] = kpi_trend_svg(
            title=gettext("%(metric)s over time") % {"metric": objective.metric},
            unit=objective.unit,
            direction=objective.direction,
            target=objective.target_value,
            target_upper=objective.target_upper,
            margin=objective.at_risk_margin,
            points=[(m.measured_on, m.value) for m in reversed(measurements)],
        )
        context["can_measure"] = can_add(
            user, KPIMeasurement, self.organization.pk, parent=objective
        )
        if context["can_measure"]:
            context["measurement_form"] = KPIMeasurementForm(
                instance=KPIMeasurement(objective=objective),
                organization=self.organization,
                user=user,
            )
        return context


class ObjectiveHistoryView(generic.ObjectHistoryView):
    model = AIObjective
    detail_template = "policies/_objective_layout.html"


class ObjectiveEditView(generic.ObjectEditView):
    model = AIObjective
    form_class = AIObjectiveForm
    list_url_name = "policies:objective_list"


class ObjectiveDeleteView(generic.ObjectDeleteView):
    model = AIObjective
    success_url_name = "policies:objective_list"


# --- KPI measurements (parts of an objective) ------------------------------------------------


class MeasurementEditView(generic.ObjectEditView):
    model = KPIMeasurement
    form_class = KPIMeasurementForm
    parent_model = AIObjective  # the breadcrumbs lead back to the objective

    def save(self, form):
        self.check_fresh(form)
        if form.instance.pk is None:
            form.instance.entered_by = self.request.user
            form.instance.source = MeasurementSource.MANUAL
        return measurement_save(form.instance)


class MeasurementDeleteView(generic.ObjectDeleteView):
    model = KPIMeasurement

    def success_url(self, obj):
        return obj.objective.get_absolute_url()


class MeasurementHistoryView(generic.ObjectHistoryView):
    model = KPIMeasurement
    select_related = ("objective__organization",)


# --- Communication plan -------------------------------------------------------------------------


class CommunicationListView(generic.ObjectListView):
    model = CommunicationItem
    filterset_class = CommunicationItemFilterSet
    table_template = "policies/_communication_table.html"
    add_url_name = "policies:communication_add"
    title = _("Communication plan")
    intro = _(
        "What the organisation communicates about its AIMS, inside and outside: when, to "
        "whom, how and who sees to it."
    )
    empty_text = _(
        "No communications planned yet. Start with how staff hear about the AI policy and "
        "the AIMS, and how customers or regulators are kept informed."
    )

    def list_queryset(self):
        return self.base_queryset().select_related("owner", "organization")


class CommunicationDetailView(generic.ObjectDetailView):
    model = CommunicationItem
    select_related = ("owner", "organization")
    template_name = "policies/communication_detail.html"


class CommunicationHistoryView(generic.ObjectHistoryView):
    model = CommunicationItem
    detail_template = "policies/_communication_layout.html"


class CommunicationEditView(generic.ObjectEditView):
    model = CommunicationItem
    form_class = CommunicationItemForm
    list_url_name = "policies:communication_list"


class CommunicationDeleteView(generic.ObjectDeleteView):
    model = CommunicationItem
    success_url_name = "policies:communication_list"


class CommunicationDoneView(generic.ModelViewMixin, generic.View):
    """POST: the communication took place today; a recurring one is due again one interval on."""

    model = CommunicationItem
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        item = self.get_object()
        if not can(request.user, Action.CHANGE, item):
            raise PermissionDenied(gettext("Your role does not allow changing this record."))
        try:
            item = communication_mark_done(item=item, user=request.user)
        except DjangoValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(item.get_absolute_url())
        messages.success(request, gettext("Recorded as done today."))
        return HttpResponseRedirect(item.get_absolute_url())
