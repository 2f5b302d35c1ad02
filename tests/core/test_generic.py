"""The generic suite for the change log and background jobs: read-only, organisation-scoped."""

from __future__ import annotations

from django.urls import reverse

from aims.core.changelog import append, change_context
from aims.core.models import ChangeLogEntry, ChangeSource, Job
from tests import factories
from tests.generic import GenericModelTests, ModelCase

NOBODY = frozenset()


def _entry(ctx):
    with change_context(source=ChangeSource.SYSTEM):
        return append(
            instance=ctx.org, action="update", before={"name": "Old"}, after={"name": "New"}
        )


def _read_only(model, make, basename, **kwargs):
    return ModelCase(
        model=model,
        make=make,
        add_roles=NOBODY,
        change_roles=NOBODY,
        delete_roles=NOBODY,
        api_basename=basename,
        api_create=False,
        api_update=False,
        api_delete=False,
        **kwargs,
    )


CHANGELOG = _read_only(
    ChangeLogEntry,
    _entry,
    "changelogentry",
    list_params=lambda ctx, objs: {"organization": ctx.org.pk, "model": "organization"},
    ui_list=lambda ctx: reverse("organizations:activity", kwargs={"org": ctx.org.slug}),
)
JOB = _read_only(
    Job,
    lambda ctx: factories.JobFactory(organization=ctx.org),
    "job",
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: reverse("core:job_list", kwargs={"org": ctx.org.slug}),
    ui_detail=lambda ctx, obj: reverse(
        "core:job_detail", kwargs={"org": ctx.org.slug, "pk": obj.pk}
    ),
)


class TestChangeLogEntry(GenericModelTests):
    case = CHANGELOG


class TestJob(GenericModelTests):
    case = JOB
