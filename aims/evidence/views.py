"""Evidence pages: list, detail tabs, add (with the first file), new versions, links, download."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from aims.core import views as generic
from aims.core.permissions import Action, can_add, restrict
from aims.core.recorded import annotate_recorded
from aims.evidence import services
from aims.evidence.filters import EvidenceItemFilterSet
from aims.evidence.forms import (
    EvidenceFileForm,
    EvidenceItemEditForm,
    EvidenceItemForm,
    EvidenceLinksForm,
    link_names,
)
from aims.evidence.links import registry
from aims.evidence.models import EvidenceFile, EvidenceItem


class EvidenceListView(generic.ObjectListView):
    model = EvidenceItem
    filterset_class = EvidenceItemFilterSet
    select_related = ("owner", "current_file")
    table_template = "evidence/_evidence_table.html"
    add_url_name = "evidence:evidence_add"
    title = _("Evidence")
    intro = _(
        "Files and links that show your controls, risk treatments and clauses are in place, "
        "with their fingerprints and how long they stay current."
    )
    empty_text = _(
        "No evidence yet. Start with something an auditor will ask for first, such as your "
        "approved AI policy or the latest access review."
    )


class EvidenceDetailView(generic.ObjectDetailView):
    model = EvidenceItem
    select_related = ("owner", "current_file", "current_file__uploaded_by")
    template_name = "evidence/evidence_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        obj = context["object"]
        context["can_upload"] = obj.kind == "file" and can_add(
            self.request.user, EvidenceFile, self.organization.pk, parent=obj
        )
        context["max_mb"] = settings.AIMS_EVIDENCE_MAX_MB
        return context


class EvidenceVersionsView(EvidenceDetailView):
    tab = "versions"
    template_name = "evidence/evidence_versions.html"
    prefetch_related = (
        Prefetch("files", queryset=EvidenceFile.objects.select_related("uploaded_by")),
    )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Only versions the user may download are listed (grants may be per version).
        visible = set(
            restrict(EvidenceFile.objects.all(), self.request.user, Action.VIEW)
            .filter(item=context["object"])
            .values_list("pk", flat=True)
        )
        context["versions"] = [f for f in context["object"].files.all() if f.pk in visible]
        annotate_recorded(context["versions"], "created_at")
        context["upload_form"] = EvidenceFileForm(
            organization=self.organization, user=self.request.user
        )
        return context


class EvidenceLinkedView(EvidenceDetailView):
    tab = "links"
    template_name = "evidence/evidence_linked.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        obj = context["object"]
        slug = self.organization.slug
        context["linked"] = [
            (
                spec.label,
                [
                    (record, spec.url_of(slug, record.pk))
                    for record in spec.linked_to(obj, self.request.user)
                ],
                spec.empty_text,
            )
            for spec in registry
        ]
        return context


class EvidenceHistoryView(generic.ObjectHistoryView):
    model = EvidenceItem
    select_related = ("owner", "current_file")
    detail_template = "evidence/_evidence_layout.html"


class EvidenceEditView(generic.ObjectEditView):
    """Add (a link, or a file with its first version) or edit an evidence item."""

    model = EvidenceItem
    form_class = EvidenceItemForm
    list_url_name = "evidence:evidence_list"
    template_name = "evidence/evidence_form.html"

    def came_from(self) -> dict[str, list[int]]:
        links: dict[str, list[int]] = {}
        for spec in registry:
            values = [v for v in self.request.GET.getlist(spec.param) if v.isdigit()]
            if values:
                links[spec.accessor] = [int(v) for v in values]
        return links

    def get_form(self, data=None):
        instance = self.object or self.new_instance()
        kwargs: dict[str, Any] = {
            "data": data,
            "instance": instance,
            "organization": self.organization,
            "user": self.request.user,
        }
        if self.object is not None:
            return EvidenceItemEditForm(**kwargs)
        initial: dict[str, Any] = {"owner": self.request.user.pk}
        initial.update(self.came_from())
        return EvidenceItemForm(files=self.request.FILES or None, initial=initial, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_object()
        if self.object is not None:
            return super().post(request, *args, **kwargs)
        form = self.get_form(data=request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        try:
            item = services.evidence_create(
                organization=self.organization,
                user=request.user,
                title=data["title"],
                kind=data["kind"],
                url=data.get("url", ""),
                description=data.get("description", ""),
                owner=data.get("owner"),
                valid_from=data.get("valid_from"),
                valid_until=data.get("valid_until"),
                links={name: data.get(name) for name in link_names()},
                upload=data.get("file"),
            )
        except DjangoValidationError as exc:
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        except services.DuplicateEvidence as dup:
            context = self.get_context_data(form=form)
            context["duplicate"] = dup
            # (link name, record ids) for each link the form chose records of.
            context["duplicate_links"] = [
                (name, [obj.pk for obj in data[name]]) for name in link_names() if data.get(name)
            ]
            context["duplicate_can_link"] = restrict(
                EvidenceItem.objects.filter(pk=dup.item.pk), request.user, Action.CHANGE
            ).exists()
            return self.render_to_response(context, status=409)
        messages.success(request, gettext("Saved “%(name)s”.") % {"name": item})
        return HttpResponseRedirect(item.get_absolute_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["max_mb"] = settings.AIMS_EVIDENCE_MAX_MB
        context["allowed"] = ", ".join(services.allowed_extensions())
        return context


class EvidenceDeleteView(generic.ObjectDeleteView):
    model = EvidenceItem
    success_url_name = "evidence:evidence_list"

    def post(self, request, *args, **kwargs):
        names = list(
            EvidenceFile.objects.filter(item__pk=self.kwargs["pk"]).values_list("file", flat=True)
        )
        response = super().post(request, *args, **kwargs)
        if not EvidenceItem.objects.filter(pk=self.kwargs["pk"]).exists():
            services.evidence_purge_files(names=names)
        return response


class EvidenceLinksEditView(generic.ObjectEditView):
    model = EvidenceItem
    form_class = EvidenceLinksForm
    list_url_name = "evidence:evidence_list"
    template_name = "evidence/evidence_links_form.html"

    def get_success_url(self, obj: EvidenceItem) -> str:
        return self.org_url("evidence:evidence_linked", pk=obj.pk)


class EvidenceLinkAddView(generic.ModelViewMixin, View):
    """POST: link an existing item to more records of the registered links named in the form."""

    model = EvidenceItem
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        item = self.get_object()
        ids = {
            name: [int(v) for v in request.POST.getlist(name) if v.isdigit()]
            for name in link_names()
        }
        try:
            services.evidence_link_add(item=item, user=request.user, links=ids)
        except DjangoValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(item.get_absolute_url())
        messages.success(request, gettext("Linked “%(name)s”.") % {"name": item})
        return redirect(
            reverse(
                "evidence:evidence_linked", kwargs={"org": self.organization.slug, "pk": item.pk}
            )
        )


class EvidenceUploadView(generic.ObjectEditView):
    """A new version of an item's file (the form is also on the Versions tab)."""

    model = EvidenceFile
    parent_model = EvidenceItem
    parent_kwarg = "pk"
    form_class = EvidenceFileForm
    template_name = "evidence/evidence_upload.html"

    def setup_object(self) -> None:
        self.object = None
        self.parent = self.get_parent()
        if not can_add(self.request.user, EvidenceFile, self.organization.pk, parent=self.parent):
            raise PermissionDenied(_("Your role does not allow changing this evidence."))

    def post(self, request, *args, **kwargs):
        self.setup_object()
        form = self.get_form(data=request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            version = services.evidence_upload(
                item=self.parent,
                user=request.user,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data.get("note", ""),
            )
        except DjangoValidationError as exc:
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        except services.DuplicateEvidence as dup:
            context = self.get_context_data(form=form)
            context["duplicate"] = dup
            return self.render_to_response(context, status=409)
        messages.success(
            request,
            gettext("Uploaded version %(n)s of “%(name)s”.")
            % {"n": version.number, "name": self.parent},
        )
        return HttpResponseRedirect(
            reverse(
                "evidence:evidence_versions",
                kwargs={"org": self.organization.slug, "pk": self.parent.pk},
            )
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.parent.get_absolute_url()
        context["max_mb"] = settings.AIMS_EVIDENCE_MAX_MB
        context["allowed"] = ", ".join(services.allowed_extensions())
        return context


def attachment_response(version: EvidenceFile) -> FileResponse:
    """A stored version as a download that no browser will render or sniff."""
    try:
        handle = version.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The stored file is missing.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=version.original_name,
        content_type=version.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


class EvidenceDownloadView(generic.ModelViewMixin, View):
    """A version's file, only through this authorised view, always as an attachment."""

    model = EvidenceFile

    def get(self, request, *args, **kwargs):
        return attachment_response(self.get_object())
