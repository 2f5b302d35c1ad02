from django.urls import path

from readiness import views

app_name = "readiness"

urlpatterns = [
    path("readiness/", views.ReadinessView.as_view(), name="readiness"),
]
