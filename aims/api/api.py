from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from aims.core.api import RestrictedReadOnlyViewSet
from aims.core.filters import ChangeLogFilterSet, JobFilterSet
from aims.core.jobs import job_retry
from aims.core.models import ChangeLogEntry, Job
from aims.core.serializers import ChangeLogEntrySerializer, JobSerializer


class ChangeLogViewSet(RestrictedReadOnlyViewSet):
    """The change log, read-only, newest first."""

    queryset = ChangeLogEntry.objects.select_related("content_type")
    serializer_class = ChangeLogEntrySerializer
    filterset_class = ChangeLogFilterSet


class JobViewSet(RestrictedReadOnlyViewSet):
    queryset = Job.objects.select_related("organization")
    serializer_class = JobSerializer
    filterset_class = JobFilterSet

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Send again a job waiting for the job queue, or run again a failed one (only the
        person who started it). The answer is the job; ``waiting_for_queue`` stays true if
        the queue is still unreachable."""
        job = job_retry(job=self.get_object(), user=request.user)
        return Response(self.get_serializer(job).data)
