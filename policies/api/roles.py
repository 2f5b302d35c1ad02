"""API of the roles area: processes, roles, RACI cells, competence requirements, training
records and the competence gaps."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from aims.core.api import CleanInputMixin, RestrictedModelViewSet, TrackedSerializer
from aims.core.exceptions import validation_error_to_dict
from aims.core.permissions import Action, restrict
from aims.core.tenancy import Organization
from policies.filters.roles import (
    AIMSProcessFilterSet,
    AIMSRoleFilterSet,
    CompetenceRequirementFilterSet,
    RACIAssignmentFilterSet,
    TrainingRecordFilterSet,
)
from policies.models.roles import (
    AIMSProcess,
    AIMSRole,
    CompetenceRequirement,
    RACIAssignment,
    RecordType,
    TrainingRecord,
)
from policies.services.roles import competence_gaps, training_record_check_person

TIMESTAMPS = ["version", "created_at", "updated_at"]


class AIMSProcessSerializer(TrackedSerializer):
    record_types = serializers.ListField(
        child=serializers.ChoiceField(choices=RecordType.choices),
        required=False,
        help_text="Kinds of record the process produces: " + ", ".join(RecordType.values),
    )

    class Meta:
        model = AIMSProcess
        fields = [
            "id",
            "organization",
            "name",
            "purpose",
            "owner",
            "inputs",
            "outputs",
            "interacts_with",
            "record_types",
            "clauses",
            *TIMESTAMPS,
        ]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        org = attrs.get("organization") or getattr(self.instance, "organization", None)
        others = attrs.get("interacts_with") or []
        if org is not None and any(p.organization_id != org.pk for p in others):
            raise serializers.ValidationError(
                {"interacts_with": ["Choose processes of the same organisation."]}
            )
        if self.instance is not None and any(p.pk == self.instance.pk for p in others):
            raise serializers.ValidationError(
                {"interacts_with": ["A process does not interact with itself."]}
            )
        clauses = attrs.get("clauses") or []
        if any(c.kind != "clause" for c in clauses):
            raise serializers.ValidationError(
                {"clauses": ["Choose clauses of ISO/IEC 42001 (4 to 10)."]}
            )
        return attrs


class AIMSProcessViewSet(RestrictedModelViewSet):
    """The AIMS processes (4.4), their owners, interactions and the records they produce."""

    queryset = AIMSProcess.objects.select_related("organization").prefetch_related(
        "interacts_with", "clauses"
    )
    serializer_class = AIMSProcessSerializer
    filterset_class = AIMSProcessFilterSet


class AIMSRoleSerializer(TrackedSerializer):
    class Meta:
        model = AIMSRole
        fields = [
            "id",
            "organization",
            "name",
            "responsibilities",
            "authorities",
            "reports_to",
            "members",
            *TIMESTAMPS,
        ]


class AIMSRoleViewSet(RestrictedModelViewSet):
    """AIMS roles (5.3, A.3.2) with their responsibilities, authorities and people."""

    queryset = AIMSRole.objects.select_related("organization").prefetch_related("members")
    serializer_class = AIMSRoleSerializer
    filterset_class = AIMSRoleFilterSet


class RACIAssignmentSerializer(TrackedSerializer):
    class Meta:
        model = RACIAssignment
        fields = ["id", "organization", "process", "role", "responsibility", *TIMESTAMPS]


class RACIAssignmentViewSet(RestrictedModelViewSet):
    """Cells of the RACI matrix: one letter per process and role; a process has one
    accountable role (a second is refused with 400)."""

    queryset = RACIAssignment.objects.select_related("organization")
    serializer_class = RACIAssignmentSerializer
    filterset_class = RACIAssignmentFilterSet


class CompetenceRequirementSerializer(TrackedSerializer):
    class Meta:
        model = CompetenceRequirement
        fields = [
            "id",
            "organization",
            "role",
            "title",
            "rationale",
            "renewal_months",
            *TIMESTAMPS,
        ]


class GapSerializer(CleanInputMixin, serializers.Serializer):
    """One person × requirement check of the gap view (read-only)."""

    role = serializers.IntegerField(source="role_id")
    role_name = serializers.CharField(source="role")
    requirement = serializers.IntegerField(source="requirement_id")
    requirement_title = serializers.CharField(source="requirement")
    person = serializers.IntegerField(source="person_id")
    person_name = serializers.CharField(source="person")
    status = serializers.ChoiceField(choices=["met", "expired", "missing"])
    latest_completed_on = serializers.DateField(source="latest_any", allow_null=True)
    valid_until = serializers.DateField(allow_null=True)


class CompetenceRequirementViewSet(RestrictedModelViewSet):
    """What each role's holders must know or be able to do (7.2, A.4.6); ``gaps`` lists,
    for each person in a role and each requirement, whether a current record meets it."""

    queryset = CompetenceRequirement.objects.select_related("organization")
    serializer_class = CompetenceRequirementSerializer
    filterset_class = CompetenceRequirementFilterSet

    @extend_schema(
        parameters=[OpenApiParameter("organization", int, required=True)],
        responses=GapSerializer(many=True),
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def gaps(self, request):
        try:
            org_id = int(request.query_params.get("organization", ""))
        except ValueError:
            raise exceptions.ValidationError(
                {"organization": ["Give the id of the organisation."]}
            ) from None
        organization = (
            restrict(Organization.objects.all(), request.user, Action.VIEW)
            .filter(pk=org_id)
            .first()
        )
        if organization is None:
            raise exceptions.NotFound()
        gaps = competence_gaps(organization=organization, user=request.user)
        return Response(GapSerializer(gaps.cells, many=True).data)


class TrainingRecordSerializer(TrackedSerializer):
    class Meta:
        model = TrainingRecord
        fields = [
            "id",
            "organization",
            "person",
            "title",
            "kind",
            "provider",
            "completed_on",
            "expires_on",
            "evidence",
            "meets",
            "notes",
            *TIMESTAMPS,
        ]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        request = self.context.get("request")
        if request is not None:
            org = attrs.get("organization") or getattr(self.instance, "organization", None)
            person = attrs.get("person")
            if org is not None and (self.instance is None or "person" in attrs):
                try:
                    training_record_check_person(
                        actor=request.user, organization_id=org.pk, person=person
                    )
                except DjangoValidationError as exc:
                    raise serializers.ValidationError(validation_error_to_dict(exc)) from exc
        meets = attrs.get("meets")
        org = attrs.get("organization") or getattr(self.instance, "organization", None)
        if meets and org is not None and any(r.organization_id != org.pk for r in meets):
            raise serializers.ValidationError(
                {"meets": ["Choose requirements of the record's organisation."]}
            )
        return attrs


class TrainingRecordViewSet(RestrictedModelViewSet):
    """People's training, qualification and experience records (7.2). A contributor adds
    and changes their own."""

    queryset = TrainingRecord.objects.select_related("organization").prefetch_related("meets")
    serializer_class = TrainingRecordSerializer
    filterset_class = TrainingRecordFilterSet


def register(router) -> None:
    router.register("aims-processes", AIMSProcessViewSet)
    router.register("aims-roles", AIMSRoleViewSet)
    router.register("raci-assignments", RACIAssignmentViewSet)
    router.register("competence-requirements", CompetenceRequirementViewSet)
    router.register("training-records", TrainingRecordViewSet)
