from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

from aims.core.api import (
    DOCUMENT_WORKFLOW_FIELDS,
    CleanInputMixin,
    ControlledDocumentViewSet,
    RestrictedModelViewSet,
    TrackedSerializer,
)
from audits import api_reviews, services
from audits.filters import (
    AuditChecklistLineFilterSet,
    AuditFilterSet,
    AuditProgrammeFilterSet,
    AuditReportFilterSet,
    CorrectiveActionFilterSet,
    IncidentCommunicationFilterSet,
    IncidentFilterSet,
    NonconformityFilterSet,
    OpportunityFilterSet,
)
from audits.forms import audit_clause_choices, audit_control_choices
from audits.models import (
    HELD_STATUSES,
    SCOPE_FIELDS,
    Audit,
    AuditChecklistLine,
    AuditProgramme,
    AuditReport,
    AuditStatus,
    CorrectiveAction,
    Effectiveness,
    Incident,
    IncidentCommunication,
    Nonconformity,
    Opportunity,
    checklist_prefetch,
    independence_conflicts,
)


class IncidentSerializer(TrackedSerializer):
    reference = serializers.CharField(read_only=True)
    report_due = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When the EU AI Act report is due (null when the duty does not apply).",
    )
    report_state = serializers.SerializerMethodField(
        help_text='"", "due", "overdue", "reported" or "reported_late".'
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "organization",
            "reference",
            "title",
            "description",
            "severity",
            "status",
            "owner",
            "occurred_at",
            "detected_at",
            "reported_through",
            "ai_systems",
            "affected_people",
            "affected_count",
            "risks",
            "containment",
            "resolution",
            "serious_incident",
            "aware_at",
            "reported_at",
            "report_reference",
            "report_due",
            "report_state",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_report_state(self, obj: Incident) -> str:
        return obj.report_state()


class IncidentViewSet(RestrictedModelViewSet):
    """AI incidents (A.8.4): severity, the AI systems and people affected, containment,
    links to risks, and the EU AI Act reporting deadline of a serious incident."""

    queryset = Incident.objects.select_related("organization", "owner").prefetch_related(
        "ai_systems", "risks"
    )
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet


class IncidentCommunicationSerializer(TrackedSerializer):
    class Meta:
        model = IncidentCommunication
        fields = [
            "id",
            "incident",
            "audience",
            "channel",
            "message",
            "status",
            "due_on",
            "sent_at",
            "sent_by",
            "version",
            "created_at",
            "updated_at",
        ]


class IncidentCommunicationViewSet(RestrictedModelViewSet):
    """Who is told what about an incident: planned, then logged when done."""

    queryset = IncidentCommunication.objects.select_related("incident", "sent_by")
    serializer_class = IncidentCommunicationSerializer
    filterset_class = IncidentCommunicationFilterSet


class NonconformitySerializer(TrackedSerializer):
    reference = serializers.CharField(read_only=True)
    # Empty until the effectiveness check is recorded.
    effectiveness = serializers.ChoiceField(
        choices=Effectiveness.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Nonconformity
        fields = [
            "id",
            "organization",
            "reference",
            "title",
            "description",
            "requirement",
            "severity",
            "source",
            "incident",
            "found_on",
            "ai_systems",
            "owner",
            "correction",
            "root_cause",
            "status",
            "effectiveness",
            "verified_by",
            "verified_on",
            "verification_notes",
            "closed_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "effectiveness",
            "verified_by",
            "verified_on",
            "verification_notes",
            "closed_on",
        ]


class VerifySerializer(CleanInputMixin, serializers.Serializer):
    effective = serializers.BooleanField()
    notes = serializers.CharField(max_length=4000)


class ReopenSerializer(CleanInputMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


def _decide(viewset, request, serializer_class, call):
    """Run a workflow step on the record the URL names, with the body ``serializer_class``
    validates; a refused step answers 400 (or 403) with its message."""
    record = viewset.get_object()
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    try:
        result = call(record, payload.validated_data)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(get_error_detail(exc)) from exc
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    return Response(viewset.get_serializer(result).data)


class NonconformityViewSet(RestrictedModelViewSet):
    """Nonconformities (10.2). The status follows the corrective actions; ``verify`` records
    the effectiveness check (effective closes it), ``reopen`` brings a closed one back."""

    queryset = Nonconformity.objects.select_related(
        "organization", "owner", "requirement", "verified_by"
    ).prefetch_related("ai_systems")
    serializer_class = NonconformitySerializer
    filterset_class = NonconformityFilterSet

    @extend_schema(request=VerifySerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return _decide(
            self,
            request,
            VerifySerializer,
            lambda nc, data: services.nonconformity_verify(
                nonconformity=nc,
                user=request.user,
                effective=data["effective"],
                notes=data["notes"],
            ),
        )

    @extend_schema(request=ReopenSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return _decide(
            self,
            request,
            ReopenSerializer,
            lambda nc, data: services.nonconformity_reopen(
                nonconformity=nc, user=request.user, reason=data["reason"]
            ),
        )


class CorrectiveActionSerializer(TrackedSerializer):
    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "nonconformity",
            "description",
            "owner",
            "due_date",
            "status",
            "completed_on",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]


class CorrectiveActionViewSet(RestrictedModelViewSet):
    """Corrective actions of nonconformities: owner, due date, status."""

    queryset = CorrectiveAction.objects.select_related("nonconformity", "owner")
    serializer_class = CorrectiveActionSerializer
    filterset_class = CorrectiveActionFilterSet


class OpportunitySerializer(TrackedSerializer):
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "organization",
            "reference",
            "title",
            "description",
            "source",
            "incident",
            "requirement",
            "ai_systems",
            "raised_by",
            "raised_on",
            "owner",
            "due_date",
            "status",
            "decision_notes",
            "decided_by",
            "decided_on",
            "outcome",
            "implemented_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "raised_by",
            "status",
            "decision_notes",
            "decided_by",
            "decided_on",
            "outcome",
            "implemented_on",
        ]


class DecideSerializer(CleanInputMixin, serializers.Serializer):
    accept = serializers.BooleanField()
    notes = serializers.CharField(max_length=4000)


class ImplementSerializer(CleanInputMixin, serializers.Serializer):
    outcome = serializers.CharField(max_length=4000)
    implemented_on = serializers.DateField(required=False, allow_null=True)


class OpportunityViewSet(RestrictedModelViewSet):
    """Opportunities for improvement (10.1): anyone with a role suggests; ``decide`` takes
    one up or not (officer, administrator); ``implement`` records what it brought."""

    queryset = Opportunity.objects.select_related(
        "organization", "owner", "raised_by", "decided_by"
    ).prefetch_related("ai_systems")
    serializer_class = OpportunitySerializer
    filterset_class = OpportunityFilterSet

    def create_instance(self, serializer) -> None:
        data = dict(serializer.validated_data)
        systems = data.pop("ai_systems", [])
        try:
            serializer.instance = services.opportunity_raise(
                opportunity=Opportunity(**data), actor=self.request.user
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(get_error_detail(exc)) from exc
        serializer.instance.ai_systems.set(systems)

    @extend_schema(request=DecideSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return _decide(
            self,
            request,
            DecideSerializer,
            lambda item, data: services.opportunity_decide(
                opportunity=item, user=request.user, accept=data["accept"], notes=data["notes"]
            ),
        )

    @extend_schema(request=ImplementSerializer)
    @action(detail=True, methods=["post"])
    def implement(self, request, pk=None):
        return _decide(
            self,
            request,
            ImplementSerializer,
            lambda item, data: services.opportunity_implement(
                opportunity=item,
                user=request.user,
                outcome=data["outcome"],
                implemented_on=data.get("implemented_on"),
            ),
        )


# --- Internal audit (9.2) --------------------------------------------------------------------


class AuditProgrammeSerializer(TrackedSerializer):
    class Meta:
        model = AuditProgramme
        fields = [
            "id",
            "organization",
            "title",
            "period_start",
            "period_end",
            "owner",
            "objectives",
            "approach",
            "version",
            "created_at",
            "updated_at",
        ]


class AuditProgrammeViewSet(RestrictedModelViewSet):
    """Audit programmes (9.2.2): the internal audits planned over a period."""

    queryset = AuditProgramme.objects.select_related("organization", "owner")
    serializer_class = AuditProgrammeSerializer
    filterset_class = AuditProgrammeFilterSet


class AuditSerializer(TrackedSerializer):
    reference = serializers.CharField(read_only=True)
    clauses = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=audit_clause_choices()
    )
    controls = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=audit_control_choices()
    )

    class Meta:
        model = Audit
        fields = [
            "id",
            "organization",
            "programme",
            "reference",
            "title",
            "objectives",
            "criteria",
            "clauses",
            "controls",
            "ai_systems",
            "auditors",
            "lead_auditor",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "status",
            "plan",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "actual_start"]

    def validate(self, attrs):
        instance = self.instance
        if instance is not None and instance.status == AuditStatus.CLOSED:
            raise serializers.ValidationError(_("The audit is closed: it no longer changes."))
        if (
            instance is not None
            and "programme" in attrs
            and attrs["programme"] != instance.programme
            and instance.status != AuditStatus.PLANNED
        ):
            raise serializers.ValidationError(
                {"programme": [_("An audit under way stays in its programme.")]}
            )
        if instance is not None and instance.status in HELD_STATUSES:
            changed = [
                name
                for name in SCOPE_FIELDS
                if name in attrs
                and (
                    set(attrs[name]) != set(getattr(instance, name).all())
                    if name != "lead_auditor"
                    else attrs[name] != instance.lead_auditor
                )
            ]
            if changed:
                raise serializers.ValidationError(
                    {
                        name: [_("The audit has been reported: its scope and team stay.")]
                        for name in changed
                    }
                )
        attrs = super().validate(attrs)

        def value(name):
            if name in attrs:
                return attrs[name]
            if instance is None:
                return None if name == "lead_auditor" else []
            return (
                getattr(instance, name) if name == "lead_auditor" else getattr(instance, name).all()
            )

        people = list(value("auditors"))
        lead = value("lead_auditor")
        if lead is not None and lead not in people:
            people.append(lead)
        organization = attrs.get("organization") or getattr(instance, "organization", None)
        conflicts = independence_conflicts(
            organization=organization,
            auditors=people,
            clauses=value("clauses"),
            controls=value("controls"),
            ai_systems=value("ai_systems"),
        )
        if conflicts:
            raise serializers.ValidationError(
                {
                    "auditors": [
                        _(
                            "Nobody audits their own area; choose other auditors or narrow the scope."
                        ),
                        *conflicts,
                    ]
                }
            )
        return attrs


class AuditStartSerializer(CleanInputMixin, serializers.Serializer):
    started_on = serializers.DateField(required=False, allow_null=True)


class AuditViewSet(RestrictedModelViewSet):
    """Internal audits (9.2): scope, criteria, auditors (independence checked), dates and
    plan. ``start`` (planned → in progress, builds the checklist), ``generate-checklist``
    (rebuilds it from the scope, keeping answered lines), ``close`` (after the report is
    approved and every nonconformity raised has an action). The status moves only so."""

    queryset = Audit.objects.select_related(
        "organization", "programme", "lead_auditor"
    ).prefetch_related("clauses", "controls", "ai_systems", "auditors")
    serializer_class = AuditSerializer
    filterset_class = AuditFilterSet

    @extend_schema(request=AuditStartSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        payload = AuditStartSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        audit = services.audit_start(
            audit=self.get_object(),
            user=request.user,
            started_on=payload.validated_data.get("started_on"),
        )
        return Response(self.get_serializer(audit).data)

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["post"], url_path="generate-checklist")
    def generate_checklist(self, request, pk=None):
        counts = services.audit_checklist_generate(audit=self.get_object(), user=request.user)
        return Response(counts)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        audit = services.audit_close(audit=self.get_object(), user=request.user)
        return Response(self.get_serializer(audit).data)


class AuditChecklistLineSerializer(TrackedSerializer):
    class Meta:
        model = AuditChecklistLine
        fields = [
            "id",
            "audit",
            "kind",
            "requirement",
            "ref",
            "title",
            "excluded",
            "exclusion_reason",
            "result",
            "evidence",
            "sampled",
            "notes",
            "nonconformity",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["audit", "nonconformity"]


class AuditChecklistLineViewSet(RestrictedModelViewSet):
    """Checklist lines of audits, built from the audit's scope (``generate-checklist``):
    answer them with PATCH. A major or minor nonconformity result raises a nonconformity,
    linked in ``nonconformity``."""

    http_method_names = ["get", "put", "patch", "head", "options"]
    queryset = AuditChecklistLine.objects.select_related(
        "audit", "requirement", "nonconformity"
    ).prefetch_related("evidence")
    serializer_class = AuditChecklistLineSerializer
    filterset_class = AuditChecklistLineFilterSet

    def perform_update(self, serializer) -> None:
        super().perform_update(serializer)
        services.checklist_line_raise(line=self._saved, user=self.request.user)


class AuditReportSerializer(TrackedSerializer):
    results = serializers.SerializerMethodField(
        help_text="The checklist results: frozen at approval, live while a draft."
    )

    class Meta:
        model = AuditReport
        fields = [
            "id",
            "organization",
            "audit",
            "number",
            "status",
            "author",
            "change_summary",
            "summary",
            "conclusions",
            "results",
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

    def get_results(self, obj) -> list[dict]:
        return obj.result_rows()

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("organization", "audit"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError({name: _("A version stays with its audit.")})
        return super().validate(attrs)


class AuditReportViewSet(ControlledDocumentViewSet):
    """Audit reports, a controlled document per audit. POST starts the next version (a copy
    of the approved one, or a first draft); approval freezes the checklist results into it
    and marks the audit reported. ``pdf`` is on the page (``…/reports/<id>/pdf/``)."""

    queryset = AuditReport.objects.select_related(
        "organization", "audit", "author", "approved_by"
    ).prefetch_related(checklist_prefetch())
    serializer_class = AuditReportSerializer
    filterset_class = AuditReportFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def create_instance(self, serializer):
        data = serializer.validated_data
        draft = services.audit_report_start(
            audit=data["audit"],
            user=self.request.user,
            summary=data.get("summary", ""),
            conclusions=data.get("conclusions", ""),
        )
        serializer.instance = draft
        serializer.save()

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        version = self.get_object()
        draft = services.audit_report_start(audit=version.audit, user=request.user)
        return Response(self.get_serializer(draft).data)


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("incidents", IncidentViewSet)
    router.register("incident-communications", IncidentCommunicationViewSet)
    router.register("nonconformities", NonconformityViewSet)
    router.register("corrective-actions", CorrectiveActionViewSet)
    router.register("improvements", OpportunityViewSet)
    router.register("audit-programmes", AuditProgrammeViewSet)
    router.register("audits", AuditViewSet)
    router.register("audit-checklist-lines", AuditChecklistLineViewSet)
    router.register("audit-reports", AuditReportViewSet)
    api_reviews.register(router)
