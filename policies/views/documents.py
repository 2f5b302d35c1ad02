"""Pages for policies and procedures (5.2, A.2) and their acknowledgements (7.3)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from aims.core import views as generic
from aims.core.forms import DecisionForm
from aims.core.permissions import Action, can, can_add, restrict
from policies.filters.documents import PolicyFilterSet, representative_version
from policies.forms.documents import AudienceForm, PolicyForm
from policies.models import Policy, PolicyAcknowledgement
from policies.rendering import render_markdown
from policies.services import documents as services
from policies.starters import STARTERS

POLICY_RELATED = ("organization", "author", "approved_by", "published_by", "retired_by")


class PolicyListView(generic.ObjectListView):
    model = Policy
    filterset_class = PolicyFilterSet
    select_related = ("organization", "approved_by")
    table_template = "policies/_policy_table.html"
    template_name = "policies/policy_list.html"
    add_url_name = "policies:policy_add"
    title = _("Policies and procedures")
    intro = _(
        "The AI policy and the other policies, procedures and guidelines of the AIMS (5.2, "
        "A.2). One row per document: its approved version, or its newest while none is "
        "approved. Each is approved before it is published and acknowledged."
    )
    empty_text = _(
        "No policy yet. Start with the AI policy: adopt the starter document and make it "
        "yours, or write a new one."
    )

    def list_queryset(self):
        queryset = self.base_queryset()
        # One row per document unless every version is asked for (``current=false``).
        if self.request.GET.get("current", "") in ("", "unknown"):
            queryset = queryset.filter(pk=Subquery(representative_version()))
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(context["object_list"])
        counts = services.acknowledgement_counts([p.pk for p in rows])
        for policy in rows:
            done, asked = counts.get(policy.pk, (0, 0))
            policy.ack_done, policy.ack_asked = done, asked
            policy.ack_percent = services.percent(done, asked)
        context["object_list"] = rows
        context["can_adopt"] = can_add(self.request.user, Policy, self.organization.pk)
        return context


class PolicyEditView(generic.ObjectEditView):
    """A new document (its first draft), or a draft's content."""

    model = Policy
    form_class = PolicyForm

    def setup_object(self):
        super().setup_object()
        if self.object is not None and not self.object.is_editable:
            raise PermissionDenied(
                _("Version %(n)s is no longer a draft: start a new version to change it.")
                % {"n": self.object.number}
            )

    def new_instance(self):
        return Policy(organization=self.organization, author=self.request.user)

    def save(self, form):
        if self.object is not None:
            return super().save(form)
        data = dict(form.cleaned_data)
        data.pop("_version", None)
        return services.policy_create(
            organization=self.organization,
            user=self.request.user,
            code=data.pop("code"),
            aligned_with=data.pop("aligned_with", []),
            evidence=data.pop("evidence", []),
            **data,
        )


class _PolicyDetailMixin:
    model = Policy
    select_related = POLICY_RELATED

    def policy_context(self, version):
        user = self.request.user
        versions = list(services.versions_of(version, user))
        counts = services.acknowledgement_counts([version.pk])
        done, asked = counts.get(version.pk, (0, 0))
        return {
            "versions": versions,
            "ack_done": done,
            "ack_asked": asked,
            "ack_percent": services.percent(done, asked),
            "can_approve": can(user, Action.APPROVE, version),
        }


class PolicyDetailView(_PolicyDetailMixin, generic.ObjectDetailView):
    template_name = "policies/policy_detail.html"
    prefetch_related = ("aligned_with", "evidence")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = context["object"]
        user = self.request.user
        context.update(self.policy_context(version))
        own = (
            PolicyAcknowledgement.objects.filter(policy=version, user=user).first()
            if version.in_force
            else None
        )
        context.update(
            body_html=render_markdown(version.body),
            aligned=version.linked("aligned_with"),
            attachments=version.linked("evidence"),
            external=version.external_links(),
            decision_form=DecisionForm(),
            self_approval_blocked=version.author_id == user.pk
            and not self.organization.allow_self_approval,
            my_acknowledgement=own,
            earlier=[v for v in context["versions"] if v.number < version.number][:3],
        )
        return context


class PolicyDeleteView(generic.ObjectDeleteView):
    """Discard a draft; a version that went to review or was approved is a record and stays."""

    model = Policy
    success_url_name = "policies:policy_list"

    def check(self):
        obj = super().check()
        if not obj.is_editable:
            raise PermissionDenied(
                _("Only a draft can be deleted; an approved version is a record (retire it).")
            )
        return obj


class PolicyHistoryView(generic.ObjectHistoryView):
    model = Policy
    select_related = POLICY_RELATED


def _revise(*, version, user):
    return services.policy_revise(version=version, user=user)


def _retire(*, version, user, note=""):
    return services.policy_retire(version=version, user=user, note=note)


class PolicyActionView(generic.DocumentActionView):
    model = Policy
    noted_actions = ("approve", "return", "retire")
    actions = generic.document_actions(
        revise=(_revise, _("A new draft version was started from the approved one.")),
        retire=(_retire, _("Retired: the document is no longer in force.")),
    )

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except PermissionDenied as exc:
            # Refused with a message; nothing was saved (the unit of work rolled back).
            messages.error(request, str(exc) or gettext("You may not do that with this document."))
            return redirect(self.get_object().get_absolute_url())


