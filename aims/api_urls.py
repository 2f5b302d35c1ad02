"""The API router: every app's viewsets under /api/v1/, plus the schema and its docs.

Composition layer: the one place that may import every app's API module."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from aims.api.api import ChangeLogViewSet, JobViewSet
from aims.evidence.api import register as register_evidence
from aims.inventory.api import AISystemComponentViewSet, AISystemDatasetViewSet, AISystemViewSet
from aims.organizations.api import MembershipViewSet, OrganizationViewSet, ScopeStatementViewSet
from aims.organizations.api import register as register_context
from audits.api import register as register_audits
from controls.api import FrameworkViewSet, RequirementMappingViewSet, RequirementViewSet
from controls.api import register as register_controls
from engagements.api import register as register_engagements
from impact_assessments.api import register as register_impact_assessments
from packs.api import register as register_packs
from policies.api import register as register_policies
from readiness.api import register as register_readiness
from reminders.api import register as register_reminders
from risks.api import register as register_risks

router = DefaultRouter()
router.register("organizations", OrganizationViewSet)
router.register("memberships", MembershipViewSet)
router.register("scope-statements", ScopeStatementViewSet)
register_context(router)
router.register("ai-systems", AISystemViewSet)
router.register("ai-system-datasets", AISystemDatasetViewSet)
router.register("ai-system-components", AISystemComponentViewSet)
router.register("frameworks", FrameworkViewSet)
router.register("requirements", RequirementViewSet)
router.register("requirement-mappings", RequirementMappingViewSet)
register_risks(router)
register_controls(router)
register_evidence(router)
register_engagements(router)
register_impact_assessments(router)
register_policies(router)
register_audits(router)
register_readiness(router)
register_packs(router)
register_reminders(router)
router.register("changes", ChangeLogViewSet)
router.register("jobs", JobViewSet)

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script from a URL (?script=), not inline: the CSP
    # allows no inline script. Its files come from drf-spectacular-sidecar.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]
