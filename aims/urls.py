from django.contrib import admin
from django.urls import include, path

from aims.api.views import ApiTokenView
from aims.core import ui
from aims.core.views import RedirectToCurrentOrganization
from aims.organizations.views import ChooseOrganizationView
from readiness.views import DashboardView

org_patterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("ai-systems/", include("aims.inventory.urls")),
    path("", include("aims.organizations.urls")),
    path("", include("controls.urls")),
    path("risks/", include("risks.urls")),
    path("evidence/", include("aims.evidence.urls")),
    path("information-requests/", include("engagements.urls_requests")),
    path("reports/", include("aims.reports.urls")),
    path("evidence-packs/", include("packs.urls")),
    path("engagements/access-log/", include("engagements.urls_access")),
    path("engagements/", include("engagements.urls")),
    path("", include("impact_assessments.urls")),
    path("", include("policies.urls")),
    path("", include("audits.urls")),
    path("", include("readiness.urls")),
    path("reminder-settings/", include("reminders.urls_org")),
    path("", include("aims.core.urls")),
]

urlpatterns = [
    path("", RedirectToCurrentOrganization.as_view(), name="home"),
    path("organizations/", ChooseOrganizationView.as_view(), name="choose_organization"),
    path("o/<slug:org>/", include(org_patterns)),
    path("account/tokens/", ApiTokenView.as_view(), name="api_tokens"),
    path("reminders/", include("reminders.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/", include("aims.api_urls")),
    path("report/", include("policies.urls_public")),  # anonymous concerns (A.3.3), no sign-in
    path("healthz", ui.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
