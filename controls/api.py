from rest_framework import serializers

from aims.core.api import RestrictedReadOnlyViewSet
from controls.filters import RequirementFilterSet, RequirementMappingFilterSet
from controls.models import Framework, Requirement, RequirementMapping


class FrameworkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Framework
        fields = ["id", "code", "name", "edition", "title", "notice"]


class RequirementSerializer(serializers.ModelSerializer):
    framework = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="ref", read_only=True)

    class Meta:
        model = Requirement
        fields = [
            "id",
            "framework",
            "ref",
            "title",
            "kind",
            "parent",
            "description",
            "assessable",
            "documented_information",
            "documented_information_note",
            "withdrawn",
        ]


class RequirementMappingSerializer(serializers.ModelSerializer):
    source_ref = serializers.CharField(source="source.ref", read_only=True)
    target_ref = serializers.CharField(source="target.ref", read_only=True)

    class Meta:
        model = RequirementMapping
        fields = [
            "id",
            "crosswalk",
            "source",
            "source_ref",
            "target",
            "target_ref",
            "relationship",
            "note",
            "withdrawn",
        ]


class FrameworkViewSet(RestrictedReadOnlyViewSet):
    queryset = Framework.objects.all()
    serializer_class = FrameworkSerializer
    filterset_fields = ["code"]


class RequirementViewSet(RestrictedReadOnlyViewSet):
    queryset = Requirement.objects.select_related("framework", "parent")
    serializer_class = RequirementSerializer
    filterset_class = RequirementFilterSet


class RequirementMappingViewSet(RestrictedReadOnlyViewSet):
    queryset = RequirementMapping.objects.select_related("source", "target")
    serializer_class = RequirementMappingSerializer
    filterset_class = RequirementMappingFilterSet


def register(router) -> None:
    """Add the SoA, clause-readiness and SoA-version viewsets to the API router."""
