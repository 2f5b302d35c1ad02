"""The generic permission, change-log and query-count suite for the AI system inventory."""

from __future__ import annotations

from django.urls import reverse

from aims.inventory.forms import AISystemComponentForm, AISystemDatasetForm, AISystemForm
from aims.inventory.models import AISystem, AISystemComponent, AISystemDataset
from tests import factories
from tests.generic import EDIT_ROLES, READ_ROLES, GenericModelTests, ModelCase


def _url(name, ctx, **kwargs):
    return reverse(name, kwargs={"org": ctx.org.slug, **kwargs})


def _own_system(system, user):
    system.owner = user
    system.save()


def _new_system(ctx):
    return factories.AISystemFactory(organization=ctx.org)


AISYSTEM = ModelCase(
    model=AISystem,
    make=lambda ctx: factories.AISystemFactory(organization=ctx.org),
    owner_of=_own_system,
    api_basename="aisystem",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "name": "Claims triage",
        "description": "Sorts insurance claims.",
        "purpose": "Faster claim handling.",
        "intended_use": "Handlers review every suggestion.",
        "ai_roles": ["provider", "developer"],
        "eu_ai_act_role": "provider",
        "lifecycle_stage": "deployment",
    },
    update_payload=lambda ctx, obj: {"name": "Renamed system", "lifecycle_stage": "re_evaluation"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("inventory:aisystem_list", ctx),
    ui_detail=lambda ctx, obj: _url("inventory:aisystem_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("inventory:aisystem_add", ctx),
    ui_add_data=lambda ctx: {
        "name": "Claims triage",
        "description": "Sorts insurance claims.",
        "purpose": "Faster claim handling.",
        "intended_use": "Handlers review every suggestion.",
        "ai_roles": ["provider", "developer"],
        "eu_ai_act_role": "provider",
        "lifecycle_stage": "deployment",
        "status": "active",
        "eu_ai_act_tier": "unclassified",
        "review_interval_months": 12,
    },
    ui_edit=lambda ctx, obj: _url("inventory:aisystem_edit", ctx, pk=obj.pk),
    ui_form=AISystemForm,
    ui_changes={"name": "Renamed system"},
    ui_delete=lambda ctx, obj: _url("inventory:aisystem_delete", ctx, pk=obj.pk),
)


def _part_case(model, factory, basename, form, part, payload):
    """Data sets and components: parts of an AI system; changing them needs the system."""
    return ModelCase(
        model=model,
        make=lambda ctx: factory(ai_system__organization=ctx.org),
        # Adding a part needs the right to change its system (contributors: their own).
        add_roles=EDIT_ROLES,
        create_target_visible=READ_ROLES,
        owner_of=lambda obj, user: _own_system(obj.ai_system, user),
        api_basename=basename,
        create_payload=lambda ctx: {"ai_system": _new_system(ctx).pk, **payload},
        owner_of_create=lambda ctx, data, user: _own_system(
            AISystem.objects.get(pk=data["ai_system"]), user
        ),
        update_payload=lambda ctx, obj: {"name": "Renamed part"},
        list_params=lambda ctx, objs: {},
        ui_detail=lambda ctx, obj: _url(f"inventory:{part}_history", ctx, pk=obj.pk),
        ui_add=lambda ctx: _url(f"inventory:{part}_add", ctx, parent_pk=_new_system(ctx).pk),
        ui_add_data=lambda ctx: dict(payload),
        ui_edit=lambda ctx, obj: _url(f"inventory:{part}_edit", ctx, pk=obj.pk),
        ui_form=form,
        ui_changes={"name": "Renamed part"},
        ui_delete=lambda ctx, obj: _url(f"inventory:{part}_delete", ctx, pk=obj.pk),
    )


DATASET = _part_case(
    AISystemDataset,
    factories.AISystemDatasetFactory,
    "aisystemdataset",
    AISystemDatasetForm,
    "dataset",
    {"name": "Claims 2020-2024", "purpose": "training", "source": "Claims warehouse"},
)
COMPONENT = _part_case(
    AISystemComponent,
    factories.AISystemComponentFactory,
    "aisystemcomponent",
    AISystemComponentForm,
    "component",
    {"name": "Gradient-boosted ranker", "kind": "model", "component_version": "2.1"},
)


class TestAISystem(GenericModelTests):
    case = AISYSTEM


class TestAISystemDataset(GenericModelTests):
    case = DATASET


class TestAISystemComponent(GenericModelTests):
    case = COMPONENT
