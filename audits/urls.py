from django.urls import path

from audits import views, views_audits, views_reviews

app_name = "audits"

urlpatterns = [
    path("incidents/", views.IncidentListView.as_view(), name="incident_list"),
    path("incidents/add/", views.IncidentEditView.as_view(), name="incident_add"),
    path("incidents/<int:pk>/", views.IncidentDetailView.as_view(), name="incident_detail"),
    path("incidents/<int:pk>/edit/", views.IncidentEditView.as_view(), name="incident_edit"),
    path("incidents/<int:pk>/delete/", views.IncidentDeleteView.as_view(), name="incident_delete"),
    path(
        "incidents/<int:pk>/history/", views.IncidentHistoryView.as_view(), name="incident_history"
    ),
    path(
        "incidents/<int:parent_pk>/communications/add/",
        views.CommunicationEditView.as_view(),
        name="communication_add",
    ),
    path(
        "incidents/communications/<int:pk>/edit/",
        views.CommunicationEditView.as_view(),
        name="communication_edit",
    ),
    path(
        "incidents/communications/<int:pk>/delete/",
        views.CommunicationDeleteView.as_view(),
        name="communication_delete",
    ),
    path("nonconformities/", views.NonconformityListView.as_view(), name="nonconformity_list"),
    path(
        "nonconformities/trends/",
        views.NonconformityTrendsView.as_view(),
        name="nonconformity_trends",
    ),
    path("nonconformities/add/", views.NonconformityEditView.as_view(), name="nonconformity_add"),
    path(
        "nonconformities/<int:pk>/",
        views.NonconformityDetailView.as_view(),
        name="nonconformity_detail",
    ),
    path(
        "nonconformities/<int:pk>/edit/",
        views.NonconformityEditView.as_view(),
        name="nonconformity_edit",
    ),
    path(
        "nonconformities/<int:pk>/delete/",
        views.NonconformityDeleteView.as_view(),
        name="nonconformity_delete",
    ),
    path(
        "nonconformities/<int:pk>/history/",
        views.NonconformityHistoryView.as_view(),
        name="nonconformity_history",
    ),
    path(
        "nonconformities/<int:pk>/<slug:action>/",
        views.NonconformityDecisionView.as_view(),
        name="nonconformity_decision",
    ),
    path(
        "nonconformities/<int:parent_pk>/actions/add/",
        views.ActionEditView.as_view(),
        name="action_add",
    ),
    path(
        "nonconformities/actions/<int:pk>/edit/", views.ActionEditView.as_view(), name="action_edit"
    ),
    path(
        "nonconformities/actions/<int:pk>/delete/",
        views.ActionDeleteView.as_view(),
        name="action_delete",
    ),
    path("improvements/", views.OpportunityListView.as_view(), name="opportunity_list"),
    path("improvements/add/", views.OpportunityEditView.as_view(), name="opportunity_add"),
    path(
        "improvements/<int:pk>/", views.OpportunityDetailView.as_view(), name="opportunity_detail"
    ),
    path(
        "improvements/<int:pk>/edit/", views.OpportunityEditView.as_view(), name="opportunity_edit"
    ),
    path(
        "improvements/<int:pk>/delete/",
        views.OpportunityDeleteView.as_view(),
        name="opportunity_delete",
    ),
    path(
        "improvements/<int:pk>/history/",
        views.OpportunityHistoryView.as_view(),
        name="opportunity_history",
    ),
    path(
        "improvements/<int:pk>/<slug:action>/",
        views.OpportunityDecisionView.as_view(),
        name="opportunity_decision",
    ),
    # Internal audit (9.2)
    path("audit-programmes/", views_audits.ProgrammeListView.as_view(), name="programme_list"),
    path("audit-programmes/coverage/", views_audits.CoverageView.as_view(), name="audit_coverage"),
    path("audit-programmes/add/", views_audits.ProgrammeEditView.as_view(), name="programme_add"),
    path(
        "audit-programmes/<int:pk>/",
        views_audits.ProgrammeDetailView.as_view(),
        name="programme_detail",
    ),
    path(
        "audit-programmes/<int:pk>/edit/",
        views_audits.ProgrammeEditView.as_view(),
        name="programme_edit",
    ),
    path(
        "audit-programmes/<int:pk>/delete/",
        views_audits.ProgrammeDeleteView.as_view(),
        name="programme_delete",
    ),
    path(
        "audit-programmes/<int:pk>/history/",
        views_audits.ProgrammeHistoryView.as_view(),
        name="programme_history",
    ),
    path(
        "audit-programmes/<int:parent_pk>/audits/add/",
        views_audits.ProgrammeAuditAddView.as_view(),
        name="programme_audit_add",
    ),
    path("audits/", views_audits.AuditListView.as_view(), name="audit_list"),
    path("audits/add/", views_audits.AuditEditView.as_view(), name="audit_add"),
    path("audits/<int:pk>/", views_audits.AuditDetailView.as_view(), name="audit_detail"),
    path("audits/<int:pk>/edit/", views_audits.AuditEditView.as_view(), name="audit_edit"),
    path("audits/<int:pk>/delete/", views_audits.AuditDeleteView.as_view(), name="audit_delete"),
    path("audits/<int:pk>/history/", views_audits.AuditHistoryView.as_view(), name="audit_history"),
    path(
        "audits/<int:pk>/do/<slug:action>/",
        views_audits.AuditActionView.as_view(),
        name="audit_action",
    ),
    path(
        "audits/lines/<int:pk>/edit/",
        views_audits.ChecklistLineEditView.as_view(),
        name="audit_line_edit",
    ),
    path("audits/reports/<int:pk>/", views_audits.ReportDetailView.as_view(), name="report_detail"),
    path(
        "audits/reports/<int:pk>/edit/", views_audits.ReportEditView.as_view(), name="report_edit"
    ),
    path(
        "audits/reports/<int:pk>/history/",
        views_audits.ReportHistoryView.as_view(),
        name="report_history",
    ),
    path("audits/reports/<int:pk>/pdf/", views_audits.ReportPdfView.as_view(), name="report_pdf"),
    path(
        "audits/reports/<int:pk>/<slug:action>/",
        views_audits.ReportActionView.as_view(),
        name="report_action",
    ),
    # Management review (9.3)
    path("management-reviews/", views_reviews.ReviewListView.as_view(), name="review_list"),
    path("management-reviews/add/", views_reviews.ReviewEditView.as_view(), name="review_add"),
    path(
        "management-reviews/decisions/",
        views_reviews.DecisionListView.as_view(),
        name="decision_list",
    ),
    path(
        "management-reviews/<int:pk>/",
        views_reviews.ReviewDetailView.as_view(),
        name="review_detail",
    ),
    path(
        "management-reviews/<int:pk>/edit/",
        views_reviews.ReviewEditView.as_view(),
        name="review_edit",
    ),
    path(
        "management-reviews/<int:pk>/delete/",
        views_reviews.ReviewDeleteView.as_view(),
        name="review_delete",
    ),
    path(
        "management-reviews/<int:pk>/history/",
        views_reviews.ReviewHistoryView.as_view(),
        name="review_history",
    ),
    path(
        "management-reviews/<int:pk>/do/<slug:action>/",
        views_reviews.ReviewActionView.as_view(),
        name="review_action",
    ),
    path(
        "management-reviews/inputs/<int:pk>/edit/",
        views_reviews.ReviewInputEditView.as_view(),
        name="review_input_edit",
    ),
    path(
        "management-reviews/<int:parent_pk>/decisions/add/",
        views_reviews.DecisionEditView.as_view(),
        name="decision_add",
    ),
    path(
        "management-reviews/decisions/<int:pk>/edit/",
        views_reviews.DecisionEditView.as_view(),
        name="decision_edit",
    ),
    path(
        "management-reviews/decisions/<int:pk>/delete/",
        views_reviews.DecisionDeleteView.as_view(),
        name="decision_delete",
    ),
    path(
        "management-reviews/minutes/<int:pk>/",
        views_reviews.MinutesDetailView.as_view(),
        name="minutes_detail",
    ),
    path(
        "management-reviews/minutes/<int:pk>/edit/",
        views_reviews.MinutesEditView.as_view(),
        name="minutes_edit",
    ),
    path(
        "management-reviews/minutes/<int:pk>/history/",
        views_reviews.MinutesHistoryView.as_view(),
        name="minutes_history",
    ),
    path(
        "management-reviews/minutes/<int:pk>/pdf/",
        views_reviews.MinutesPdfView.as_view(),
        name="minutes_pdf",
    ),
    path(
        "management-reviews/minutes/<int:pk>/<slug:action>/",
        views_reviews.MinutesActionView.as_view(),
        name="minutes_action",
    ),
]
