"""Catalog workflows."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from aims.core.jobs import JobContext, job_enqueue
from aims.core.models import Job
from controls.catalog import load_catalog


def catalog_reload_start(*, user: Any) -> Job:
    """Queue a reload of the reference catalog. Platform operators only: it affects every tenant."""
    if not (user.is_authenticated and user.is_superuser):
        raise PermissionDenied("Only a platform operator can reload the catalog.")
    from controls.tasks import catalog_reload

    return job_enqueue(
        kind="catalog_reload", title="Reload the reference catalog", task=catalog_reload, user=user
    )


def catalog_reload_run(job: Job, context: JobContext) -> dict:
    context.progress(10, "Reading catalog files")
    report = load_catalog()
    return report.as_dict()
