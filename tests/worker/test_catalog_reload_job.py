"""A catalog reload queued by a platform operator runs on a real Celery worker."""

from __future__ import annotations

import pytest

from aims.core.models import ChangeLogEntry, ChangeSource, JobStatus
from aims.organizations.models import User
from controls.models import Framework, Requirement, RequirementMapping
from controls.services import catalog_reload_start

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _in_order(seen: list[str]) -> bool:
    order = [JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED]
    positions = [order.index(status) for status in seen]
    return positions == sorted(positions)


def test_it_runs_the_reload_to_success_and_again_idempotently(worker):
    # The catalog may be empty (after another test's flush) or loaded; both must end the same.
    operator = User.objects.create_superuser(email="operator@worker.example", password=None)
    job = catalog_reload_start(user=operator)
    assert job.status == JobStatus.QUEUED
    assert job.started_at is None

    job, seen = worker.wait_for(job)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert _in_order(seen), seen
    assert (job.progress, job.attempts, job.error, job.message) == (100, 1, "", "Done")
    assert job.created_at <= job.started_at <= job.finished_at
    result = job.result
    assert result["frameworks"] == Framework.objects.count() == 3
    assert result["requirements"] == Requirement.objects.filter(withdrawn=False).count() > 0
    assert result["mappings"] == RequirementMapping.objects.filter(withdrawn=False).count() > 0
    total = result["frameworks"] + result["requirements"] + result["mappings"]
    assert result["created"] + result["updated"] + result["unchanged"] == total
    # The worker's writes are attributed to the operator, as a task, under the job's id.
    logged = ChangeLogEntry.objects.filter(request_id=f"job-{job.pk}")
    assert logged.count() == result["created"] + result["updated"] + result["withdrawn"]
    assert set(logged.values_list("source", "actor_id").distinct()) <= {
        (ChangeSource.TASK, operator.pk)
    }

    log_rows_before = ChangeLogEntry.objects.count()
    again, seen = worker.wait_for(catalog_reload_start(user=operator))
    assert again.status == JobStatus.SUCCEEDED, again.error
    assert _in_order(seen), seen
    assert again.pk != job.pk and again.attempts == 1
    assert (again.result["created"], again.result["updated"], again.result["withdrawn"]) == (
        0,
        0,
        0,
    )
    assert again.result["unchanged"] == total
    assert ChangeLogEntry.objects.count() == log_rows_before
