from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from aims.api.views import ChangeLogViewSet, JobViewSet
from aims.inventory.api import AISystemComponentViewSet, AISystemDatasetViewSet, AISystemViewSet
from aims.organizations.api import MembershipViewSet, OrganizationViewSet, ScopeStatementViewSet
from controls.api import FrameworkViewSet, RequirementMappingViewSet, RequirementViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet)
router.register("memberships", MembershipViewSet)
router.register("scope-statements", ScopeStatementViewSet)
router.register("ai-systems", AISystemViewSet)
router.register("ai-system-datasets", AISystemDatasetViewSet)
router.register("ai-system-components", AISystemComponentViewSet)
router.register("frameworks", FrameworkViewSet)
router.register("requirements", RequirementViewSet)
router.register("requirement-mappings", RequirementMappingViewSet)
router.register("changes", ChangeLogViewSet)
router.register("jobs", JobViewSet)

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
