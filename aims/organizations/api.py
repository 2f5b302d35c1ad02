from django.db import transaction
from rest_framework import serializers
from rest_framework.response import Response

from aims.core.api import (
    DOCUMENT_WORKFLOW_FIELDS,
    ControlledDocumentViewSet,
    RestrictedModelViewSet,
    TrackedSerializer,
)
from aims.core.permissions import Action
from aims.organizations import services
from aims.organizations.filters import (
    MembershipFilterSet,
    OrganizationFilterSet,
    ScopeStatementFilterSet,
)
from aims.organizations.models import Membership, Organization, ScopeStatement


class OrganizationSerializer(TrackedSerializer):
    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "slug",
            "legal_name",
            "sector",
            "country",
            "time_zone",
            "allow_self_approval",
            "is_active",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["slug", "is_active"]


class MembershipSerializer(TrackedSerializer):
    email = serializers.EmailField(write_only=True, required=False)
    user_email = serializers.EmailField(source="user.email", read_only=True)
    user_name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "organization",
            "user",
            "user_email",
            "user_name",
            "email",
            "role",
            "valid_from",
            "valid_until",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["user"]

    def validate(self, attrs):
        if self.instance is None:
            if not attrs.get("email"):
                raise serializers.ValidationError(
                    {"email": ["The e-mail address of the person to add is required."]}
                )
            return attrs  # the service validates the new membership as a whole
        attrs.pop("email", None)
        return super().validate(attrs)


class ScopeStatementSerializer(TrackedSerializer):
    class Meta:
        model = ScopeStatement
        fields = [
            "id",
            "organization",
            "number",
            "status",
            "author",
            "change_summary",
            "in_scope",
            "exclusions",
            "ai_roles",
            "external_internal_issues",
            "interested_parties",
            "interfaces",
            "ai_systems",
            "submitted_at",
            "approved_by",
            "approved_at",
            "approval_note",
            "superseded_at",
            "review_interval_months",
            "next_review_date",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = DOCUMENT_WORKFLOW_FIELDS


class OrganizationViewSet(RestrictedModelViewSet):
    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    http_method_names = ["get", "put", "patch", "head", "options"]


class MembershipViewSet(RestrictedModelViewSet):
    queryset = Membership.objects.select_related("user", "organization")
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet

    def create_instance(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.membership_add(
            organization=data["organization"],
            email=data["email"],
            role=data["role"],
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
            actor=self.request.user,
            request=self.request,
        )

    def perform_update(self, serializer):
        with transaction.atomic():
            locked = self._locked(serializer.instance, Action.CHANGE)
            self._check_precondition(locked)
            data = serializer.validated_data
            self._saved = services.membership_update(
                membership=locked,
                actor=self.request.user,
                role=data.get("role", locked.role),
                valid_from=data.get("valid_from", locked.valid_from),
                valid_until=data.get("valid_until", locked.valid_until),
            )
        serializer.instance = self._saved

    def destroy(self, request, *args, **kwargs):
        membership = self.get_object()
        with transaction.atomic():
            self._check_precondition(self._locked(membership, Action.DELETE))
            services.membership_remove(membership=membership, actor=request.user)
        return Response(status=204)


class ScopeStatementViewSet(ControlledDocumentViewSet):
    """Scope statement versions. Only a draft can be edited; the workflow moves by actions."""

    queryset = ScopeStatement.objects.select_related(
        "organization", "author", "approved_by"
    ).prefetch_related("ai_systems")
    serializer_class = ScopeStatementSerializer
    filterset_class = ScopeStatementFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def create_instance(self, serializer):
        data = serializer.validated_data
        draft = services.scope_start_draft(
            organization=data["organization"], actor=self.request.user
        )
        serializer.instance = draft
        serializer.save()
