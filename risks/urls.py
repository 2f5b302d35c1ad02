from django.urls import path

from risks import views

app_name = "risks"

urlpatterns = [
    path("", views.RiskListView.as_view(), name="risk_list"),
    path("add/", views.RiskEditView.as_view(), name="risk_add"),
    path("<int:pk>/", views.RiskDetailView.as_view(), name="risk_detail"),
    path("<int:pk>/treatment/", views.RiskTreatmentView.as_view(), name="risk_treatment"),
    path("<int:pk>/links/", views.RiskLinksView.as_view(), name="risk_links"),
    path("<int:pk>/history/", views.RiskHistoryView.as_view(), name="risk_history"),
    path("<int:pk>/edit/", views.RiskEditView.as_view(), name="risk_edit"),
    path("<int:pk>/delete/", views.RiskDeleteView.as_view(), name="risk_delete"),
    path("<int:pk>/accept/", views.RiskAcceptView.as_view(), name="risk_accept"),
    path("<int:pk>/withdraw/", views.RiskWithdrawView.as_view(), name="risk_withdraw"),
    path("<int:pk>/rescore/", views.RiskRescoreView.as_view(), name="risk_rescore"),
    path(
        "<int:parent_pk>/treatment/add/",
        views.TreatmentActionEditView.as_view(),
        name="action_add",
    ),
    path("actions/<int:pk>/edit/", views.TreatmentActionEditView.as_view(), name="action_edit"),
    path(
        "actions/<int:pk>/delete/", views.TreatmentActionDeleteView.as_view(), name="action_delete"
    ),
    path(
        "actions/<int:pk>/history/",
        views.TreatmentActionHistoryView.as_view(),
        name="action_history",
    ),
    path("criteria/", views.CriteriaView.as_view(), name="criteria"),
    path("criteria/edit/", views.CriteriaEditView.as_view(), name="criteria_edit"),
    path("library/", views.LibraryView.as_view(), name="library"),
    path("assessments/", views.AssessmentListView.as_view(), name="assessment_list"),
    path("assessments/add/", views.AssessmentEditView.as_view(), name="assessment_add"),
    path("assessments/compare/", views.AssessmentCompareView.as_view(), name="assessment_compare"),
    path("assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment_detail"),
    path("assessments/<int:pk>/edit/", views.AssessmentEditView.as_view(), name="assessment_edit"),
    path(
        "assessments/<int:pk>/delete/",
        views.AssessmentDeleteView.as_view(),
        name="assessment_delete",
    ),
    path(
        "assessments/<int:pk>/history/",
        views.AssessmentHistoryView.as_view(),
        name="assessment_history",
    ),
    path(
        "assessments/<int:pk>/approve/",
        views.AssessmentApproveView.as_view(),
        name="assessment_approve",
    ),
]
