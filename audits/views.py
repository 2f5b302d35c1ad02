from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from aims.core import views as generic
from aims.core.permissions import Action, can, can_add, restrict
from aims.core.queries import subquery_count
from audits import services
from audits.filters import IncidentFilterSet, NonconformityFilterSet, OpportunityFilterSet
from audits.forms import (
    CorrectiveActionForm,
    IncidentCommunicationForm,
    IncidentForm,
    NonconformityForm,
    OpportunityDecisionForm,
    OpportunityForm,
    OpportunityOutcomeForm,
    ReopenForm,
    VerificationForm,
)
from audits.models import (
    OPEN_ACTION_STATUSES,
    CorrectiveAction,
    Incident,
    IncidentCommunication,
    Nonconformity,
    NonconformitySource,
    NonconformityStatus,
    Opportunity,
    OpportunityStatus,
)
from audits.selectors import nonconformity_trends
from policies.models import Concern


class IncidentListView(generic.ObjectListView):
    model = Incident
    filterset_class = IncidentFilterSet
    select_related = ("organization", "owner")
    prefetch_related = ("ai_systems",)
    table_template = "audits/_incident_table.html"
    add_url_name = "audits:incident_add"
    title = _("AI incidents")
    intro = _(
        "What went wrong with an AI system, whom it touched, how it was contained and who was "
        "told (A.8.4). A serious incident under the EU AI Act shows its reporting deadline."
    )
    empty_text = _("No incident recorded. Record one as soon as something goes wrong.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["now"] = timezone.now()
        return context


class IncidentDetailView(generic.ObjectDetailView):
    model = Incident
    select_related = ("organization", "owner", "reported_through__organization")
    prefetch_related = ("ai_systems", "risks")
    template_name = "audits/incident_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incident = context["object"]
        user = self.request.user
        context.update(
            nonconformities=list(
                restrict(Nonconformity.objects.all(), user, Action.VIEW).filter(incident=incident)
            ),
            can_raise_nonconformity=can_add(user, Nonconformity, incident.organization_id),
            communications=list(incident.communications.select_related("sent_by")),
            can_add_communication=can_add(
                self.request.user, IncidentCommunication, incident.organization_id, parent=incident
            ),
            now=timezone.now(),
            # The concern is named to everyone who sees the incident; opened only by those
            # who may read it (its handlers, auditors in scope, its reporter).
            concern_visible=incident.reported_through_id is not None
            and Concern.objects.visible_to(user).filter(pk=incident.reported_through_id).exists(),
        )
        return context


class IncidentHistoryView(generic.ObjectHistoryView):
    model = Incident


class IncidentEditView(generic.ObjectEditView):
    model = Incident
    form_class = IncidentForm
    list_url_name = "audits:incident_list"

    def new_instance(self) -> Incident:
        """An incident recorded from a concern (``?concern=``, from the concern's page)
        starts from it: its summary, description and AI system, detected when the concern
        was received, reported through it. Only a concern the user may see through the
        permission layer, in this organisation, is taken; any other id is ignored."""
        instance = super().new_instance()
        concern_id = self.request.GET.get("concern", "")
        if concern_id.isdigit():
            concern = (
                restrict(Concern.objects.all(), self.request.user, Action.VIEW)
                .filter(organization=self.organization, pk=int(concern_id))
                .select_related("organization")
                .first()
            )
            if concern is not None:
                instance.title = concern.summary[:200]
                instance.description = concern.description
                instance.detected_at = concern.created_at
                instance.reported_through = concern
                self.from_concern = concern
        return instance

    def get_form(self, data=None):
        form = super().get_form(data)
        concern = getattr(self, "from_concern", None)
        if concern is not None and data is None and concern.ai_system_id:
            form.initial["ai_systems"] = [concern.ai_system_id]
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        concern = getattr(self, "from_concern", None)
        if concern is not None:
            context["cancel_url"] = concern.get_absolute_url()
        return context


class IncidentDeleteView(generic.ObjectDeleteView):
    model = Incident
    success_url_name = "audits:incident_list"


class CommunicationEditView(generic.ObjectEditView):
    model = IncidentCommunication
    form_class = IncidentCommunicationForm
    parent_model = Incident


class CommunicationDeleteView(generic.ObjectDeleteView):
    model = IncidentCommunication

    def success_url(self, obj):
        return obj.get_absolute_url()


# --- Nonconformities and corrective actions (10.2) -------------------------------------------


class NonconformityListView(generic.ObjectListView):
    model = Nonconformity
    filterset_class = NonconformityFilterSet
    select_related = ("organization", "owner", "requirement")
    table_template = "audits/_nonconformity_table.html"
    template_name = "audits/nonconformity_list.html"
    add_url_name = "audits:nonconformity_add"
    title = _("Nonconformities")
    intro = _(
        "Requirements not met, found by audits, incidents, monitoring or complaints, with "
        "their correction, root cause and corrective actions (10.2). One closes only once "
        "someone has checked that the actions worked."
    )
    empty_text = _("No nonconformity recorded.")

    def list_queryset(self):
        open_actions = CorrectiveAction.objects.filter(
            nonconformity=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES
        )
        return (
            super()
            .list_queryset()
            .annotate(
                actions_open=subquery_count(open_actions),
                actions_late=subquery_count(open_actions.filter(due_date__lt=timezone.localdate())),
            )
        )


class NonconformityDetailView(generic.ObjectDetailView):
    model = Nonconformity
    select_related = ("organization", "owner", "requirement", "incident", "verified_by")
    prefetch_related = ("ai_systems",)
    template_name = "audits/nonconformity_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        nc = context["object"]
        user = self.request.user
        context.update(
            actions=list(nc.actions.select_related("owner")),
            can_add_action=nc.status != NonconformityStatus.CLOSED
            and can_add(user, CorrectiveAction, nc.organization_id, parent=nc),
            can_verify=can(user, Action.APPROVE, nc),
            verification_form=VerificationForm(),
            reopen_form=ReopenForm(),
        )
        return context


class NonconformityHistoryView(generic.ObjectHistoryView):
    model = Nonconformity


class NonconformityEditView(generic.ObjectEditView):
    model = Nonconformity
    form_class = NonconformityForm
    list_url_name = "audits:nonconformity_list"

    def new_instance(self) -> Nonconformity:
        """A nonconformity raised from an incident (``?incident=``) starts from it."""
        instance = super().new_instance()
        incident_id = self.request.GET.get("incident") or self.request.POST.get("from_incident")
        if incident_id and str(incident_id).isdigit():
            incident = (
                restrict(Incident.objects.all(), self.request.user, Action.VIEW)
                .filter(organization=self.organization, pk=int(incident_id))
                .first()
            )
            if incident is not None:
                instance.source = NonconformitySource.INCIDENT
                instance.incident = incident
                instance.title = incident.title
                instance.description = incident.description
                instance.correction = incident.containment
                self.from_incident = incident
        return instance

    def get_form(self, data=None):
        form = super().get_form(data)
        incident = getattr(self, "from_incident", None)
        if incident is not None and data is None:
            form.initial["ai_systems"] = list(incident.ai_systems.values_list("pk", flat=True))
        return form


class NonconformityDeleteView(generic.ObjectDeleteView):
    model = Nonconformity
    success_url_name = "audits:nonconformity_list"


class NonconformityDecisionView(generic.OrganizationMixin, View):
    """POST: check effectiveness (``verify``) or reopen (``reopen``)."""

    def post(self, request, *args, **kwargs):
        nc = (
            restrict(Nonconformity.objects.all(), request.user, Action.VIEW)
            .filter(organization=self.organization, pk=kwargs["pk"])
            .first()
        )
        if nc is None:
            raise Http404(_("No such record."))
        action = kwargs["action"]
        if action == "verify":
            form = VerificationForm(request.POST)
            call = lambda data: services.nonconformity_verify(  # noqa: E731
                nonconformity=nc,
                user=request.user,
                effective=data["effective"],
                notes=data["notes"],
            )
            done = _("Effectiveness recorded.")
        elif action == "reopen":
            form = ReopenForm(request.POST)
            call = lambda data: services.nonconformity_reopen(  # noqa: E731
                nonconformity=nc, user=request.user, reason=data["reason"]
            )
            done = _("Reopened.")
        else:
            raise Http404
        if not form.is_valid():
            messages.error(request, " ".join(" ".join(e) for e in form.errors.values()))
            return redirect(nc.get_absolute_url())
        try:
            with transaction.atomic():
                call(form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(nc.get_absolute_url())
        messages.success(request, done)
        return redirect(nc.get_absolute_url())


class ActionEditView(generic.ObjectEditView):
    model = CorrectiveAction
    form_class = CorrectiveActionForm
    parent_model = Nonconformity


class ActionDeleteView(generic.ObjectDeleteView):
    model = CorrectiveAction

    def success_url(self, obj):
        return obj.get_absolute_url()


class NonconformityTrendsView(generic.OrganizationPageView):
    """Counts by source, by clause or control group, and by quarter: where nonconformities
    keep arising (10.2, and an input to management review)."""

    template_name = "audits/nonconformity_trends.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(nonconformity_trends(organization=self.organization, user=self.request.user))
        return context


# --- Continual improvement (10.1) -------------------------------------------------------------


class OpportunityListView(generic.ObjectListView):
    model = Opportunity
    filterset_class = OpportunityFilterSet
    select_related = ("organization", "owner", "raised_by")
    table_template = "audits/_opportunity_table.html"
    add_url_name = "audits:opportunity_add"
    title = _("Opportunities for improvement")
    intro = _(
        "Ideas for doing better, from audits, reviews, incidents or anyone's suggestion, with "
        "the decision taken on each and what it brought (10.1)."
    )
    empty_text = _("No opportunity recorded yet. Anyone may suggest one.")


class OpportunityDetailView(generic.ObjectDetailView):
    model = Opportunity
    select_related = ("organization", "owner", "raised_by", "decided_by", "incident", "requirement")
    prefetch_related = ("ai_systems",)
    template_name = "audits/opportunity_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        opportunity = context["object"]
        context.update(
            can_decide=can(self.request.user, Action.APPROVE, opportunity)
            and opportunity.status in (OpportunityStatus.PROPOSED, OpportunityStatus.ACCEPTED),
            decision_form=OpportunityDecisionForm(),
            outcome_form=OpportunityOutcomeForm(),
        )
        return context


class OpportunityHistoryView(generic.ObjectHistoryView):
    model = Opportunity


class OpportunityEditView(generic.ObjectEditView):
    model = Opportunity
    form_class = OpportunityForm
    list_url_name = "audits:opportunity_list"

    def save(self, form):
        if self.object is not None:
            return super().save(form)
        return services.opportunity_raise(
            opportunity=form.save(commit=False), actor=self.request.user
        )


class OpportunityDeleteView(generic.ObjectDeleteView):
    model = Opportunity
    success_url_name = "audits:opportunity_list"


class OpportunityDecisionView(generic.OrganizationMixin, View):
    """POST: decide (``decide``) or record the outcome (``implement``)."""

    def post(self, request, *args, **kwargs):
        opportunity = (
            restrict(Opportunity.objects.all(), request.user, Action.VIEW)
            .filter(organization=self.organization, pk=kwargs["pk"])
            .first()
        )
        if opportunity is None:
            raise Http404(_("No such record."))
        if kwargs["action"] == "decide":
            form = OpportunityDecisionForm(request.POST)
            call = lambda data: services.opportunity_decide(  # noqa: E731
                opportunity=opportunity,
                user=request.user,
                accept=data["accept"],
                notes=data["notes"],
            )
        elif kwargs["action"] == "implement":
            form = OpportunityOutcomeForm(request.POST)
            call = lambda data: services.opportunity_implement(  # noqa: E731
                opportunity=opportunity,
                user=request.user,
                outcome=data["outcome"],
                implemented_on=data.get("implemented_on"),
            )
        else:
            raise Http404
        if not form.is_valid():
            messages.error(request, " ".join(" ".join(e) for e in form.errors.values()))
            return redirect(opportunity.get_absolute_url())
        try:
            with transaction.atomic():
                call(form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect(opportunity.get_absolute_url())
        messages.success(request, _("Recorded."))
        return redirect(opportunity.get_absolute_url())
