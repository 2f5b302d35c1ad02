from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.utils import timezone
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
from aims.organizations.filters import (
    ClimateDecisionFilterSet,
    ContextIssueFilterSet,
    InterestedPartyFilterSet,
    MembershipFilterSet,
)
from aims.organizations.forms import (
    ClimateDecisionForm,
    ContextIssueForm,
    InterestedPartyForm,
    MemberAddForm,
    MembershipForm,
    OrganizationForm,
    PartyRequirementForm,
    ScopeStatementForm,
)
from aims.organizations.models import (
    ClimateDecision,
    ContextIssue,
    InterestedParty,
    Membership,
    Organization,
    PartyRequirement,
    ScopeStatement,
)


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
    prefetch_related = ("ai_systems", "issues", "parties")
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


# --- Context of the organisation (4.1, 4.2) ---------------------------------------------


def _context_frame(view: generic.OrganizationPageView | generic.ModelViewMixin) -> dict:
    """What every context page shows above its table: the climate decision in force and
    the AI roles of the approved scope (the roles stay on the scope: see ScopeStatement)."""
    user = view.request.user
    approved, draft = services.current_scope(organization=view.organization, user=user)
    return {
        "climate": services.climate_current(organization=view.organization, user=user),
        "scope_approved": approved,
        "scope_draft": draft,
        "can_decide_climate": can_add(user, ClimateDecision, view.organization.pk),
    }


class IssueListView(generic.ObjectListView):
    model = ContextIssue
    filterset_class = ContextIssueFilterSet
    select_related = ("organization", "owner")
    template_name = "organizations/context_list.html"
    table_template = "organizations/_issue_table.html"
    add_url_name = "organizations:issue_add"
    title = gettext_lazy("Internal and external issues")
    intro = gettext_lazy(
        "What inside and outside the organisation bears on what the AIMS must achieve "
        "(clause 4.1): each issue with its effect, its owner and when to look at it again."
    )
    empty_text = gettext_lazy(
        "No issues recorded yet. Add the legal, technological, societal, economic, "
        "environmental and organisational issues that shape the AIMS."
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_context_frame(self), today=timezone.localdate(), context_tab="issues")
        return context


class IssueDetailView(generic.ObjectDetailView):
    model = ContextIssue
    select_related = ("organization", "owner")
    prefetch_related = ("scope_statements",)
    template_name = "organizations/issue_detail.html"
    list_url_name = "organizations:issue_list"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["scopes"] = restrict(
            context["object"].scope_statements.all(), self.request.user, Action.VIEW
        ).order_by("-number")
        return context


class IssueHistoryView(generic.ObjectHistoryView):
    model = ContextIssue
    list_url_name = "organizations:issue_list"
    detail_template = "organizations/_issue_layout.html"


class IssueEditView(generic.ObjectEditView):
    model = ContextIssue
    form_class = ContextIssueForm
    list_url_name = "organizations:issue_list"


class IssueDeleteView(generic.ObjectDeleteView):
    model = ContextIssue
    success_url_name = "organizations:issue_list"


