"""Platform pages that every organisation shares: jobs and health."""

from __future__ import annotations

import os

import redis
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from aims.core import views as generic
from aims.core.filters import JobFilterSet
from aims.core.jobs import job_retry
from aims.core.models import Job
from aims.core.permissions import Action, restrict


class JobListView(generic.ObjectListView):
    model = Job
    filterset_class = JobFilterSet
    select_related = ("created_by",)
    table_template = "core/_job_table.html"
    title = gettext_lazy("Background jobs")
    intro = gettext_lazy(
        "Exports, reports and imports run in the background; their results wait here."
    )
    empty_text = gettext_lazy("No jobs yet. Exports and reports you start will appear here.")

    def base_queryset(self, action=Action.VIEW):
        # The organisation's jobs plus the user's own platform-wide ones (e.g. a catalog reload).
        qs = restrict(Job.objects.select_related("created_by"), self.request.user, action)
        return qs.filter(organization=self.organization) | qs.filter(
            organization__isnull=True, created_by=self.request.user
        )


class JobDetailView(generic.ObjectDetailView):
    model = Job
    template_name = "core/job_detail.html"

    def base_queryset(self, action=Action.VIEW):
        return JobListView.base_queryset(self, action)

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["core/_job_status.html"]
        return [self.template_name]


class JobDownloadView(generic.ModelViewMixin, View):
    """A job's result file, only through this authorised view, always as an attachment."""

    model = Job

    def base_queryset(self, action=Action.VIEW):
        return JobListView.base_queryset(self, action)

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if not job.result_file:
            raise Http404(_("This job has no result file."))
        response = FileResponse(
            job.result_file.open("rb"),
            as_attachment=True,
            filename=job.result_file.name.rsplit("/", 1)[-1],
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class JobRetryView(generic.ModelViewMixin, View):
    """POST only: send again a job that waits for the job queue, or run again a failed one."""

    model = Job
    http_method_names = ["post"]

    def base_queryset(self, action=Action.VIEW):
        return JobListView.base_queryset(self, action)

    def post(self, request, *args, **kwargs):
        job = self.get_object()
        try:
            job = job_retry(job=job, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if job.waiting_for_queue:
                messages.warning(
                    request,
                    _("The job queue is still unreachable; the job will be sent when it is back."),
                )
            else:
                messages.success(request, _("The job was sent to the job queue again."))
        return redirect("core:job_detail", org=self.organization.slug, pk=job.pk)


def healthz(request):
    """Database and broker status for load balancers and the smoke test."""
    status = {"database": "ok", "broker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure is a failed check
        status["database"] = f"error: {type(exc).__name__}"
    if settings.REDIS_URL:
        try:
            redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
            ).ping()
        except Exception as exc:
            status["broker"] = f"error: {type(exc).__name__}"
    else:
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        if not os.access(folder, os.W_OK):
            status["broker"] = "error: queue folder not writable"
    healthy = all(v == "ok" for v in status.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **status}, status=200 if healthy else 503
    )
