"""A job started while the broker is unreachable: the request answers, the job page says it
waits for the queue, and it is sent (and run) once the broker is back.

The broker here is real and dead: a Redis URL on a port where nothing listens, so the
publish goes through kombu and fails as it would in production.
"""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from aims.core.jobs import jobs_recover
from aims.core.models import Job, JobStatus
from aims.core.permissions import Role
from tests.worker.helpers import make_member, make_org, make_system

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_keeps_a_job_that_cannot_be_sent_and_sends_it_when_the_broker_is_back(
    dead_broker, worker
):
    org = make_org("alpha")
    user = make_member(org, Role.CONTRIBUTOR)
    make_system(org, "Support bot")
    client = _client(user)

    started = time.monotonic()
    response = client.post(reverse("inventory:aisystem_export", kwargs={"org": "alpha"}))
    assert time.monotonic() - started < 5, "the request waited too long for the broker"
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED
    assert job.sent_at is None
    assert job.send_attempts == 1
    assert "6399" in job.send_error or "refused" in job.send_error.lower()
    assert job.waiting_for_queue

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Waiting for the job queue" in page.content.decode()
    api = client.get(reverse("job-detail", args=[job.pk])).json()
    assert api["waiting_for_queue"] is True and api["send_error"] == job.send_error

    # Still down: a recovery pass tries again, counts the attempt, and keeps the job.
    assert jobs_recover().resent == 0
    job.refresh_from_db()
    assert (job.status, job.send_attempts, job.sent_at) == (JobStatus.QUEUED, 2, None)

    # The broker is back: the next pass sends it and the worker runs it.
    dead_broker()
    assert jobs_recover().resent == 1
    job.refresh_from_db()
    assert job.sent_at is not None and job.send_error == "" and not job.waiting_for_queue
    job, _seen = worker.wait_for(job)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result == {"rows": 1}
    job.result_file.delete(save=False)


def test_the_retry_button_sends_a_waiting_job_once_the_broker_is_back(dead_broker, worker):
    org = make_org("alpha")
    user = make_member(org, Role.VIEWER)
    colleague = make_member(org, Role.ADMIN)
    client = _client(user)
    client.post(reverse("inventory:aisystem_export", kwargs={"org": "alpha"}))
    job = Job.objects.get()
    retry_url = reverse("core:job_retry", kwargs={"org": "alpha", "pk": job.pk})
    page = client.get(reverse("core:job_detail", kwargs={"org": "alpha", "pk": job.pk}))
    assert retry_url in page.content.decode()

    # Pressed while the broker is still down: the page says so again, nothing breaks.
    response = client.post(retry_url)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.waiting_for_queue and job.send_attempts == 2

    # Only the person who started it may send it again (the work runs as them).
    assert _client(colleague).post(retry_url).status_code == 403

    dead_broker()
    assert client.post(retry_url).status_code == 302
    job.refresh_from_db()
    assert job.sent_at is not None and not job.waiting_for_queue
    job, _seen = worker.wait_for(job)
    assert job.status == JobStatus.SUCCEEDED, job.error
    job.result_file.delete(save=False)


def test_the_next_job_sent_takes_the_waiting_ones_along(dead_broker, worker):
    org = make_org("alpha")
    user = make_member(org, Role.ADMIN)
    client = _client(user)
    export_url = reverse("inventory:aisystem_export", kwargs={"org": "alpha"})
    client.post(export_url)
    waiting = Job.objects.get()
    assert waiting.waiting_for_queue

    dead_broker()
    client.post(export_url)
    later = Job.objects.exclude(pk=waiting.pk).get()
    for job in (waiting, later):
        job.refresh_from_db()
        assert job.sent_at is not None, job.send_error
        job, _seen = worker.wait_for(job)
        assert job.status == JobStatus.SUCCEEDED, job.error
        job.result_file.delete(save=False)


def test_the_register_pdf_answers_and_waits_too(dead_broker):
    org = make_org("alpha")
    officer = make_member(org, Role.OFFICER)
    export = reverse("reports:risk_register_export", kwargs={"org": "alpha"}) + "?format=pdf"
    response = _client(officer).get(export)
    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.status) == ("risk_register_pdf", JobStatus.QUEUED)
    assert job.waiting_for_queue and job.task_name == "risks.tasks.risk_register_pdf"
