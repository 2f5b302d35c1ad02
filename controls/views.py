from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aims.core import views as generic
from controls import services
from controls.filters import RequirementFilterSet
from controls.models import Framework, Requirement


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
