"""Pages of the support area: resources (7.1), planned changes (6.3), the documented
information register (7.5.3) and concerns (A.3.3), plus the public reporting pages behind
an organisation's secret link (no sign-in)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from aims.core import transactions
from aims.core import views as generic
from aims.core.http import client_ip
from aims.core.permissions import Action, can, can_add, restrict, role_in
from policies import follow_ons
from policies.filters.support import (
    AIMSResourceFilterSet,
    ConcernFilterSet,
    OutsideDocumentFilterSet,
    PlannedChangeFilterSet,
)
from policies.forms.support import (
    AIMSResourceForm,
    AnonymousConcernForm,
    ChangeDecisionForm,
    ConcernChannelForm,
    ConcernCloseForm,
    ConcernHandleForm,
    ConcernRaiseForm,
    ExternalConcernForm,
    FollowUpForm,
    OutsideDocumentForm,
    PlannedChangeForm,
    RetentionRuleForm,
)
from policies.models.support import (
    AIMSResource,
    ChangeStatus,
    Concern,
    ConcernChannel,
    OutsideDocument,
    PlannedChange,
    RetentionRule,
)
from policies.services import support as services

HANDLER_ROLES = ("admin", "officer", "auditor")

# --- Resources ---------------------------------------------------------------------------------


class ResourceListView(generic.ObjectListView):
    model = AIMSResource
    filterset_class = AIMSResourceFilterSet
    select_related = ("organization", "owner")
    table_template = "policies/_resource_table.html"
    add_url_name = "policies:resource_add"
    title = _("Resources for the AIMS")
    intro = _(
        "What the AIMS needs to be set up, run and improved (7.1): people's time, budget, "
        "tooling, compute and outside expertise, who answers for each and whether it is "
        "committed."
    )
    empty_text = _(
        "No resources recorded yet. Start with the people who run the AIMS and their time, "
        "then budget and tooling."
    )


class ResourceDetailView(generic.ObjectDetailView):
    model = AIMSResource
    select_related = ("organization", "owner")
    prefetch_related = ("ai_systems",)
    template_name = "policies/resource_detail.html"


class ResourceHistoryView(generic.ObjectHistoryView):
    model = AIMSResource
    detail_template = "policies/_resource_layout.html"


class ResourceEditView(generic.ObjectEditView):
    model = AIMSResource
    form_class = AIMSResourceForm


class ResourceDeleteView(generic.ObjectDeleteView):
    model = AIMSResource
    success_url_name = "policies:resource_list"


# --- Planned changes -----------------------------------------------------------------------------


class ChangeListView(generic.ObjectListView):
    model = PlannedChange
    filterset_class = PlannedChangeFilterSet
    select_related = ("organization", "responsible", "proposed_by", "decided_by")
    table_template = "policies/_change_table.html"
    add_url_name = "policies:change_add"
    title = _("Planned changes to the AIMS")
    intro = _(
        "Changes made to the AIMS on purpose (6.3): why, what they may disturb, what they "
        "need and who carries them out. An officer other than the proposer approves each "
        "before it is implemented."
    )
    empty_text = _(
        "No planned changes yet. Propose one when the AIMS itself is to change: a new "
        "process, a new scope, a new tool."
    )


class ChangeDetailView(generic.ObjectDetailView):
    model = PlannedChange
    select_related = ("organization", "responsible", "proposed_by", "decided_by")
    template_name = "policies/change_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        change = context["object"]
        user = self.request.user
        context.update(
            can_decide=change.status == ChangeStatus.PROPOSED and can(user, Action.APPROVE, change),
            own_proposal=change.proposed_by_id == user.pk,
            can_implement=change.status == ChangeStatus.APPROVED and context["can_change"],
            decision_form=ChangeDecisionForm(),
            can_change=context["can_change"] and change.is_editable,
        )
        return context


class ChangeHistoryView(generic.ObjectHistoryView):
    model = PlannedChange
    detail_template = "policies/_change_layout.html"


class ChangeEditView(generic.ObjectEditView):
    model = PlannedChange
    form_class = PlannedChangeForm

    def setup_object(self) -> None:
        super().setup_object()
        if self.object is not None and not self.object.is_editable:
            raise PermissionDenied(
                gettext("This change was already decided; it can no longer be edited.")
            )

    def new_instance(self) -> PlannedChange:
        instance = super().new_instance()
        instance.proposed_by = self.request.user
        return instance


class ChangeDeleteView(generic.ObjectDeleteView):
    model = PlannedChange
    success_url_name = "policies:change_list"


class ChangeActionView(generic.ModelViewMixin, View):
    """POST: approve, reject or mark implemented; a refusal is said in a message."""

    model = PlannedChange
    http_method_names = ["post"]
    actions: dict[str, tuple[Any, Any]] = {
        "approve": (services.planned_change_approve, _("The change is approved.")),
        "reject": (services.planned_change_reject, _("The change is rejected.")),
        "implement": (
            services.planned_change_implement,
            _("The change is recorded as implemented."),
        ),
    }

    def post(self, request, *args, **kwargs):
        change = self.get_object()
        action = kwargs["action"]
        if action not in self.actions:
            raise Http404
        service, done = self.actions[action]
        form = ChangeDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
            return redirect(change.get_absolute_url())
        extra: dict[str, Any] = {"note": form.cleaned_data["note"]}
        if action == "implement":
            extra["implemented_on"] = form.cleaned_data["implemented_on"]
        try:
            with transaction.atomic():
                service(change=change, actor=request.user, **extra)
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, text or gettext("Your role does not allow this."))
            return redirect(change.get_absolute_url())
        messages.success(request, done)
        return redirect(change.get_absolute_url())


# --- Documented information ----------------------------------------------------------------------


class DocumentRegisterView(generic.ObjectListView):
    """The register: the kinds of record the product keeps (listed automatically, with
    counts and retention), then the outside documents added by hand."""

    model = OutsideDocument
    filterset_class = OutsideDocumentFilterSet
    select_related = ("organization", "owner")
    template_name = "policies/document_register.html"
    table_template = "policies/_outside_document_table.html"
    add_url_name = "policies:outside_document_add"
    title = _("Documented information")
    intro = _(
        "Everything the AIMS keeps as documented information (7.5), with who owns it, how "
        "long it is kept and how it is disposed of. What the product holds is listed by "
        "itself; add the documents kept elsewhere below."
    )
    empty_text = _(
        "No outside documents yet. Add what the AIMS relies on outside the product: "
        "contracts, model cards in a repository, HR training files."
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["held"] = services.documented_information(
            organization=self.organization, user=self.request.user
        )
        context["can_set_retention"] = can_add(
            self.request.user, RetentionRule, self.organization.pk
        )
        return context


class OutsideDocumentDetailView(generic.ObjectDetailView):
    model = OutsideDocument
    select_related = ("organization", "owner")
    template_name = "policies/outside_document_detail.html"


class OutsideDocumentHistoryView(generic.ObjectHistoryView):
    model = OutsideDocument
    detail_template = "policies/_outside_document_layout.html"


class OutsideDocumentEditView(generic.ObjectEditView):
    model = OutsideDocument
    form_class = OutsideDocumentForm


class OutsideDocumentDeleteView(generic.ObjectDeleteView):
    model = OutsideDocument
    success_url_name = "policies:document_register"


class RetentionRuleHistoryView(generic.ObjectHistoryView):
    model = RetentionRule
    select_related = ("organization",)


class RetentionRuleEditView(generic.ObjectEditView):
    model = RetentionRule
    form_class = RetentionRuleForm
    success_url_name = "policies:document_register"

    def get_form(self, data=None):
        form = super().get_form(data)
        if data is None and self.object is None:
            form.initial.setdefault("record_type", self.request.GET.get("record_type", ""))
        return form


class RetentionRuleDeleteView(generic.ObjectDeleteView):
    model = RetentionRule
    success_url_name = "policies:document_register"


# --- Concerns ------------------------------------------------------------------------------------


class ConcernQueryMixin:
    """Concerns are read through ``Concern.objects.visible_to``: what the permission layer
    shows, plus the reader's own concerns. Writes still go through ``restrict`` alone."""

    include_own = True

    def base_queryset(self, action: Action = Action.VIEW):
        qs = super().base_queryset(action)
        if action is not Action.VIEW or not self.include_own:
            return qs
        return (
            Concern.objects.visible_to(self.request.user)
            .filter(organization=self.organization)
            .select_related(*self.select_related)
        )


