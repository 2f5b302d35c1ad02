"""Evidence-pack pages: the list, a pack with its live build status, starting one, the
download and Retry. Declarations on the generic views; the work is in ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from aims.core import views as generic
from aims.core.jobs import job_retry
from aims.core.permissions import Action, can_add, restrict
from engagements.models import Engagement
from packs import services
from packs.filters import EvidencePackFilterSet
from packs.forms import EvidencePackForm
from packs.models import EvidencePack, PackKind, ScopeKind

RELATED = ("organization", "job", "created_by", "ai_system", "engagement", "base", "target")


class PackListView(generic.ObjectListView):
    model = EvidencePack
    filterset_class = EvidencePackFilterSet
    select_related = RELATED
    table_template = "packs/_pack_table.html"
    add_url_name = "packs:pack_add"
    title = gettext_lazy("Evidence packs")
    intro = gettext_lazy(
        "A pack gathers the records and evidence of a scope into one signed PDF and ZIP, to "
        "hand to an auditor. A delta pack shows what changed between two packs."
    )
    empty_text = gettext_lazy("No pack built yet.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.org_role == "auditor":
            context["empty_text"] = _("No pack has been prepared for your engagement yet.")
        elif context["add_url"]:
            context["empty_text"] = _(
                "No pack built yet. Start one for the whole AIMS, an AI system or an engagement."
            )
        return context


class PackDetailView(generic.ObjectDetailView):
    model = EvidencePack
    select_related = RELATED
    template_name = "packs/pack_detail.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["packs/_pack_status.html"]
        return [self.template_name]

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        pack = context["object"]
        finished = pack.is_ready or (pack.job is not None and pack.job.is_finished)
        if getattr(self.request, "htmx", False) and finished:
            # The poll saw the build end: reload the page once, so its heading follows.
            response["HX-Refresh"] = "true"
        return response


class PackHistoryView(generic.ObjectHistoryView):
    model = EvidencePack
    select_related = RELATED


class PackStartView(generic.ObjectEditView):
    model = EvidencePack
    form_class = EvidencePackForm
    list_url_name = "packs:pack_list"

    def new_instance(self):
        instance = super().new_instance()
        engagement = self.request.GET.get("engagement", "")
        if engagement.isdigit():
            found = (
                restrict(Engagement.objects.all(), self.request.user, Action.VIEW)
                .filter(pk=engagement, organization=self.organization)
                .first()
            )
            if found is not None:
                instance.scope_kind, instance.engagement = ScopeKind.ENGAGEMENT, found
        return instance

    def save(self, form):
        data = form.cleaned_data
        if data["kind"] == PackKind.DELTA:
            return services.delta_pack_start(
                organization=self.organization,
                user=self.request.user,
                base=data["base"],
                target=data["target"],
            )
        return services.evidence_pack_start(
            organization=self.organization,
            user=self.request.user,
            scope_kind=data["scope_kind"],
            ai_system=data.get("ai_system"),
            engagement=data.get("engagement"),
        )


class PackDownloadView(generic.ModelViewMixin, View):
    """The pack's ZIP, only through this authorised view, always as an attachment."""

    model = EvidencePack
    select_related = ("organization",)

    def get(self, request, *args, **kwargs):
        return pack_attachment(self.get_object())


def pack_attachment(pack: EvidencePack) -> FileResponse:
    """A built pack's ZIP as a download no browser renders or sniffs (404 before)."""
    if not pack.is_ready:
        raise Http404(_("This pack is not built yet."))
    try:
        handle = pack.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The stored pack is missing.")) from exc
    response = FileResponse(
        handle, as_attachment=True, filename=pack.filename, content_type="application/zip"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class PackRetryView(generic.ModelViewMixin, View):
    """POST only: send again a pack waiting for the job queue, or build again a failed one."""

    model = EvidencePack
    select_related = ("organization", "job")
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        pack = self.get_object()
        if pack.job is None or not can_add(request.user, EvidencePack, self.organization.pk):
            raise Http404
        try:
            job = job_retry(job=pack.job, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if job.waiting_for_queue:
                messages.warning(
                    request,
                    _(
                        "The job queue is still unreachable; the pack will be built when it is back."
                    ),
                )
            else:
                messages.success(request, _("The pack was sent to be built again."))
        return redirect(pack.get_absolute_url())
