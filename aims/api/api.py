from aims.core.api import RestrictedReadOnlyViewSet
from aims.core.filters import ChangeLogFilterSet, JobFilterSet
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
