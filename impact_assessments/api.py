from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers
from rest_framework.fields import get_error_detail

from aims.core.api import RestrictedModelViewSet, TrackedSerializer
from impact_assessments import services
from impact_assessments.filters import ClassificationFilterSet
from impact_assessments.models import AIActClassification


class ClassificationSerializer(TrackedSerializer):
    prohibited_practices = serializers.ListField(child=serializers.CharField(), required=False)
    annex_iii_areas = serializers.ListField(child=serializers.IntegerField(), required=False)
    derogation_conditions = serializers.ListField(child=serializers.CharField(), required=False)
    transparency_duties = serializers.ListField(child=serializers.CharField(), required=False)
    obligations = serializers.ListField(child=serializers.CharField(), read_only=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = AIActClassification
        fields = [
            "id",
            "organization",
            "ai_system",
            *services.ANSWER_FIELDS,
            "tier",
            "route",
            "derogation_applies",
            "fria_required",
            "obligations",
            "reasons",
            "classified_by",
            "classified_on",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["classified_by"]


class ClassificationViewSet(RestrictedModelViewSet):
    """EU AI Act classifications. Never changed or deleted: reclassify with a new POST; the
    latest one sets the AI system's tier and role."""

    http_method_names = ["get", "post", "head", "options"]
    queryset = AIActClassification.objects.select_related("organization", "ai_system")
    serializer_class = ClassificationSerializer
    filterset_class = ClassificationFilterSet

    def create_instance(self, serializer) -> None:
        data = dict(serializer.validated_data)
        try:
            serializer.instance = services.classification_record(
                ai_system=data.pop("ai_system"),
                actor=self.request.user,
                answers=data,
                classified_on=data.get("classified_on"),
                notes=data.get("notes", ""),
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(get_error_detail(exc)) from exc


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("ai-act-classifications", ClassificationViewSet)
