"""Export downloads: the Statement of Applicability (live or a version) and the risk register.

The organisation comes from the URL (``OrganizationMixin``: outsiders get a 404), every row
through ``restrict`` inside the export services. Small files are answered straight away as
attachments; the register's PDF is built by a background job whose page offers the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from aims.core.permissions import Action, restrict
from aims.core.tabular import CSV_CONTENT_TYPE, PDF_CONTENT_TYPE, XLSX_CONTENT_TYPE
from aims.core.views import OrganizationMixin
from controls import exports as soa
from controls.models import SoAVersion
from risks import exports as register

CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE, "pdf": PDF_CONTENT_TYPE}


def attachment(
    content: bytes | Iterable[bytes], *, filename: str, extension: str
) -> HttpResponse | StreamingHttpResponse:
    """A download that browsers save rather than display or sniff."""
    if isinstance(content, bytes | bytearray):
        response: HttpResponse | StreamingHttpResponse = HttpResponse(
            content, content_type=CONTENT_TYPES[extension]
        )
    else:
        response = StreamingHttpResponse(content, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def bad_format(requested: str, allowed: Iterable[str]) -> HttpResponseBadRequest:
    names = ", ".join(allowed)
    message = (
        _("Unknown export format “%(f)s”. Choose one of: %(names)s.")
        if requested
        else _("Say which format to export with ?format=…, one of: %(names)s.")
    ) % {"f": requested, "names": names}
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class _ExportView(OrganizationMixin, View):
    """Checks the requested format; each subclass answers it in ``export(fmt)``."""

    formats: tuple[str, ...] = ("pdf", "xlsx", "csv")
    http_method_names = ["get", "head"]

    def get(self, request, *args: Any, **kwargs: Any):
        fmt = request.GET.get("format", "").strip().lower()
        if fmt not in self.formats:
            return bad_format(fmt, self.formats)
        try:
            return self.export(fmt)
        except ValidationError as exc:
            detail = (
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                if hasattr(exc, "error_dict")
                else " ".join(exc.messages)
            )
            return HttpResponseBadRequest(
                _("The filters could not be applied: %(d)s") % {"d": detail},
                content_type="text/plain; charset=utf-8",
            )


class SoAExportView(_ExportView):
    """``?format=pdf|xlsx|csv``: the live SoA as the user may see it."""

    def version(self) -> SoAVersion | None:
        return None

    def export(self, fmt: str):
        service = {
            "csv": soa.soa_export_csv,
            "xlsx": soa.soa_export_xlsx,
            "pdf": soa.soa_export_pdf,
        }[fmt]
        filename, content = service(
            organization=self.organization, user=self.request.user, version=self.version()
        )
        return attachment(content, filename=filename, extension=fmt)


class SoAVersionExportView(SoAExportView):
    """One SoA version, from its frozen rows."""

    def version(self) -> SoAVersion:
        version = (
            restrict(SoAVersion.objects.all(), self.request.user, Action.VIEW)
            .filter(organization=self.organization, pk=self.kwargs["pk"])
            .select_related("approved_by", "author")
            .first()
        )
        if version is None:
            raise Http404(_("No such SoA version."))
        return version


class RiskRegisterExportView(_ExportView):
    """``?format=xlsx|csv`` download now; ``?format=pdf`` starts a job and shows its page.

    Any other query parameter is a register filter (the same as the register page's).
    """

    formats = ("xlsx", "csv", "pdf")

    def export(self, fmt: str):
        organization, user, params = self.organization, self.request.user, self.request.GET
        if not register.risk_register_export_allowed(organization=organization, user=user):
            raise PermissionDenied(_("Your role does not allow exporting the risk register."))
        if fmt == "pdf":
            job = register.risk_register_export_start(
                organization=organization, user=user, params=params
            )
            messages.success(
                self.request,
                _("The PDF is being prepared. It will be ready to download here in a moment."),
            )
            return redirect("core:job_detail", org=organization.slug, pk=job.pk)
        if fmt == "csv":
            filename, lines = register.risk_register_export_csv(
                organization=organization, user=user, params=params
            )
            return attachment(lines, filename=filename, extension="csv")
        filename, content = register.risk_register_export_xlsx(
            organization=organization, user=user, params=params
        )
        return attachment(content, filename=filename, extension="xlsx")
