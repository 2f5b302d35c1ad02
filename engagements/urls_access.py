"""The auditor access log's page, mounted at ``/o/<org>/engagements/access-log/``."""

from django.urls import path

from engagements import views_access

app_name = "engagement_access"

urlpatterns = [
    path("", views_access.AuditorAccessListView.as_view(), name="access_log"),
]
