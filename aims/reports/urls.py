from django.urls import path

from aims.reports import views

app_name = "reports"

urlpatterns = [
    path("soa/", views.SoAExportView.as_view(), name="soa_export"),
    path("soa/versions/<int:pk>/", views.SoAVersionExportView.as_view(), name="soa_version_export"),
    path("risks/", views.RiskRegisterExportView.as_view(), name="risk_register_export"),
]
