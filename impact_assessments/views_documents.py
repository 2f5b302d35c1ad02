"""An impact assessment as a document: two versions side by side, and its PDF.

Both read through the permission layer like every detail page (``ObjectDetailView`` and
``base_queryset``): an auditor reaches only the approved and superseded versions of the
systems in their engagement, anyone else gets a 404.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views import View

from aims.core import views as generic
from aims.core.tabular import PDF_CONTENT_TYPE
from impact_assessments.comparison import assessment_compare, comparable_versions
from impact_assessments.exports import assessment_export_pdf
from impact_assessments.models import ImpactAssessment


class _AssessmentMixin:
    model = ImpactAssessment
    select_related = ("organization", "ai_system", "author", "approved_by")


class AssessmentCompareView(_AssessmentMixin, generic.ObjectDetailView):
    """``<pk>/compare/?with=<other pk>``: the two versions side by side, the older first."""

    template_name = "impact_assessments/assessment_compare.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        status = 400 if context.get("refusal") else 200
        return self.render_to_response(context, status=status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = context["object"]
        choices = list(comparable_versions(version, self.base_queryset()))
        context["choices"] = choices
        raw = self.request.GET.get("with", "").strip()
        if not raw:
            context["refusal"] = _("Choose the version to compare v%(n)s with.") % {
                "n": version.number
            }
            return context
        try:
            other_pk = int(raw)
        except ValueError:
            context["refusal"] = _("“%(v)s” is not a version: choose one from the list.") % {
                "v": raw[:40]
            }
            return context
        other = self.base_queryset().filter(pk=other_pk).first()
        if other is None:
            raise Http404(_("No such version of this assessment."))
        try:
            context["comparison"] = assessment_compare(first=version, second=other)
        except ValidationError as exc:
            context["refusal"] = " ".join(exc.messages)
        return context


class AssessmentPdfView(_AssessmentMixin, generic.ModelViewMixin, View):
    """The PDF of one version, answered straight away like an SoA version's."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        assessment = self.get_object()
        filename, content = assessment_export_pdf(assessment=assessment)
        response = HttpResponse(content, content_type=PDF_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
