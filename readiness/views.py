"""Cross-app pages: the dashboard and clause readiness (4–10), which read every register."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from aims.core import views as generic
from aims.core.documents import DocumentStatus
from aims.core.models import ChangeLogEntry
from aims.core.permissions import Action, restrict
from aims.core.views import safe_url
from aims.evidence.models import EvidenceItem
from aims.inventory.models import AISystem, LifecycleStage, SystemStatus
from aims.organizations import services as organization_services
from controls.models import SoAVersion
from engagements.models import InformationRequest, RequestStatus
from readiness.coverage import readiness_coverage
from readiness.report import readiness_of
from risks.models import (
    ActionStatus,
    Risk,
    RiskCriteria,
    RiskKind,
    RiskStatus,
    TreatmentAction,
)


class DashboardView(generic.OrganizationPageView):
    template_name = "readiness/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, org = self.request.user, self.organization
        today = timezone.localdate()
        systems = restrict(AISystem.objects.all(), user, Action.VIEW).filter(organization=org)
        stats = systems.aggregate(
            total=Count("id"),
            active=Count("id", filter=Q(status=SystemStatus.ACTIVE)),
            overdue=Count("id", filter=Q(next_review_date__lt=today)),
            unclassified=Count("id", filter=Q(eu_ai_act_tier="unclassified")),
            high_risk=Count("id", filter=Q(eu_ai_act_tier="high_risk")),
        )
        stage_labels = dict(LifecycleStage.choices)
        by_stage = [
            {
                "stage": row["lifecycle_stage"],
                "label": stage_labels.get(row["lifecycle_stage"]),
                "n": row["n"],
            }
            for row in systems.values("lifecycle_stage")
            .annotate(n=Count("id"))
            .order_by("lifecycle_stage")
        ]
        approved, draft = organization_services.current_scope(organization=org, user=user)
        recent = (
            restrict(ChangeLogEntry.objects.all(), user, Action.VIEW)
            .filter(organization=org)
            .select_related("actor", "content_type")[:8]
        )
        context.update(_aims_overview(organization=org, user=user, today=today))
        context.update(
            stats=stats,
            by_stage=by_stage,
            scope_approved=approved,
            scope_draft=draft,
            recent_changes=recent,
            due_soon=systems.filter(
                next_review_date__gte=today,
                next_review_date__lte=today + timezone.timedelta(days=30),
            )
            .select_related("owner")
            .order_by("next_review_date")[:5],
        )
        return context


DASHBOARD_LIST = 5  # items listed per card; the card links to the full, filtered list


def _aims_overview(*, organization: Any, user: Any, today: datetime.date) -> dict[str, Any]:
    """What an officer checks first across the AIMS: readiness, the SoA, risks above the
    appetite, overdue treatment and reviews, expiring evidence — each listed, not only
    counted, and each through the permission layer."""
    coverage = readiness_coverage(organization=organization, user=user)
    report = (
        readiness_of(organization=organization, user=user, coverage=coverage)
        if coverage is not None
        else None
    )
    versions = restrict(SoAVersion.objects.all(), user, Action.VIEW).filter(
        organization=organization
    )
    risks = (
        restrict(Risk.objects.all(), user, Action.VIEW)
        .filter(organization=organization, kind=RiskKind.RISK)
        .select_related("organization")
    )
    open_risks = risks.exclude(status=RiskStatus.CLOSED)
    # Read, not created: the dashboard must not make default criteria appear.
    criteria = RiskCriteria.objects.filter(organization=organization, is_current=True).first()
    above = open_risks.none()
    if criteria is not None:
        above = (
            open_risks.filter(criteria=criteria, accepted_by__isnull=True)
            .annotate(level_rank=Coalesce("residual_rank", "inherent_rank"))
            .filter(level_rank__gt=criteria.acceptance_rank)
            .order_by("-level_rank", "number")
        )
    overdue_actions = (
        restrict(TreatmentAction.objects.all(), user, Action.VIEW)
        .filter(
            risk__organization=organization,
            status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS],
            due_date__lt=today,
        )
        .select_related("risk__organization", "owner")
        .order_by("due_date", "pk")
    )
    overdue_reviews = open_risks.filter(next_review_date__lt=today).order_by("next_review_date")
    evidence = (
        restrict(EvidenceItem.objects.all(), user, Action.VIEW)
        .filter(organization=organization)
        .select_related("organization")
    )
    expiring = evidence.filter(
        valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=30)
    ).order_by("valid_until")
    return {
        # None: an auditor with no open engagement, who has no readiness to read.
        "readiness": report.summary if report else None,
        "readiness_coverage": coverage,
        "contradiction_count": len(report.contradictions) if report else 0,
        "readiness_missing": report.summary.missing[:DASHBOARD_LIST] if report else [],
        "soa_approved": versions.filter(status=DocumentStatus.APPROVED)
        .select_related("approved_by", "organization")
        .first(),
        "soa_open": versions.filter(status__in=[DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW])
        .select_related("organization")
        .order_by("-number")
        .first(),
        "above_appetite": list(above[:DASHBOARD_LIST]),
        "above_appetite_count": above.count(),
        "appetite_label": criteria.band(criteria.acceptance_band)["label"] if criteria else "",
        "overdue_actions": list(overdue_actions[:DASHBOARD_LIST]),
        "overdue_action_count": overdue_actions.count(),
        "overdue_reviews": list(overdue_reviews[:DASHBOARD_LIST]),
        "overdue_review_count": overdue_reviews.count(),
        "expiring_evidence": list(expiring[:DASHBOARD_LIST]),
        "expiring_evidence_count": expiring.count(),
        "expired_evidence_count": evidence.filter(valid_until__lt=today).count(),
        **_open_requests(organization=organization, user=user),
    }


def _open_requests(*, organization: Any, user: Any) -> dict[str, Any]:
    """The auditors' requests still waiting for the organisation, the soonest due first."""
    waiting = (
        restrict(InformationRequest.objects.all(), user, Action.VIEW)
        .filter(organization=organization, status=RequestStatus.OPEN)
        .select_related("organization", "engagement", "asked_by")
        .order_by(Coalesce("due_on", "created_at__date"), "number")
    )
    return {
        "open_requests": list(waiting[:DASHBOARD_LIST]),
        "open_request_count": waiting.count(),
    }


class ReadinessView(generic.OrganizationPageView):
    template_name = "readiness/readiness.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org, user = self.organization, self.request.user
        coverage = readiness_coverage(organization=org, user=user)
        if coverage is None:
            raise Http404(_("No engagement of yours is open in this organisation."))
        report = readiness_of(organization=org, user=user, coverage=coverage, editable=True)
        context.update(
            coverage=coverage,
            clauses=report.clauses,
            checked_controls=report.controls,
            contradictions=report.contradictions,
            summary=report.summary,
            checked_count=sum(1 for row in report.clauses if row.checked),
            evidence_list_url=safe_url("evidence:evidence_list", org=org.slug),
        )
        return context