class ConcernListView(ConcernQueryMixin, generic.ObjectListView):
    model = Concern
    filterset_class = ConcernFilterSet
    select_related = ("organization", "ai_system")
    table_template = "policies/_concern_table.html"
    template_name = "policies/concern_list.html"
    title = _("Concerns")
    intro = _(
        "Concerns about the AI systems or how the organisation handles AI (A.3.3), tracked "
        "from receipt to resolution. Who raised a concern is shown to no one but them."
    )
    empty_text = _("No concerns here.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.organization
        user = self.request.user
        context["handles"] = role_in(user, org.pk) in HANDLER_ROLES or user.is_superuser
        if role_in(user, org.pk) == "auditor":  # an auditor raises nothing: no "raised by me"
            context["filter_fields"] = [f for f in context["filter_fields"] if f.name != "mine"]
        context["channels"] = list(
            restrict(ConcernChannel.objects.all(), user, Action.VIEW)
            .filter(organization=org)
            .select_related("organization")
        )
        context["can_add_channel"] = can_add(user, ConcernChannel, org.pk)
        context["can_raise"] = services.may_raise(user, org)
        return context


class ConcernDetailView(ConcernQueryMixin, generic.ObjectDetailView):
    model = Concern
    select_related = ("organization", "ai_system", "handler")
    template_name = "policies/concern_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        concern = context["object"]
        user = self.request.user
        context.update(
            handles=role_in(user, concern.organization_id) in HANDLER_ROLES or user.is_superuser,
            raised_by_me=concern.raised_by(user),
            close_form=ConcernCloseForm(),
            shows_contact=concern.contact_shown_to(user),
            follow_ons=follow_ons.for_concern(concern, user, handles=context["can_change"]),
        )
        return context


class ConcernHistoryView(ConcernQueryMixin, generic.ObjectHistoryView):
    """The change log of a concern: for those who handle or audit it, not for a reporter
    (its rows carry the handling notes)."""

    model = Concern
    include_own = False
    detail_template = "policies/_concern_layout.html"


class ConcernRaiseView(generic.ObjectEditView):
    model = Concern
    form_class = ConcernRaiseForm

    def setup_object(self) -> None:
        if "pk" in self.kwargs:
            raise Http404
        super().setup_object()

    def save(self, form):
        data = form.cleaned_data
        concern, _code = services.concern_raise(
            organization=self.organization,
            reporter=self.request.user,
            summary=data["summary"],
            description=data["description"],
            category=data["category"],
            ai_system=data.get("ai_system"),
        )
        messages.info(
            self.request,
            gettext(
                "Your concern was received. Only you can see that you raised it; follow it "
                "here under “Raised by me”."
            ),
        )
        return concern


class ConcernHandleView(generic.ObjectEditView):
    model = Concern
    form_class = ConcernHandleForm


class ConcernActionView(generic.ModelViewMixin, View):
    model = Concern
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        concern = self.get_object()
        action = kwargs["action"]
        try:
            with transaction.atomic():
                if action == "review":
                    services.concern_review(
                        concern=concern, actor=request.user, note=request.POST.get("note", "")
                    )
                    done = gettext("The concern is under review.")
                elif action == "close":
                    form = ConcernCloseForm(request.POST)
                    if not form.is_valid():
                        raise ValidationError(
                            [str(e) for errs in form.errors.values() for e in errs]
                        )
                    services.concern_close(concern=concern, actor=request.user, **form.cleaned_data)
                    done = gettext("The concern is closed.")
                elif action == "reopen":
                    services.concern_reopen(concern=concern, actor=request.user)
                    done = gettext("The concern is open again, under review.")
                else:
                    raise Http404
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, text or gettext("Your role does not allow this."))
            return redirect(concern.get_absolute_url())
        messages.success(request, done)
        return redirect(concern.get_absolute_url())


