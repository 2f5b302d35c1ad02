from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from aims.core.api import RestrictedModelViewSet, TrackedSerializer
from aims.inventory.filters import (
    AISystemComponentFilterSet,
    AISystemDatasetFilterSet,
    AISystemFilterSet,
)
from aims.inventory.models import (
    AIStakeholderRole,
    AISystem,
    AISystemComponent,
    AISystemDataset,
)


class AISystemDatasetSerializer(TrackedSerializer):
    class Meta:
        model = AISystemDataset
        fields = [
            "id",
            "ai_system",
            "name",
            "purpose",
            "source",
            "provenance",
            "contains_personal_data",
            "special_category_data",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]


class AISystemComponentSerializer(TrackedSerializer):
    class Meta:
        model = AISystemComponent
        fields = [
            "id",
            "ai_system",
            "name",
            "kind",
            "component_version",
            "supplier",
            "is_third_party",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]


class AISystemSerializer(TrackedSerializer):
    ai_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=AIStakeholderRole.choices),
        allow_empty=False,
        help_text=_("Every role the organisation plays for this system (ISO/IEC 22989)."),
    )

    class Meta:
        model = AISystem
        fields = [
            "id",
            "organization",
            "name",
            "reference",
            "description",
            "purpose",
            "intended_use",
            "foreseeable_misuse",
            "ai_roles",
            "eu_ai_act_role",
            "lifecycle_stage",
            "status",
            "owner",
            "business_unit",
            "users_description",
            "geographies",
            "languages",
            "compute",
            "human_oversight",
            "eu_ai_act_tier",
            "eu_ai_act_classified_on",
            "review_interval_months",
            "next_review_date",
            "version",
            "created_at",
            "updated_at",
        ]


class AISystemViewSet(RestrictedModelViewSet):
    queryset = AISystem.objects.select_related("organization", "owner")
    serializer_class = AISystemSerializer
    filterset_class = AISystemFilterSet


class AISystemDatasetViewSet(RestrictedModelViewSet):
    queryset = AISystemDataset.objects.select_related("ai_system")
    serializer_class = AISystemDatasetSerializer
    filterset_class = AISystemDatasetFilterSet


class AISystemComponentViewSet(RestrictedModelViewSet):
    queryset = AISystemComponent.objects.select_related("ai_system")
    serializer_class = AISystemComponentSerializer
    filterset_class = AISystemComponentFilterSet