class PolicyPublishView(_PolicyDetailMixin, generic.ModelViewMixin, TemplateView):
    """Publish an approved version and choose who must acknowledge it; once published, the
    same form asks more people."""

    template_name = "policies/policy_publish.html"

    def check(self):
        version = self.get_object()
        if not can(self.request.user, Action.APPROVE, version):
            raise PermissionDenied(_("Your role does not allow publishing policies."))
        return version

    def form(self, data=None):
        version = self.object
        return AudienceForm(
            data, organization=self.organization, require_someone=version.is_published
        )

    def get(self, request, *args, **kwargs):
        self.object = self.check()
        return self.render_to_response(self.context(self.form()))

    def context(self, form):
        return {
            "object": self.object,
            "form": form,
            **self.policy_context(self.object),
        }

    def post(self, request, *args, **kwargs):
        self.object = version = self.check()
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.context(form), status=400)
        roles, people = form.cleaned_data["roles"], list(form.cleaned_data["people"])
        try:
            with transaction.atomic():
                if version.is_published:
                    made = services.policy_request_acknowledgements(
                        version=version, user=request.user, roles=roles, people=people
                    )
                else:
                    version, made = services.policy_publish(
                        version=version, user=request.user, roles=roles, people=people
                    )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_to_response(self.context(form), status=400)
        messages.success(
            request,
            gettext("Published. %(n)s people were asked to acknowledge it.") % {"n": made}
            if made != 1
            else gettext("Published. 1 person was asked to acknowledge it."),
        )
        return HttpResponseRedirect(self.org_url("policies:policy_acknowledgements", pk=version.pk))


class PolicyAcknowledgementsView(_PolicyDetailMixin, generic.ObjectDetailView):
    """Who was asked to acknowledge this version, and who did."""

    template_name = "policies/policy_acknowledgements.html"
    tab = "acknowledgements"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = context["object"]
        context.update(self.policy_context(version))
        context["acknowledgements"] = list(
            restrict(PolicyAcknowledgement.objects.all(), self.request.user, Action.VIEW)
            .filter(policy=version)
            .select_related("user", "requested_by")
            .order_by("acknowledged_at", "user__full_name", "user__email")
        )
        return context


class PolicyDiffView(_PolicyDetailMixin, generic.ObjectDetailView):
    """``<pk>/diff/?with=<other pk>``: what changed between two versions, line by line."""

    template_name = "policies/policy_diff.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=400 if context.get("refusal") else 200)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = context["object"]
        context["versions"] = list(services.versions_of(version, self.request.user))
        raw = self.request.GET.get("with", "").strip()
        if not raw:
            context["refusal"] = gettext("Choose the version to compare v%(n)s with.") % {
                "n": version.number
            }
            return context
        try:
            other_pk = int(raw)
        except ValueError:
            context["refusal"] = gettext("“%(v)s” is not a version: choose one from the list.") % {
                "v": raw[:40]
            }
            return context
        other = self.base_queryset().filter(pk=other_pk).first()
        if other is None:
            raise Http404(_("No such version of this document."))
        try:
            context["diff"] = services.policy_diff(first=version, second=other)
        except ValidationError as exc:
            context["refusal"] = " ".join(exc.messages)
        return context


class StarterListView(generic.OrganizationPageView):
    """The starter documents, and "adopt" (POST), which makes a draft to edit."""

    template_name = "policies/starters.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["starters"] = STARTERS
        context["can_adopt"] = can_add(self.request.user, Policy, self.organization.pk)
        return context


class StarterAdoptView(generic.OrganizationPageView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not can_add(request.user, Policy, self.organization.pk):
            raise PermissionDenied(_("Your role does not allow writing policies."))
        try:
            with transaction.atomic():
                draft = services.policy_adopt_starter(
                    organization=self.organization, user=request.user, key=kwargs["key"]
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("policies:starters", org=self.organization.slug)
        messages.success(
            request,
            gettext("Draft %(code)s started from the starter document: make it yours.")
            % {"code": draft.code},
        )
        return redirect("policies:policy_edit", org=self.organization.slug, pk=draft.pk)


class MyAcknowledgementsView(generic.OrganizationPageView):
    """What the signed-in member has to acknowledge here, and what they already did."""

    template_name = "policies/my_acknowledgements.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mine = list(
            PolicyAcknowledgement.objects.filter(
                organization=self.organization, user=self.request.user
            )
            .select_related("policy", "policy__organization", "requested_by")
            .order_by("-created_at")
        )
        context["pending"] = [a for a in mine if a.acknowledged_at is None and a.policy.in_force]
        context["done"] = [a for a in mine if a.acknowledged_at is not None][:50]
        return context


class AcknowledgeView(generic.ModelViewMixin, TemplateView):
    model = PolicyAcknowledgement
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        acknowledgement = self.get_object()
        try:
            with transaction.atomic():
                done = services.acknowledgement_acknowledge(
                    acknowledgement=acknowledgement, user=request.user
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                gettext("Thank you: you acknowledged %(code)s %(title)s, version %(n)s.")
                % {"code": done.policy.code, "title": done.policy.title, "n": done.policy.number},
            )
        next_url = request.POST.get("next", "")
        if next_url == "policy":
            return redirect(acknowledgement.policy.get_absolute_url())
        return redirect("policies:my_acknowledgements", org=self.organization.slug)
