from django.urls import path

from aims.core import ui

app_name = "core"

urlpatterns = [
    path("jobs/", ui.JobListView.as_view(), name="job_list"),
    path("jobs/<int:pk>/", ui.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/retry/", ui.JobRetryView.as_view(), name="job_retry"),
    path("jobs/<int:pk>/download/", ui.JobDownloadView.as_view(), name="job_download"),
]