class ChannelDetailView(generic.ObjectDetailView):
    model = ConcernChannel
    select_related = ("organization", "handler")
    template_name = "policies/channel_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["can_change"]:
            context["public_url"] = self.request.build_absolute_uri(context["object"].public_path())
        return context


class ChannelHistoryView(generic.ObjectHistoryView):
    model = ConcernChannel
    detail_template = "policies/_channel_layout.html"


class ChannelEditView(generic.ObjectEditView):
    model = ConcernChannel
    form_class = ConcernChannelForm


class ChannelDeleteView(generic.ObjectDeleteView):
    model = ConcernChannel
    success_url_name = "policies:concern_list"


class ChannelNewLinkView(generic.ModelViewMixin, View):
    model = ConcernChannel
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        channel = self.get_object()
        try:
            with transaction.atomic():
                services.concern_channel_rotate(channel=channel, actor=request.user)
        except PermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        messages.success(request, gettext("A new link was made; the old one no longer works."))
        return redirect(channel.get_absolute_url())


# --- Public pages (no sign-in) -------------------------------------------------------------------


def _channel_or_404(token: str) -> ConcernChannel:
    channel = (
        ConcernChannel.objects.filter(link_token=token, organization__is_active=True)
        .select_related("organization")
        .first()
    )
    if channel is None or not channel.anonymous_enabled:
        raise Http404(gettext("This reporting link does not work (any more)."))
    return channel


