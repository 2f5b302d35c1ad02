from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from aims.core import views as generic
from aims.core.forms import DecisionForm
from aims.core.history import annotate_changes
from aims.core.models import ChangeLogEntry
from aims.core.permissions import Action, can, can_add, restrict
from aims.core.recorded import annotate_recorded
from aims.organizations import services
from aims.organizations.filters import MembershipFilterSet
from aims.organizations.forms import (
    MemberAddForm,
    MembershipForm,
    OrganizationForm,
    ScopeStatementForm,
)
from aims.organizations.models import Membership, Organization, ScopeStatement


class ChooseOrganizationView(LoginRequiredMixin, TemplateView):
    template_name = "organizations/choose.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = (
            Membership.objects.filter(user=self.request.user, organization__is_active=True)
            .select_related("organization")
            .order_by("organization__name")
        )
        return context


class OrganizationSettingsView(generic.ObjectEditView):
    model = Organization
    form_class = OrganizationForm
    template_name = "organizations/settings.html"

    def get_object(self):
        return self.organization

    def setup_object(self):
        self.object = self.organization
        self.parent = None
        if not can(self.request.user, Action.CHANGE, self.object):
            raise PermissionDenied(
                _("Only an administrator can change the organisation's settings.")
            )

    def get_success_url(self, obj):
        return self.org_url("organizations:settings")


class OrganizationHistoryView(generic.ObjectHistoryView):
    """Changes to the organisation record itself (name, settings)."""

    model = Organization

    def get_object(self):
        return self.organization


class OrganizationActivityView(generic.ObjectListView):
    """The organisation's change log: everything that changed, by whom and from where."""

    model = ChangeLogEntry
    select_related = ("actor", "content_type")
    table_template = "core/_changelog_table.html"
    title = gettext_lazy("Activity")
    intro = gettext_lazy(
        "Every change to the organisation's records, newest first. Rows are hash-chained."
    )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        annotate_changes(context["page_obj"].object_list, user=self.request.user, values=False)
        return context


class MemberListView(generic.ObjectListView):
    model = Membership
    filterset_class = MembershipFilterSet
    select_related = ("user",)
    table_template = "organizations/_membership_table.html"
    add_url_name = "organizations:member_add"
    title = gettext_lazy("Members and access")
    intro = gettext_lazy(
        "Who can sign in to this organisation and what each person may do in the product. "
        "These are access roles, not AIMS roles and responsibilities (clause 5.3)."
    )


class MemberAddView(generic.OrganizationPageView):
    template_name = "organizations/member_add.html"

    def check(self):
        if not can_add(self.request.user, Membership, self.organization.pk):
            raise PermissionDenied(_("Only an administrator can add members."))

    def get(self, request, *args, **kwargs):
        self.check()
        return self.render_to_response(self.get_context_data(form=MemberAddForm()))

    def post(self, request, *args, **kwargs):
        self.check()
        form = MemberAddForm(request.POST)
        if form.is_valid():
            try:
                membership = services.membership_add(
                    organization=self.organization,
                    actor=request.user,
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("%(user)s added as %(role)s.")
                    % {"user": membership.user, "role": membership.get_role_display()},
                )
                return redirect("organizations:member_list", org=self.organization.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MemberEditView(generic.ObjectEditView):
    model = Membership
    form_class = MembershipForm
    select_related = ("user",)
    success_url_name = "organizations:member_list"

    def save(self, form):
        self.check_fresh(form)  # refuse a stale form, as every edit view does
        return services.membership_update(
            membership=self.object,
            actor=self.request.user,
            role=form.cleaned_data["role"],
            valid_from=form.cleaned_data["valid_from"],
            valid_until=form.cleaned_data["valid_until"],
        )


class MemberRemoveView(generic.ObjectDeleteView):
    model = Membership
    select_related = ("user",)
    success_url_name = "organizations:member_list"

    def post(self, request, *args, **kwargs):
        membership = self.check()
        try:
            services.membership_remove(membership=membership, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("organizations:member_list", org=self.organization.slug)
        messages.success(request, _("Removed %(user)s.") % {"user": membership.user})
        return redirect("organizations:member_list", org=self.organization.slug)


class MemberHistoryView(generic.ObjectHistoryView):
    model = Membership


# --- AIMS scope (4.3), a controlled document -------------------------------------------


class ScopeView(generic.OrganizationPageView):
    template_name = "organizations/scope.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        approved, draft = services.current_scope(
            organization=self.organization, user=self.request.user
        )
        versions = list(
            restrict(ScopeStatement.objects.all(), self.request.user, Action.VIEW)
            .filter(organization=self.organization)
            .select_related("author", "approved_by")
        )
        annotate_recorded(versions, "approved_at")  # "recorded …" beside each approval
        context.update(
            approved=approved,
            draft=draft,
            versions=versions,
            can_draft=can_add(self.request.user, ScopeStatement, self.organization.pk),
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            draft = services.scope_start_draft(organization=self.organization, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("organizations:scope", org=self.organization.slug)
        return redirect("organizations:scope_edit", org=self.organization.slug, pk=draft.pk)


class ScopeVersionView(generic.ObjectDetailView):
    model = ScopeStatement
    select_related = ("author", "approved_by")
    prefetch_related = ("ai_systems",)
    template_name = "organizations/scope_version.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = context["object"]
        user = self.request.user
        context.update(
            can_approve=can(user, Action.APPROVE, version),
            decision_form=DecisionForm(),
            self_approval_blocked=version.author_id == user.pk
            and not self.organization.allow_self_approval,
        )
        return context


class ScopeHistoryView(generic.ObjectHistoryView):
    model = ScopeStatement


class ScopeEditView(generic.ObjectEditView):
    model = ScopeStatement
    form_class = ScopeStatementForm

    def setup_object(self):
        super().setup_object()
        if self.object is not None and not self.object.is_editable:
            raise PermissionDenied(_("Only a draft can be edited; start a new version instead."))

    def get_success_url(self, obj):
        return self.org_url("organizations:scope_version", pk=obj.pk)


class ScopeActionView(generic.DocumentActionView):
    """POST-only: move a scope version through its life cycle."""

    model = ScopeStatement
    actions = generic.document_actions()
