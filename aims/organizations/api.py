from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework import exceptions, serializers
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

from aims.core.api import (
    DOCUMENT_WORKFLOW_FIELDS,
    ControlledDocumentViewSet,
    RestrictedModelViewSet,
    TrackedSerializer,
)
from aims.core.permissions import Action, can_add
from aims.organizations import services
from aims.organizations.filters import (
    ClimateDecisionFilterSet,
    ContextIssueFilterSet,
    InterestedPartyFilterSet,
    MembershipFilterSet,
    OrganizationFilterSet,
    PartyRequirementFilterSet,
    ScopeStatementFilterSet,
)
from aims.organizations.models import (
    ClimateDecision,
    ContextIssue,
    InterestedParty,
    Membership,
    Organization,
    PartyRequirement,
    ScopeStatement,
)


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


def _same_organization(attrs, organization_id, names) -> None:
    """Links name records of the record's own organisation only (a consultant sees several)."""
    for name in names:
        if any(item.organization_id != organization_id for item in attrs.get(name) or []):
            raise serializers.ValidationError(
                {name: ["Choose records of the record's own organisation."]}
            )


class ScopeStatementSerializer(TrackedSerializer):
    def validate(self, attrs):
        organization = attrs.get("organization") or getattr(self.instance, "organization", None)
        if organization is not None:
            _same_organization(attrs, organization.pk, ("ai_systems", "issues", "parties"))
        return super().validate(attrs)

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
            "issues",
            "parties",
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
    ).prefetch_related("ai_systems", "issues", "parties")
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


# --- Context of the organisation (4.1, 4.2) ---------------------------------------------


class ContextIssueSerializer(TrackedSerializer):
    review_overdue = serializers.SerializerMethodField(
        help_text="The next review date has passed and the issue is not closed."
    )

    class Meta:
        model = ContextIssue
        fields = [
            "id",
            "organization",
            "kind",
            "category",
            "title",
            "description",
            "effect",
            "owner",
            "status",
            "identified_on",
            "next_review_date",
            "review_overdue",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_review_overdue(self, obj: ContextIssue) -> bool:
        return obj.review_overdue()


class ContextIssueViewSet(RestrictedModelViewSet):
    """Internal and external issues (4.1)."""

    queryset = ContextIssue.objects.select_related("organization", "owner")
    serializer_class = ContextIssueSerializer
    filterset_class = ContextIssueFilterSet


class ClimateDecisionSerializer(TrackedSerializer):
    current = serializers.SerializerMethodField(
        help_text="This is the decision in force (no later decision supersedes it)."
    )

    class Meta:
        model = ClimateDecision
        fields = [
            "id",
            "organization",
            "relevant",
            "reasoning",
            "decided_by",
            "decided_on",
            "supersedes",
            "current",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["supersedes"]
        extra_kwargs = {
            "decided_by": {"required": False, "help_text": "Who decided; the caller if omitted."},
            "decided_on": {"required": False, "help_text": "When; today if omitted."},
        }

    def validate(self, attrs):
        user = self.context["request"].user
        organization = attrs.get("organization")
        if organization is not None and not can_add(user, ClimateDecision, organization.pk):
            # Before defaulting the decider to the caller: a role that may not decide is
            # told so (403), not that it cannot be named as the decider.
            raise exceptions.PermissionDenied(
                "Your role does not allow recording this decision here."
            )
        attrs.setdefault("decided_by", user)
        return super().validate(attrs)

    def get_current(self, obj: ClimateDecision) -> bool:
        try:
            obj.superseded_by  # noqa: B018  (the reverse one-to-one, selected with the row)
        except ClimateDecision.DoesNotExist:
            return True
        return False


class ClimateDecisionViewSet(RestrictedModelViewSet):
    """Decisions on whether climate change is relevant (4.1). Never changed or deleted: a
    new POST supersedes the decision in force, which stays on record."""

    http_method_names = ["get", "post", "head", "options"]
    queryset = ClimateDecision.objects.select_related("organization", "superseded_by")
    serializer_class = ClimateDecisionSerializer
    filterset_class = ClimateDecisionFilterSet

    def create_instance(self, serializer) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = services.climate_decision_record(
                organization=data["organization"],
                actor=self.request.user,
                relevant=data["relevant"],
                reasoning=data["reasoning"],
                decided_by=data.get("decided_by", self.request.user),
                decided_on=data.get("decided_on"),
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(get_error_detail(exc)) from exc


class InterestedPartySerializer(TrackedSerializer):
    class Meta:
        model = InterestedParty
        fields = [
            "id",
            "organization",
            "name",
            "kind",
            "category",
            "description",
            "owner",
            "version",
            "created_at",
            "updated_at",
        ]


class InterestedPartyViewSet(RestrictedModelViewSet):
    """Interested parties (4.2); their requirements are ``party-requirements``."""

    queryset = InterestedParty.objects.select_related("organization", "owner")
    serializer_class = InterestedPartySerializer
    filterset_class = InterestedPartyFilterSet


class PartyRequirementSerializer(TrackedSerializer):
    def validate(self, attrs):
        party = attrs.get("party") or getattr(self.instance, "party", None)
        if party is not None:
            _same_organization(attrs, party.organization_id, ("controls",))
        return super().validate(attrs)

    class Meta:
        model = PartyRequirement
        fields = [
            "id",
            "party",
            "requirement",
            "source",
            "addressed",
            "how",
            "controls",
            "version",
            "created_at",
            "updated_at",
        ]


class PartyRequirementViewSet(RestrictedModelViewSet):
    """The requirements of interested parties and whether the AIMS addresses each."""

    queryset = PartyRequirement.objects.select_related("party").prefetch_related("controls")
    serializer_class = PartyRequirementSerializer
    filterset_class = PartyRequirementFilterSet


def register(router) -> None:
    """Add the context resources to the API router."""
    router.register("context-issues", ContextIssueViewSet)
    router.register("climate-decisions", ClimateDecisionViewSet)
    router.register("interested-parties", InterestedPartyViewSet)
    router.register("party-requirements", PartyRequirementViewSet)
