from django.urls import path

from impact_assessments import views, views_documents

app_name = "impact_assessments"

urlpatterns = [
    # EU AI Act classifications
    path("ai-act/", views.ClassificationListView.as_view(), name="classification_list"),
    path(
        "ai-act/<int:pk>/", views.ClassificationDetailView.as_view(), name="classification_detail"
    ),
    path(
        "ai-act/systems/<int:pk>/",
        views.SystemClassificationView.as_view(),
        name="system_classification",
    ),
    path("ai-act/systems/<int:parent_pk>/classify/", views.ClassifyView.as_view(), name="classify"),
    # Impact assessments
    path("impact-assessments/", views.AssessmentListView.as_view(), name="assessment_list"),
    path("impact-assessments/thresholds/", views.ThresholdsView.as_view(), name="thresholds"),
    path(
        "impact-assessments/thresholds/decide/",
        views.ThresholdsDecideView.as_view(),
        name="thresholds_decide",
    ),
    path(
        "impact-assessments/systems/<int:pk>/",
        views.SystemAssessmentsView.as_view(),
        name="system_assessments",
    ),
    path(
        "impact-assessments/<int:pk>/",
        views.AssessmentDetailView.as_view(),
        name="assessment_detail",
    ),
    path(
        "impact-assessments/<int:pk>/edit/",
        views.AssessmentEditView.as_view(),
        name="assessment_edit",
    ),
    path(
        "impact-assessments/<int:pk>/history/",
        views.AssessmentHistoryView.as_view(),
        name="assessment_history",
    ),
    path(
        "impact-assessments/<int:pk>/compare/",
        views_documents.AssessmentCompareView.as_view(),
        name="assessment_compare",
    ),
    path(
        "impact-assessments/<int:pk>/pdf/",
        views_documents.AssessmentPdfView.as_view(),
        name="assessment_pdf",
    ),
    path(
        "impact-assessments/<int:pk>/<slug:action>/",
        views.AssessmentActionView.as_view(),
        name="assessment_action",
    ),
    path(
        "impact-assessments/<int:parent_pk>/parties/add/",
        views.PartyEditView.as_view(),
        name="party_add",
    ),
    path(
        "impact-assessments/parties/<int:pk>/edit/",
        views.PartyEditView.as_view(),
        name="party_edit",
    ),
    path(
        "impact-assessments/parties/<int:pk>/delete/",
        views.PartyDeleteView.as_view(),
        name="party_delete",
    ),
    path(
        "impact-assessments/<int:parent_pk>/impacts/add/",
        views.ImpactEditView.as_view(),
        name="impact_add",
    ),
    path(
        "impact-assessments/impacts/<int:pk>/edit/",
        views.ImpactEditView.as_view(),
        name="impact_edit",
    ),
    path(
        "impact-assessments/impacts/<int:pk>/risk/",
        views.ImpactCreateRiskView.as_view(),
        name="impact_create_risk",
    ),
    path(
        "impact-assessments/impacts/<int:pk>/delete/",
        views.ImpactDeleteView.as_view(),
        name="impact_delete",
    ),
]
