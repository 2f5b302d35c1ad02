"""The generic suite for the reference catalog: readable by every signed-in user, writable by none."""

from __future__ import annotations

from django.urls import reverse

from controls.models import Framework, Requirement, RequirementMapping
from tests import factories
from tests.generic import GenericModelTests, ModelCase

NOBODY = frozenset()


def _framework(ctx):
    if "framework" not in ctx.shared:
        ctx.shared["framework"] = factories.FrameworkFactory()
    return ctx.shared["framework"]


def _requirement(ctx):
    return factories.RequirementFactory(framework=_framework(ctx))


def _mapping(ctx):
    return factories.RequirementMappingFactory(source=_requirement(ctx), target=_requirement(ctx))


def _read_only(model, make, basename, **kwargs):
    return ModelCase(
        model=model,
        make=make,
        global_read=True,
        add_roles=NOBODY,
        change_roles=NOBODY,
        delete_roles=NOBODY,
        api_basename=basename,
        api_create=False,
        api_update=False,
        api_delete=False,
        **kwargs,
    )


FRAMEWORK = _read_only(Framework, lambda ctx: factories.FrameworkFactory(), "framework")
REQUIREMENT = _read_only(
    Requirement,
    _requirement,
    "requirement",
    list_params=lambda ctx, objs: {"framework": _framework(ctx).code},
    ui_list=lambda ctx: reverse("controls:requirement_list", kwargs={"org": ctx.org.slug}),
    ui_detail=lambda ctx, obj: reverse(
        "controls:requirement_detail", kwargs={"org": ctx.org.slug, "pk": obj.pk}
    ),
    detail_shows=lambda response, obj: (
        obj.ref in response.content.decode() and obj.title in response.content.decode()
    ),
)
MAPPING = _read_only(
    RequirementMapping,
    _mapping,
    "requirementmapping",
    list_params=lambda ctx, objs: {"crosswalk": "test-crosswalk"},
)


class TestFramework(GenericModelTests):
    case = FRAMEWORK


class TestRequirement(GenericModelTests):
    case = REQUIREMENT


class TestRequirementMapping(GenericModelTests):
    case = MAPPING
