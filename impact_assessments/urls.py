from django.urls import path

from impact_assessments import views

app_name = "impact_assessments"

urlpatterns = [
    path("", views.ClassificationListView.as_view(), name="classification_list"),
    path("<int:pk>/", views.ClassificationDetailView.as_view(), name="classification_detail"),
    path(
        "systems/<int:pk>/",
        views.SystemClassificationView.as_view(),
        name="system_classification",
    ),
    path(
        "systems/<int:parent_pk>/classify/",
        views.ClassifyView.as_view(),
        name="classify",
    ),
]
