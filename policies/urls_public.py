"""The public reporting pages behind an organisation's secret link (A.3.3): no sign-in."""

from django.urls import path

from policies.views import support

app_name = "concerns_public"

urlpatterns = [
    path("<str:token>/", support.PublicConcernView.as_view(), name="report"),
    path("<str:token>/follow-up/", support.PublicFollowUpView.as_view(), name="follow_up"),
]
