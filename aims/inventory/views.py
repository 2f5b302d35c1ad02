from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aims.core import views as generic
from aims.inventory import services
from aims.inventory.filters import AISystemFilterSet
from aims.inventory.forms import AISystemComponentForm, AISystemDatasetForm, AISystemForm
from aims.inventory.models import AISystem, AISystemComponent, AISystemDataset


class AISystemListView(generic.ObjectListView):
    model = AISystem
    filterset_class = AISystemFilterSet
    select_related = ("owner",)
    table_template = "inventory/_aisystem_table.html"
    template_name = "inventory/aisystem_list.html"
    add_url_name = "inventory:aisystem_add"
    title = _("AI systems")
    intro = _("Every AI system the organisation develops, provides, deploys or buys.")
    empty_text = _("No AI systems yet. Start with the one that matters most to your customers.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_export"] = services.inventory_export_allowed(
            organization=self.organization, user=self.request.user
        )
        return context


class AISystemDetailView(generic.ObjectDetailView):
    model = AISystem
    select_related = ("owner",)
    template_name = "inventory/aisystem_detail.html"


class AISystemPartsView(AISystemDetailView):
    tab = "parts"
    template_name = "inventory/aisystem_parts.html"
    prefetch_related = ("datasets", "components")


class AISystemHistoryView(generic.ObjectHistoryView):
    model = AISystem
    detail_template = "inventory/_aisystem_layout.html"


class AISystemEditView(generic.ObjectEditView):
    model = AISystem
    form_class = AISystemForm
    list_url_name = "inventory:aisystem_list"


class AISystemDeleteView(generic.ObjectDeleteView):
    model = AISystem
    success_url_name = "inventory:aisystem_list"


class _PartMixin:
    parent_model = AISystem


class DatasetEditView(_PartMixin, generic.ObjectEditView):
    model = AISystemDataset
    form_class = AISystemDatasetForm


class DatasetDeleteView(generic.ObjectDeleteView):
    model = AISystemDataset

    def success_url(self, obj):
        return obj.get_absolute_url()


class DatasetHistoryView(generic.ObjectHistoryView):
    model = AISystemDataset


class ComponentEditView(_PartMixin, generic.ObjectEditView):
    model = AISystemComponent
    form_class = AISystemComponentForm


class ComponentDeleteView(generic.ObjectDeleteView):
    model = AISystemComponent

    def success_url(self, obj):
        return obj.get_absolute_url()


class ComponentHistoryView(generic.ObjectHistoryView):
    model = AISystemComponent


class InventoryExportView(generic.OrganizationPageView):
    """POST only: queue the CSV export of the inventory and show its job page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        job = services.inventory_export_start(organization=self.organization, user=request.user)
        messages.success(
            request, gettext("The export has started. The file will be ready here in a moment.")
        )
        return redirect("core:job_detail", org=self.organization.slug, pk=job.pk)
