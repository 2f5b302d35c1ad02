"""The readiness headline in the API: ``GET /api/v1/readiness/?organization=<id>``."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from aims.core.permissions import Action, restrict
from aims.organizations.models import Organization
from readiness.coverage import readiness_coverage
from readiness.report import readiness_of


class ReadinessViewSet(viewsets.ViewSet):
    """The readiness headline of one organisation: ``GET /readiness/?organization=<id>``."""

    @extend_schema(
        parameters=[OpenApiParameter("organization", int, required=True)],
        responses={200: dict},
    )
    def list(self, request):
        try:
            org_id = int(request.query_params.get("organization", ""))
        except ValueError as exc:
            raise ValidationError({"organization": ["Give the organisation's id."]}) from exc
        org = (
            restrict(Organization.objects.all(), request.user, Action.VIEW)
            .filter(pk=org_id)
            .first()
        )
        if org is None:
            raise NotFound("No such organisation.")
        coverage = readiness_coverage(organization=org, user=request.user)
        if coverage is None:
            raise NotFound("No engagement of yours is open in this organisation.")
        report = readiness_of(organization=org, user=request.user, coverage=coverage)
        summary = report.summary
        return Response(
            {
                "organization": org.pk,
                # What the figures cover: "whole", or the part an auditor's engagements show
                # ("clauses": the chosen clauses; "systems": the checked clauses, found from
                # the chosen AI systems' records). Every total counts that part only.
                "coverage": {
                    "extent": coverage.extent,
                    "limited": coverage.limited,
                    "engagements": list(coverage.engagement_names),
                },
                "clauses_total": summary.clauses_total,
                "clauses_ready": summary.clauses_ready,
                "clauses_percent": summary.clauses_percent,
                "controls_applicable": summary.controls_applicable,
                "controls_implemented": summary.controls_implemented,
                "controls_percent": summary.controls_percent,
                "clauses": [
                    {
                        "ref": row.requirement.ref,
                        "status": row.status.status if row.status_shown else None,
                        "basis": row.basis,
                        "fulfilled": row.finding.fulfilled,
                        "found": str(row.finding.found),
                        "evidence_count": row.evidence_count,
                        "declared_by": row.declared_by.pk if row.declared_by else None,
                        "declared_by_name": (
                            row.declared_by.display_name if row.declared_by else None
                        ),
                        "declared_at": row.declared_at.isoformat() if row.declared_at else None,
                        "contradictions": [c.rule for c in row.contradictions],
                        "ready": row.ready,
                        "missing": [str(m) for m in row.missing],
                    }
                    for row in report.clauses
                ],
                # Annex A controls a rule checks against the records: implemented in the
                # figures above only when the SoA says so and the check is fulfilled.
                "controls": [
                    {
                        "ref": c.control.ref,
                        "applicability": c.control.applicability,
                        "status": c.control.status,
                        "fulfilled": c.finding.fulfilled,
                        "found": str(c.finding.found),
                        "todo": str(c.finding.todo),
                        "ready": c.ready,
                    }
                    for c in report.controls
                ],
                "contradictions": [
                    {
                        "rule": c.rule,
                        "clause": c.clause,
                        "message": str(c.message),
                        "todo": str(c.todo),
                        "controls": c.controls,
                        "records": [{"label": str(r.label), "url": r.url} for r in c.records],
                    }
                    for c in report.contradictions
                ],
                "missing": [
                    {"ref": ref, "title": title, "todo": todo}
                    for ref, title, todo, _url in summary.missing
                ],
            }
        )


def register(router) -> None:
    """Add the readiness endpoint to the API router."""
    router.register("readiness", ReadinessViewSet, basename="readiness")
