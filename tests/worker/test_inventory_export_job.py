"""The inventory export runs on a real worker and its file comes back only to members."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aims.core.models import ChangeLogEntry, Job, JobStatus
from aims.core.permissions import Role
from tests.worker.helpers import make_member, make_org, make_system

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark for Excel"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_it_exports_what_the_creator_sees_and_serves_it_only_to_members(worker):
    org_a, org_b = make_org("alpha"), make_org("bravo")
    contributor = make_member(org_a, Role.CONTRIBUTOR)
    viewer = make_member(org_a, Role.VIEWER)
    outsider = make_member(org_b, Role.ADMIN)
    make_system(
        org_a,
        "Églantine scorer",
        owner=contributor,
        datasets=2,
        components=3,
        geographies="France, Belgium",
    )
    make_system(org_a, '=HYPERLINK("http://evil.example")', datasets=1)
    make_system(org_a, "Support bot")
    make_system(org_b, "Bravo secret model", owner=outsider, datasets=4)
    log_rows_before = ChangeLogEntry.objects.count()

    export_url = reverse("inventory:aisystem_export", kwargs={"org": "alpha"})
    assert _client(contributor).get(export_url).status_code == 405
    assert _client(outsider).post(export_url).status_code == 404
    assert not Job.objects.exists()

    response = _client(contributor).post(export_url)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job_detail", kwargs={"org": "alpha", "pk": job.pk})
    assert (job.kind, job.organization, job.created_by) == ("inventory_export", org_a, contributor)

    job, _seen = worker.wait_for(job)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result == {"rows": 3}
    assert job.progress == 100
    filename = f"ai-systems-alpha-{timezone.localdate().isoformat()}.csv"
    assert job.result_file.name.rsplit("/", 1)[-1] == filename
    with job.result_file.open("rb") as handle:
        content = handle.read()
    rows = {row["Name"]: row for row in _rows(content)}
    assert set(rows) == {"Églantine scorer", '\'=HYPERLINK("http://evil.example")', "Support bot"}
    first = rows["Églantine scorer"]
    assert (first["Data sets"], first["Components"]) == ("2", "3")
    assert first["Owner e-mail"] == contributor.email
    assert first["Geographies"] == "France, Belgium"
    assert rows["Support bot"]["Owner e-mail"] == ""
    # Exporting reads; it writes nothing to the change log.
    assert ChangeLogEntry.objects.count() == log_rows_before

    download_url = reverse("core:job_download", kwargs={"org": "alpha", "pk": job.pk})
    download = _client(viewer).get(download_url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert filename in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == content
    assert _client(outsider).get(download_url).status_code == 404
    other_org_url = reverse("core:job_download", kwargs={"org": "bravo", "pk": job.pk})
    assert _client(outsider).get(other_org_url).status_code == 404
    job.result_file.delete(save=False)
