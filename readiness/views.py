"""Cross-app pages: the dashboard and clause readiness (4–10), which read every register."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from aims.core import views as generic
from aims.core.models import ChangeLogEntry
from aims.core.permissions import Action, restrict
from aims.core.views import safe_url
from aims.inventory.models import AISystem, LifecycleStage, SystemStatus
from aims.organizations import services as organization_services
from controls import services
from controls.models import ClauseStatus, ControlImplementation
from readiness.report import readiness_report


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


class ReadinessView(generic.OrganizationPageView):
    template_name = "readiness/readiness.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org, user = self.organization, self.request.user
        services.clauses_ensure_for(organization=org)
        services.soa_catalog(organization=org)
        statuses = list(
            services.clause_statuses_with_counts(
                restrict(ClauseStatus.objects.all(), user, Action.VIEW).filter(organization=org)
            ).annotate(
                can_edit=Exists(
                    restrict(ClauseStatus.objects.all(), user, Action.CHANGE).filter(
                        pk=OuterRef("pk")
                    )
                )
            )
        )
        controls = restrict(ControlImplementation.objects.all(), user, Action.VIEW).filter(
            organization=org
        )
        soa = services.soa_rows(organization=org, queryset=controls)
        report = readiness_report(organization=org, user=user, statuses=statuses, soa_rows=soa)
        context.update(
            clauses=report.clauses,
            contradictions=report.contradictions,
            summary=report.summary,
            checked_count=sum(1 for row in report.clauses if row.checked),
            evidence_list_url=safe_url("evidence:evidence_list", org=org.slug),
        )
        return context
