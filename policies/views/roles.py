"""Pages of the roles area: processes (4.4), roles and the RACI matrix (5.3), competence (7.2)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from aims.core import views as generic
from aims.core.permissions import Action, can, can_add, restrict
from policies.filters.roles import (
    AIMSProcessFilterSet,
    AIMSRoleFilterSet,
    CompetenceRequirementFilterSet,
    TrainingRecordFilterSet,
)
from policies.forms.roles import (
    AIMSProcessForm,
    AIMSRoleForm,
    CompetenceRequirementForm,
    TrainingRecordForm,
)
from policies.models.roles import (
    RACI,
    RECORD_TYPE_URLS,
    AIMSProcess,
    AIMSRole,
    CompetenceRequirement,
    RACIAssignment,
    RecordType,
    TrainingRecord,
)
from policies.services import roles as services


def record_type_links(organization, keys) -> list[tuple[str, str | None]]:
    labels = dict(RecordType.choices)
    return [
        (labels[key], generic.safe_url(RECORD_TYPE_URLS[key], org=organization.slug))
        for key in keys or []
        if key in labels
    ]


# --- Processes (4.4) ------------------------------------------------------------------------


class ProcessListView(generic.ObjectListView):
    model = AIMSProcess
    filterset_class = AIMSProcessFilterSet
    select_related = ("organization", "owner")
    table_template = "policies/roles/_process_table.html"
    add_url_name = "policies:process_add"
    title = _("AIMS processes")
    intro = _(
        "The processes the AI management system runs (4.4): what each is for, who owns it, "
        "what it takes and gives, which processes it works with and which records it leaves."
    )
    empty_text = _(
        "No processes recorded yet. Start with the ones the platform already supports: risk "
        "assessment, impact assessment, internal audit and management review."
    )

    def list_queryset(self):
        return super().list_queryset().prefetch_related("interacts_with")


class ProcessDetailView(generic.ObjectDetailView):
    model = AIMSProcess
    select_related = ("organization", "owner")
    prefetch_related = ("interacts_with", "interacting_processes", "clauses")
    template_name = "policies/roles/process_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        process = context["object"]
        user = self.request.user
        context.update(
            records=record_type_links(self.organization, process.record_types),
            raci=sorted(
                restrict(RACIAssignment.objects.all(), user, Action.VIEW)
                .filter(process=process)
                .select_related("role", "organization"),
                key=lambda cell: ("RACI".find(cell.responsibility), cell.role.name),
            ),
            can_edit_raci=services.raci_editable(user=user, organization=self.organization),
        )
        return context


class ProcessHistoryView(generic.ObjectHistoryView):
    model = AIMSProcess
    detail_template = "policies/roles/_process_layout.html"


class ProcessEditView(generic.ObjectEditView):
    model = AIMSProcess
    form_class = AIMSProcessForm
    list_url_name = "policies:process_list"


class ProcessDeleteView(generic.ObjectDeleteView):
    model = AIMSProcess
    success_url_name = "policies:process_list"


# --- Roles (5.3) ----------------------------------------------------------------------------


class RoleListView(generic.ObjectListView):
    model = AIMSRole
    filterset_class = AIMSRoleFilterSet
    select_related = ("organization", "reports_to")
    table_template = "policies/roles/_role_table.html"
    template_name = "policies/roles/role_list.html"
    add_url_name = "policies:role_add"
    title = _("AIMS roles")
    intro = _(
        "Who answers for what in the AI management system (5.3, A.3.2): each role's "
        "responsibilities and authorities, whom it reports to and the people who hold it."
    )
    empty_text = _("No roles recorded yet. Add the starter roles and adapt them, or add your own.")

    def list_queryset(self):
        return super().list_queryset().prefetch_related("members")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_adopt"] = can_add(self.request.user, AIMSRole, self.organization.pk)
        return context


class RoleStartersView(generic.OrganizationPageView):
    """POST only: add the starter roles not recorded yet."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not can_add(request.user, AIMSRole, self.organization.pk):
            raise PermissionDenied(gettext("Your role does not allow adding roles."))
        with transaction.atomic():
            added = services.role_adopt_starters(organization=self.organization, actor=request.user)
        if added:
            messages.success(
                request,
                ngettext(
                    "%(n)s starter role added; adapt it to how you work.",
                    "%(n)s starter roles added; adapt them to how you work.",
                    len(added),
                )
                % {"n": len(added)},
            )
        else:
            messages.info(request, gettext("Every starter role is already recorded."))
        return redirect("policies:role_list", org=self.organization.slug)


