"""The generic permission, change-log and query-count suite for the roles area: processes,
roles, RACI cells, competence requirements and training records."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from policies.forms.roles import (
    AIMSProcessForm,
    AIMSRoleForm,
    CompetenceRequirementForm,
    TrainingRecordForm,
)
from policies.models import (
    AIMSProcess,
    AIMSRole,
    CompetenceRequirement,
    RACIAssignment,
    TrainingRecord,
)
from tests.generic import EDIT_ROLES, READ_ROLES, GenericModelTests, ModelCase
from tests.policies.roles_helpers import (
    make_cell,
    make_process,
    make_record,
    make_requirement,
    make_role,
)


def _url(name, ctx, **kwargs):
    return reverse(f"policies:{name}", kwargs={"org": ctx.org.slug, **kwargs})


def _set_owner(obj, user):
    obj.owner = user
    obj.save()


def _set_person(obj, user):
    obj.person = user
    obj.save()


PROCESS = ModelCase(
    model=AIMSProcess,
    make=lambda ctx: make_process(ctx.org),
    add_roles=EDIT_ROLES,
    owner_of=_set_owner,
    api_basename="aimsprocess",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "name": "Internal audit",
        "purpose": "Checks that the AIMS works as described.",
        "record_types": ["evidence", "audits"],
    },
    update_payload=lambda ctx, obj: {"purpose": "Checks the AIMS against its criteria."},
    # The processes each record is linked to are left out (they are made along with it).
    list_params=lambda ctx, objs: {"organization": ctx.org.pk, "q": "Keeps something"},
    ui_list=lambda ctx: _url("process_list", ctx),
    ui_detail=lambda ctx, obj: _url("process_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("process_add", ctx),
    ui_add_data=lambda ctx: {
        "name": "Management review",
        "purpose": "Top management looks at how the AIMS performs.",
        "record_types": ["management_reviews"],
    },
    ui_edit=lambda ctx, obj: _url("process_edit", ctx, pk=obj.pk),
    ui_form=AIMSProcessForm,
    ui_changes={"purpose": "Checks the AIMS against its criteria."},
    ui_delete=lambda ctx, obj: _url("process_delete", ctx, pk=obj.pk),
)

ROLE = ModelCase(
    model=AIMSRole,
    make=lambda ctx: make_role(ctx.org),
    add_roles=EDIT_ROLES,
    api_basename="aimsrole",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "name": "Data steward",
        "responsibilities": "Looks after the data sets.",
    },
    update_payload=lambda ctx, obj: {"authorities": "May refuse a data set."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("role_list", ctx),
    ui_detail=lambda ctx, obj: _url("role_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("role_add", ctx),
    ui_add_data=lambda ctx: {"name": "AI risk owner", "responsibilities": "Owns AI risks."},
    ui_edit=lambda ctx, obj: _url("role_edit", ctx, pk=obj.pk),
    ui_form=AIMSRoleForm,
    ui_changes={"authorities": "May refuse a data set."},
    ui_delete=lambda ctx, obj: _url("role_delete", ctx, pk=obj.pk),
)

RACI_CELL = ModelCase(
    model=RACIAssignment,
    make=lambda ctx: make_cell(ctx.org),
    add_roles=EDIT_ROLES,
    # The process and role a cell names are out of an auditor's reach without an engagement.
    create_target_visible=READ_ROLES,
    api_basename="raciassignment",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "process": make_process(ctx.org).pk,
        "role": make_role(ctx.org).pk,
        "responsibility": "A",
    },
    update_payload=lambda ctx, obj: {"responsibility": "C"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("raci", ctx),
    list_ids=lambda response: [a.pk for a in response.context["assignments"]],
)

REQUIREMENT = ModelCase(
    model=CompetenceRequirement,
    make=lambda ctx: make_requirement(ctx.org),
    add_roles=EDIT_ROLES,
    create_target_visible=READ_ROLES,  # the role it names, as for a RACI cell
    api_basename="competencerequirement",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "role": make_role(ctx.org).pk,
        "title": "Knows the risk criteria",
        "renewal_months": 12,
    },
    update_payload=lambda ctx, obj: {"renewal_months": 24},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("requirement_list", ctx),
    ui_detail=lambda ctx, obj: _url("requirement_detail", ctx, pk=obj.pk),
    # Added from its role's page: the role is in the URL.
    ui_add=lambda ctx: (lambda role: _url("role_requirement_add", ctx, parent_pk=role.pk))(
        make_role(ctx.org)
    ),
    ui_add_data=lambda ctx: {"role": make_role(ctx.org).pk, "title": "Knows the AI policy"},
    ui_edit=lambda ctx, obj: _url("requirement_edit", ctx, pk=obj.pk),
    ui_form=CompetenceRequirementForm,
    ui_changes={"renewal_months": 24},
    ui_delete=lambda ctx, obj: _url("requirement_delete", ctx, pk=obj.pk),
)

TRAINING = ModelCase(
    model=TrainingRecord,
    make=lambda ctx: make_record(ctx.org, ctx.users.officer),
    owner_of=_set_person,
    create_target_visible=READ_ROLES,  # an auditor cannot look people up
    api_basename="trainingrecord",
    # A contributor records their own training: the payload names the contributor.
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "person": ctx.users.contributor.pk,
        "title": "ISO/IEC 42001 foundation course",
        "kind": "training",
        "completed_on": timezone.localdate().isoformat(),
    },
    update_payload=lambda ctx, obj: {"provider": "Northwind Academy"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("training_list", ctx),
    ui_detail=lambda ctx, obj: _url("training_detail", ctx, pk=obj.pk),
    # Added for a requirement (its page, or a gap in the gap view).
    ui_add=lambda ctx: _url(
        "requirement_training_add", ctx, parent_pk=make_requirement(ctx.org).pk
    ),
    ui_add_data=lambda ctx: {
        "person": ctx.users.contributor.pk,
        "title": "Data protection basics",
        "kind": "training",
        "completed_on": timezone.localdate().isoformat(),
    },
    ui_edit=lambda ctx, obj: _url("training_edit", ctx, pk=obj.pk),
    ui_form=TrainingRecordForm,
    ui_changes={"provider": "Northwind Academy"},
    ui_delete=lambda ctx, obj: _url("training_delete", ctx, pk=obj.pk),
)


class TestAIMSProcess(GenericModelTests):
    case = PROCESS


class TestAIMSRole(GenericModelTests):
    case = ROLE


class TestRACIAssignment(GenericModelTests):
    case = RACI_CELL


class TestCompetenceRequirement(GenericModelTests):
    case = REQUIREMENT


class TestTrainingRecord(GenericModelTests):
    case = TRAINING
