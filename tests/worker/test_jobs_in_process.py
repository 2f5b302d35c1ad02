"""Job bookkeeping and the export's rules, run in this process (no worker needed)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aims.core.jobs import run_job
from aims.core.models import Job, JobStatus
from aims.core.permissions import Role
from aims.inventory.services import inventory_export_run, inventory_export_start
from aims.organizations.models import Membership
from tests.worker.helpers import make_member, make_org, make_system

# Not transactional: ``job_enqueue`` queues its task on commit, which never comes here,
# so nothing reaches a broker and the work is run in-process with ``run_job``.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _csv_names(job: Job) -> set[str]:
    with job.result_file.open("rb") as handle:
        return {
            row["Name"] for row in csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig")))
        }


def test_it_records_the_error_when_the_work_raises():
    job = Job.objects.create(kind="test", title="Doomed")

    def work(job, context):
        context.progress(40, "Half way")
        raise RuntimeError("the source file is unreadable")

    with pytest.raises(RuntimeError):
        run_job(job.pk, work)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "RuntimeError: the source file is unreadable"
    assert job.message == "Failed"
    assert job.attempts == 1
    assert job.started_at is not None and job.finished_at >= job.started_at
    assert job.result == {}


def test_it_does_not_run_a_succeeded_job_again():
    job = Job.objects.create(kind="test", title="Once")
    calls = []
    run_job(job.pk, lambda job, context: calls.append(job.pk) or {"n": 1})
    run_job(job.pk, lambda job, context: calls.append(job.pk) or {"n": 2})
    job.refresh_from_db()
    assert calls == [job.pk]
    assert (job.status, job.result, job.attempts) == (JobStatus.SUCCEEDED, {"n": 1}, 1)


def test_it_lets_readers_and_auditors_export_and_refuses_outsiders():
    org, other = make_org("alpha"), make_org("bravo")
    # Auditors export what is shared with their engagement; the job filters rows per user.
    for role in (Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER, Role.AUDITOR):
        job = inventory_export_start(organization=org, user=make_member(org, role))
        assert (job.kind, job.status, job.organization) == (
            "inventory_export",
            JobStatus.QUEUED,
            org,
        )
    with pytest.raises(PermissionDenied):
        inventory_export_start(organization=org, user=make_member(other, Role.ADMIN))


def test_it_exports_nothing_for_a_creator_who_lost_access_before_it_ran():
    org = make_org("alpha")
    make_system(org, "Scorer")
    viewer = make_member(org, Role.VIEWER)
    job = inventory_export_start(organization=org, user=viewer)
    Membership.objects.filter(user=viewer).delete()
    run_job(job.pk, inventory_export_run)
    job.refresh_from_db()
    assert job.result == {"rows": 0}
    assert _csv_names(job) == set()


def test_it_runs_the_same_number_of_queries_for_any_number_of_systems():
    def queries_for(slug: str, systems: int) -> int:
        org = make_org(slug)
        officer = make_member(org, Role.OFFICER)
        for i in range(systems):
            make_system(org, f"System {i}", owner=officer, datasets=2, components=2)
        job = inventory_export_start(organization=org, user=officer)
        with CaptureQueriesContext(connection) as captured:
            run_job(job.pk, inventory_export_run)
        job.refresh_from_db()
        assert job.result == {"rows": systems}
        return len(captured)

    assert queries_for("small", 1) == queries_for("large", 12)