def _address_key(request) -> str:
    """The sender's address as the throttle counts it: hashed, so the cache holds no
    address of anyone who reported."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip(request)}".encode()).hexdigest()[:32]


def _too_many(request, channel, title: str):
    return render(
        request,
        "policies/public_concern_throttled.html",
        {"channel": channel, "title": title},
        status=429,
    )


def _public_form(channel: ConcernChannel, data=None) -> AnonymousConcernForm:
    """A channel for people outside the organisation also asks how they relate to it."""
    form_class = ExternalConcernForm if channel.is_external else AnonymousConcernForm
    return form_class(data)


class PublicConcernView(View):
    """The form behind the secret link: anyone raises a concern without signing in."""

    template_name = "policies/public_concern.html"

    def get(self, request, token):
        channel = _channel_or_404(token)
        return render(
            request, self.template_name, {"channel": channel, "form": _public_form(channel)}
        )

    def post(self, request, token):
        channel = _channel_or_404(token)
        form = _public_form(channel, request.POST)
        if not form.is_valid():
            return render(
                request, self.template_name, {"channel": channel, "form": form}, status=400
            )
        key = f"report:{channel.pk}:{_address_key(request)}"
        if services.attempts(key=key) >= services.REPORTS_PER_HOUR:
            return _too_many(request, channel, gettext("Too many reports from here"))
        services.count_attempt(key=key)
        _concern, code = transactions.run_atomic(
            lambda: services.concern_raise(organization=channel.organization, **form.cleaned_data)
        )
        return render(
            request,
            "policies/public_concern_sent.html",
            {"channel": channel, "code": code, "received": timezone.localdate()},
        )


class PublicFollowUpView(View):
    """An anonymous reporter enters their follow-up code to read the status and the reply."""

    template_name = "policies/public_follow_up.html"

    def get(self, request, token):
        channel = _channel_or_404(token)
        return render(request, self.template_name, {"channel": channel, "form": FollowUpForm()})

    def post(self, request, token):
        channel = _channel_or_404(token)
        form = FollowUpForm(request.POST)
        if not form.is_valid():
            return render(
                request, self.template_name, {"channel": channel, "form": form}, status=400
            )
        key = f"code:{channel.pk}:{_address_key(request)}"
        if services.attempts(key=key) >= services.FAILED_CODES_PER_HOUR:
            return _too_many(request, channel, gettext("Too many wrong codes from here"))
        concern = services.concern_follow_up(channel=channel, code=form.cleaned_data["code"])
        if concern is None:
            services.count_attempt(key=key)
            form.add_error("code", gettext("No concern has this code. Check it and type it again."))
            return render(
                request, self.template_name, {"channel": channel, "form": form}, status=400
            )
        return render(
            request, self.template_name, {"channel": channel, "form": None, "concern": concern}
        )