class RoleDetailView(generic.ObjectDetailView):
    model = AIMSRole
    select_related = ("organization", "reports_to")
    prefetch_related = ("members", "reporting_roles")
    template_name = "policies/roles/role_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role = context["object"]
        user = self.request.user
        context.update(
            requirements=list(
                restrict(CompetenceRequirement.objects.all(), user, Action.VIEW).filter(role=role)
            ),
            raci=list(
                restrict(RACIAssignment.objects.all(), user, Action.VIEW)
                .filter(role=role)
                .select_related("process", "organization")
                .order_by("process__name")
            ),
        )
        return context


class RoleHistoryView(generic.ObjectHistoryView):
    model = AIMSRole
    detail_template = "policies/roles/_role_layout.html"


class RoleEditView(generic.ObjectEditView):
    model = AIMSRole
    form_class = AIMSRoleForm
    list_url_name = "policies:role_list"


class RoleDeleteView(generic.ObjectDeleteView):
    model = AIMSRole
    success_url_name = "policies:role_list"


# --- RACI matrix ----------------------------------------------------------------------------


def _cell_name(process_id: int, role_id: int) -> str:
    return f"cell-{process_id}-{role_id}"


class RACIView(generic.OrganizationPageView):
    """The processes × roles matrix; officers change its letters in one form."""

    template_name = "policies/roles/raci.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        matrix = kwargs.get("matrix") or services.raci_matrix(
            organization=self.organization, user=self.request.user
        )
        posted = kwargs.get("posted") or {}
        rows = []
        for process, letters, accountable in matrix.rows():
            cells = []
            for role, letter in letters:
                name = _cell_name(process.pk, role.pk)
                cells.append((role, name, posted.get(name, letter)))
            rows.append((process, cells, accountable))
        context.update(
            matrix=matrix,
            rows=rows,
            letters=RACI.choices,
            can_edit=services.raci_editable(user=self.request.user, organization=self.organization),
            without_accountable=matrix.without_accountable,
            assignments=list(matrix.cells.values()),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not services.raci_editable(user=request.user, organization=self.organization):
            raise PermissionDenied(gettext("Your role does not allow changing the RACI matrix."))
        matrix = services.raci_matrix(organization=self.organization, user=request.user)
        letters = {}
        posted = {}
        for process in matrix.processes:
            for role in matrix.roles:
                name = _cell_name(process.pk, role.pk)
                if name in request.POST:
                    posted[name] = request.POST[name]
                    letters[(process.pk, role.pk)] = request.POST[name]
        try:
            with transaction.atomic():
                changed = services.raci_save(
                    organization=self.organization,
                    actor=request.user,
                    letters=letters,
                    fingerprint=request.POST.get("fingerprint", ""),
                )
        except ValidationError as exc:
            context = self.get_context_data(matrix=matrix, posted=posted)
            context["errors"] = exc.messages
            status = 409 if getattr(exc, "code", None) == "stale" else 400
            return self.render_to_response(context, status=status)
        messages.success(
            request,
            ngettext("%(n)s cell changed.", "%(n)s cells changed.", changed) % {"n": changed}
            if changed
            else gettext("Nothing changed."),
        )
        return redirect("policies:raci", org=self.organization.slug)


# --- Competence (7.2) -----------------------------------------------------------------------


class CompetenceView(generic.OrganizationPageView):
    """The gap view: for each role, its people × its requirements, with what is missing."""

    template_name = "policies/roles/competence.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        gaps = services.competence_gaps(organization=self.organization, user=user)
        roles = list(
            restrict(AIMSRole.objects.all(), user, Action.VIEW)
            .filter(organization=self.organization)
            .prefetch_related("members")
            .order_by("name")
        )
        requirements = list(
            restrict(CompetenceRequirement.objects.all(), user, Action.VIEW)
            .filter(organization=self.organization)
            .order_by("title")
        )
        by_role: dict[int, list] = {}
        for requirement in requirements:
            requirement.organization = self.organization
            by_role.setdefault(requirement.role_id, []).append(requirement)
        cells = {(c.role_id, c.requirement_id, c.person_id): c for c in gaps.cells}
        sections = []
        for role in roles:
            role.organization = self.organization
            people = [p for p in role.members.all() if p.is_active]
            reqs = by_role.get(role.pk, [])
            grid = [
                (person, [(req, cells.get((role.pk, req.pk, person.pk))) for req in reqs])
                for person in people
            ]
            role_cells = [c for c in gaps.cells if c.role_id == role.pk]
            sections.append(
                {
                    "role": role,
                    "people": people,
                    "requirements": reqs,
                    "grid": grid,
                    "missing": sum(1 for c in role_cells if c.status == "missing"),
                    "expired": sum(1 for c in role_cells if c.status == "expired"),
                }
            )
        context.update(
            tab="gaps",
            sections=sections,
            gaps=gaps,
            requirements_visible=bool(requirements),
            can_add_requirement=can_add(user, CompetenceRequirement, self.organization.pk),
            can_add_record=can_add(user, TrainingRecord, self.organization.pk),
        )
        return context


class RequirementListView(generic.ObjectListView):
    model = CompetenceRequirement
    filterset_class = CompetenceRequirementFilterSet
    select_related = ("organization", "role")
    table_template = "policies/roles/_requirement_table.html"
    template_name = "policies/roles/competence_list.html"
    add_url_name = "policies:requirement_add"
    title = _("Competence requirements")
    intro = _("What the holders of each AIMS role must know or be able to do (7.2, A.4.6).")
    empty_text = _("No requirements yet. Open a role and say what its holders need to know.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tab"] = "requirements"
        return context


class RequirementDetailView(generic.ObjectDetailView):
    model = CompetenceRequirement
    select_related = ("organization", "role")
    template_name = "policies/roles/requirement_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        requirement = context["object"]
        context["records"] = list(
            restrict(TrainingRecord.objects.all(), self.request.user, Action.VIEW)
            .filter(meets=requirement)
            .select_related("person", "organization")
            .order_by("-completed_on")
        )
        context["can_add_record"] = can_add(self.request.user, TrainingRecord, self.organization.pk)
        return context


class RequirementHistoryView(generic.ObjectHistoryView):
    model = CompetenceRequirement


class RequirementEditView(generic.ObjectEditView):
    model = CompetenceRequirement
    form_class = CompetenceRequirementForm
    list_url_name = "policies:requirement_list"


class RoleRequirementAddView(RequirementEditView):
    """A new requirement of the role in the URL (its page's "Add a requirement")."""

    parent_model = AIMSRole

    def new_instance(self):
        return CompetenceRequirement(organization=self.organization, role=self.parent)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.parent is not None:
            context["cancel_url"] = self.parent.get_absolute_url()
        return context


class RequirementDeleteView(generic.ObjectDeleteView):
    model = CompetenceRequirement
    success_url_name = "policies:requirement_list"


class TrainingListView(generic.ObjectListView):
    model = TrainingRecord
    filterset_class = TrainingRecordFilterSet
    select_related = ("organization", "person", "evidence")
    table_template = "policies/roles/_training_table.html"
    template_name = "policies/roles/competence_list.html"
    add_url_name = "policies:training_add"
    title = _("Training and qualification records")
    intro = _(
        "Each person's training, qualifications and experience, with dates, expiry and "
        "evidence. Contributors keep their own."
    )
    empty_text = _("No training records yet. Record a course, a qualification or experience.")

    def list_queryset(self):
        return super().list_queryset().prefetch_related("meets")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tab"] = "records"
        return context


class TrainingDetailView(generic.ObjectDetailView):
    model = TrainingRecord
    select_related = ("organization", "person", "evidence")
    prefetch_related = ("meets__role",)
    template_name = "policies/roles/training_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        evidence = context["object"].evidence
        # The evidence is named only to those who may open it (an auditor's scope may not).
        context["evidence_visible"] = evidence is not None and can(
            self.request.user, Action.VIEW, evidence
        )
        return context


class TrainingHistoryView(generic.ObjectHistoryView):
    model = TrainingRecord


class TrainingEditView(generic.ObjectEditView):
    model = TrainingRecord
    form_class = TrainingRecordForm
    list_url_name = "policies:training_list"


class RequirementTrainingAddView(TrainingEditView):
    """A new record that meets the requirement in the URL (from the requirement's page or a
    gap in the gap view, where ``?person=`` names who it is for)."""

    parent_model = CompetenceRequirement

    def new_instance(self):
        return TrainingRecord(organization=self.organization)

    def get_form(self, data=None):
        form = super().get_form(data=data)
        if self.parent is not None and data is None:
            form.initial.setdefault("meets", [self.parent.pk])
            person = self.request.GET.get("person", "")
            if person.isdigit() and form.fields["person"].queryset.filter(pk=int(person)).exists():
                form.initial["person"] = int(person)
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.parent is not None:
            context["cancel_url"] = self.parent.get_absolute_url()
        return context


class TrainingDeleteView(generic.ObjectDeleteView):
    model = TrainingRecord
    success_url_name = "policies:training_list"
