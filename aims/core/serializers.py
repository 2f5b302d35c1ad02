from django.urls import reverse
from rest_framework import serializers

from aims.core.api import CleanInputMixin
from aims.core.models import ChangeLogEntry, Job


class ChangeLogEntrySerializer(CleanInputMixin, serializers.ModelSerializer):
    model = serializers.SerializerMethodField()

    class Meta:
        model = ChangeLogEntry
        fields = [
            "id",
            "seq",
            "timestamp",
            "actor",
            "actor_label",
            "organization",
            "source",
            "model",
            "object_id",
            "object_repr",
            "action",
            "before",
            "after",
            "request_id",
            "prev_hash",
            "hash",
            "key_id",
        ]

    def get_model(self, obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class JobSerializer(CleanInputMixin, serializers.ModelSerializer):
    result_url = serializers.SerializerMethodField()
    waiting_for_queue = serializers.BooleanField(
        read_only=True,
        help_text="Queued, but the job queue could not be reached; it is sent when it is back.",
    )

    class Meta:
        model = Job
        fields = [
            "id",
            "organization",
            "kind",
            "title",
            "status",
            "progress",
            "message",
            "params",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "attempts",
            "result",
            "result_url",
            "error",
            "waiting_for_queue",
            "sent_at",
            "send_attempts",
            "send_error",
            "heartbeat_at",
        ]

    def get_result_url(self, obj) -> str | None:
        if not obj.result_file or obj.organization_id is None:
            return None
        return reverse("core:job_download", kwargs={"org": obj.organization.slug, "pk": obj.pk})
