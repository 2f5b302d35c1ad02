from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core import views as generic
from aims.core.permissions import can_add
from audits.filters import IncidentFilterSet
from audits.forms import IncidentCommunicationForm, IncidentForm
from audits.models import Incident, IncidentCommunication


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
    select_related = ("organization", "owner")
    prefetch_related = ("ai_systems", "risks")
    template_name = "audits/incident_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incident = context["object"]
        context.update(
            communications=list(incident.communications.select_related("sent_by")),
            can_add_communication=can_add(
                self.request.user, IncidentCommunication, incident.organization_id, parent=incident
            ),
            now=timezone.now(),
        )
        return context


class IncidentHistoryView(generic.ObjectHistoryView):
    model = Incident


class IncidentEditView(generic.ObjectEditView):
    model = Incident
    form_class = IncidentForm
    list_url_name = "audits:incident_list"


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
