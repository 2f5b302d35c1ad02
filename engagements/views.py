"""UI views of the engagements app: a few declarations on the generic bases."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from aims.core import views as generic
from aims.core.permissions import Action, auditor_adds, can, can_add, role_in
from engagements import services
from engagements.filters import EngagementFilterSet, InformationRequestFilterSet
from engagements.forms import (
    EngagementForm,
    InformationReplyForm,
    InformationRequestForm,
    is_asking_auditor,
)
from engagements.models import (
    Engagement,
    InformationRequest,
    InformationRequestMessage,
    RequestStatus,
)


class EngagementListView(generic.ObjectListView):
    model = Engagement
    filterset_class = EngagementFilterSet
    select_related = ("organization",)
    prefetch_related = ("auditors",)
    table_template = "engagements/_engagement_table.html"
    add_url_name = "engagements:engagement_add"
    title = _("Auditor engagements")
    intro = _(
        "Each engagement lets its auditors read the AIMS, or the part of it chosen, during "
        "its access window. Auditors cannot change anything."
    )
    empty_text = _(
        "No engagements yet. Open one when a certification body or your internal audit team "
        "is about to start."
    )


class EngagementDetailView(generic.ObjectDetailView):
    model = Engagement
    select_related = ("organization",)
    prefetch_related = ("auditors", "ai_systems", "clauses", "controls__requirement")
    template_name = "engagements/engagement_detail.html"


class EngagementHistoryView(generic.ObjectHistoryView):
    model = Engagement
    detail_template = "engagements/_engagement_layout.html"


class EngagementEditView(generic.ObjectEditView):
    model = Engagement
    form_class = EngagementForm
    list_url_name = "engagements:engagement_list"

    def save(self, form: EngagementForm) -> Engagement:
        engagement = super().save(form)
        invited = services.engagement_invite_auditors(
            engagement=engagement,
            emails=form.cleaned_data["invite"],
            actor=self.request.user,
            request=self.request,
        )
        if invited:
            messages.info(
                self.request,
                gettext("Invited: %(people)s.") % {"people": ", ".join(u.email for u in invited)},
            )
        return engagement


class EngagementDeleteView(generic.ObjectDeleteView):
    model = Engagement
    success_url_name = "engagements:engagement_list"


# ==== Information requests =================================================================


def may_ask(user: Any, organization: Any) -> bool:
    """Whether the ask page is for ``user``: an auditor with an open engagement here, or a
    role that may record a request (``InformationRequest.access``)."""
    return is_asking_auditor(user, organization) or can_add(
        user, InformationRequest, organization.pk
    )


def form_errors_from(form: Any, exc: DjangoValidationError) -> None:
    """A service's refusal shown next to the field it names (or at the top of the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class RequestListView(generic.ObjectListView):
    model = InformationRequest
    filterset_class = InformationRequestFilterSet
    select_related = ("engagement", "asked_by")
    table_template = "engagements/_request_table.html"
    title = gettext_lazy("Information requests")
    intro = gettext_lazy(
        "What the auditors asked for, and the organisation's answers with their evidence."
    )
    empty_text = gettext_lazy(
        "No information requests yet. The auditors of an engagement ask here; you answer "
        "each with text and evidence."
    )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if may_ask(self.request.user, self.organization):
            context["add_url"] = self.org_url("information_requests:add")
        return context


class RequestDetailView(generic.ObjectDetailView):
    model = InformationRequest
    select_related = (
        "engagement",
        "asked_by",
        "closed_by",
        "clause",
        "control",
        "ai_system",
        "risk",
    )
    template_name = "engagements/request_detail.html"

    def get_object(self) -> InformationRequest:
        if not hasattr(self, "_object"):
            self._object = super().get_object()
        return self._object

    def base_queryset(self, action: Action = Action.VIEW):
        thread = InformationRequestMessage.objects.select_related("author").prefetch_related(
            "evidence__current_file"
        )
        return (
            super()
            .base_queryset(action)
            .prefetch_related(Prefetch("messages", queryset=thread, to_attr="thread"))
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        obj = context["object"]
        user = self.request.user
        officer = context["can_change"]
        may_reply = obj.status != RequestStatus.CLOSED and (
            officer or auditor_adds(user, InformationRequestMessage(request=obj))
        )
        if may_reply and "reply_form" not in context:
            context["reply_form"] = InformationReplyForm(
                organization=self.organization, user=user, officer=officer
            )
        context.update(
            may_reply=may_reply,
            officer=officer,
            can_close=officer and obj.status != RequestStatus.CLOSED,
            can_reopen=officer and obj.status == RequestStatus.CLOSED,
            is_auditor=role_in(user, self.organization.pk) == "auditor",
        )
        return context


class RequestHistoryView(generic.ObjectHistoryView):
    model = InformationRequest
    detail_template = "engagements/_request_layout.html"


class RequestAskView(generic.ModelViewMixin, generic.TemplateView):
    """An auditor asks for information; an officer may record a request made elsewhere."""

    model = InformationRequest
    template_name = "engagements/request_form.html"
    list_url_name = "information_requests:list"

    def check(self) -> None:
        if not may_ask(self.request.user, self.organization):
            raise PermissionDenied(
                _("Only the auditors of an open engagement, and officers, record requests.")
            )

    def get_form(self, data=None) -> InformationRequestForm:
        return InformationRequestForm(
            data=data,
            instance=InformationRequest(organization=self.organization),
            organization=self.organization,
            user=self.request.user,
        )

    def render_form(self, form, status: int = 200):
        context = self.get_context_data(form=form, **self.model_context())
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        self.check()
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        self.check()
        form = self.get_form(data=request.POST)
        if not form.is_valid():
            return self.render_form(form, status=400)
        data = form.cleaned_data
        try:
            created = services.request_ask(
                engagement=data["engagement"],
                user=request.user,
                title=data["title"],
                details=data.get("details", ""),
                due_on=data.get("due_on"),
                asked_by=data.get("asked_by"),
                clause=data.get("clause"),
                control=data.get("control"),
                ai_system=data.get("ai_system"),
                risk=data.get("risk"),
            )
        except DjangoValidationError as exc:
            form_errors_from(form, exc)
            return self.render_form(form, status=400)
        messages.success(request, _("Asked: %(name)s.") % {"name": created})
        return HttpResponseRedirect(created.get_absolute_url())


class RequestReplyView(RequestDetailView):
    """POST: a message in the thread; a refusal shows the page again with what was typed."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        officer = can(request.user, Action.CHANGE, obj)
        form = InformationReplyForm(
            request.POST, organization=self.organization, user=request.user, officer=officer
        )
        if form.is_valid():
            try:
                services.request_reply(
                    request=obj,
                    user=request.user,
                    body=form.cleaned_data["body"],
                    evidence=form.cleaned_data.get("evidence") or [],
                )
            except DjangoValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Your message was added to the thread."))
                return HttpResponseRedirect(obj.get_absolute_url())
        return self.render_to_response(self.get_context_data(reply_form=form), status=400)


class _RequestActionView(generic.ModelViewMixin, generic.View):
    model = InformationRequest
    http_method_names = ["post"]
    service: Any = None
    done: Any = ""

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            type(self).service(request=obj, user=request.user)
        except DjangoValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, self.done)
        return HttpResponseRedirect(obj.get_absolute_url())


class RequestCloseView(_RequestActionView):
    service = services.request_close
    done = gettext_lazy("Request closed. The thread stays readable.")


class RequestReopenView(_RequestActionView):
    service = services.request_reopen
    done = gettext_lazy("Request reopened.")