class ClimateListView(generic.ObjectListView):
    model = ClimateDecision
    filterset_class = ClimateDecisionFilterSet
    select_related = ("organization", "decided_by", "supersedes")
    table_template = "organizations/_climate_table.html"
    add_url_name = "organizations:climate_add"
    title = gettext_lazy("Climate change decisions")
    intro = gettext_lazy(
        "Whether climate change is a relevant issue for the AIMS, as decided over time. The "
        "latest decision is in force; each earlier one stays with its reasoning."
    )
    empty_text = gettext_lazy(
        "No decision recorded yet. Record whether climate change is relevant, and why."
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = services.climate_current(organization=self.organization, user=self.request.user)
        context["current_pk"] = current.pk if current else None
        return context


class ClimateDetailView(generic.ObjectDetailView):
    model = ClimateDecision
    select_related = ("organization", "decided_by", "supersedes")
    template_name = "organizations/climate_detail.html"
    list_url_name = "organizations:climate_list"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        decision = context["object"]
        context["superseded_by"] = (
            restrict(ClimateDecision.objects.all(), self.request.user, Action.VIEW)
            .filter(supersedes=decision)
            .select_related("decided_by")
            .first()
        )
        context["can_decide_climate"] = can_add(
            self.request.user, ClimateDecision, self.organization.pk
        )
        return context


class ClimateHistoryView(generic.ObjectHistoryView):
    model = ClimateDecision
    list_url_name = "organizations:climate_list"
    detail_template = "organizations/_climate_layout.html"


class ClimateRecordView(generic.ObjectEditView):
    """Record a new decision, prefilled from the one in force."""

    model = ClimateDecision
    form_class = ClimateDecisionForm
    list_url_name = "organizations:climate_list"

    def new_instance(self) -> ClimateDecision:
        current = services.climate_current(organization=self.organization, user=self.request.user)
        instance = ClimateDecision(organization=self.organization, decided_by=self.request.user)
        if current is not None:
            instance.relevant, instance.reasoning = current.relevant, current.reasoning
        return instance

    def post(self, request, *args, **kwargs):
        self.setup_object()
        form = self.get_form(data=request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = self.save(form)
            except ValidationError as exc:  # refused by the service: a date, a person
                form.add_error(None, exc)
            else:
                messages.success(request, _("Decision recorded; it is now the one in force."))
                return redirect(saved.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def save(self, form: ClimateDecisionForm) -> ClimateDecision:
        data = form.cleaned_data
        return services.climate_decision_record(
            organization=self.organization,
            actor=self.request.user,
            relevant=data["relevant"],
            reasoning=data["reasoning"],
            decided_by=data["decided_by"],
            decided_on=data.get("decided_on"),
        )


class PartyListView(generic.ObjectListView):
    model = InterestedParty
    filterset_class = InterestedPartyFilterSet
    select_related = ("organization", "owner")
    template_name = "organizations/context_list.html"
    table_template = "organizations/_party_table.html"
    add_url_name = "organizations:party_add"
    title = gettext_lazy("Interested parties")
    intro = gettext_lazy(
        "Who has a stake in the AIMS and its AI systems (clause 4.2), what each of them "
        "requires, and whether the AIMS takes each requirement on."
    )
    empty_text = gettext_lazy(
        "No interested parties recorded yet. Add customers, affected people, regulators, "
        "staff, suppliers and investors, then their requirements."
    )

    def list_queryset(self):
        return self.base_queryset().annotate(
            requirement_count=Count("requirements", distinct=True),
            undecided_count=Count(
                "requirements", filter=Q(requirements__addressed=""), distinct=True
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_context_frame(self), context_tab="parties")
        return context


class PartyDetailView(generic.ObjectDetailView):
    model = InterestedParty
    select_related = ("organization", "owner")
    template_name = "organizations/party_detail.html"
    list_url_name = "organizations:party_list"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        party = context["object"]
        user = self.request.user
        requirements = list(
            restrict(PartyRequirement.objects.all(), user, Action.VIEW)
            .filter(party=party)
            .prefetch_related("controls__requirement")
        )
        context.update(
            requirements=requirements,
            can_add_requirement=can_add(
                user, PartyRequirement, party.organization_id, parent=party
            ),
            scopes=restrict(party.scope_statements.all(), user, Action.VIEW).order_by("-number"),
        )
        return context


class PartyHistoryView(generic.ObjectHistoryView):
    model = InterestedParty
    list_url_name = "organizations:party_list"
    detail_template = "organizations/_party_layout.html"


class PartyEditView(generic.ObjectEditView):
    model = InterestedParty
    form_class = InterestedPartyForm
    list_url_name = "organizations:party_list"


class PartyDeleteView(generic.ObjectDeleteView):
    model = InterestedParty
    success_url_name = "organizations:party_list"


class RequirementEditView(generic.ObjectEditView):
    model = PartyRequirement
    form_class = PartyRequirementForm
    parent_model = InterestedParty
    select_related = ("party",)
    list_url_name = "organizations:party_list"

    def model_context(self):
        # Requirements have no list of their own: the breadcrumb leads to the parties.
        return {**super().model_context(), "verbose_name_plural": _("interested parties")}


class RequirementDeleteView(generic.ObjectDeleteView):
    model = PartyRequirement
    select_related = ("party",)

    def success_url(self, obj):
        return self.org_url("organizations:party_detail", pk=obj.party_id)


class RequirementHistoryView(generic.ObjectHistoryView):
    model = PartyRequirement
    select_related = ("party",)
    list_url_name = "organizations:party_list"
    detail_template = "organizations/_requirement_layout.html"
