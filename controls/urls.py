from django.urls import path

from controls import views

app_name = "controls"

urlpatterns = [
    path("catalog/", views.RequirementListView.as_view(), name="requirement_list"),
    path("catalog/<int:pk>/", views.RequirementDetailView.as_view(), name="requirement_detail"),
    # The live Statement of Applicability and its rows
    path("soa/", views.SoAView.as_view(), name="soa"),
    path("soa/add/", views.ImplementationEditView.as_view(), name="implementation_add"),
    path(
        "soa/controls/<int:pk>/",
        views.ImplementationDetailView.as_view(),
        name="implementation_detail",
    ),
    path(
        "soa/controls/<int:pk>/risks/",
        views.ImplementationRisksView.as_view(),
        name="implementation_risks",
    ),
    path(
        "soa/controls/<int:pk>/evidence/",
        views.ImplementationEvidenceView.as_view(),
        name="implementation_evidence",
    ),
    path(
        "soa/controls/<int:pk>/history/",
        views.ImplementationHistoryView.as_view(),
        name="implementation_history",
    ),
    path(
        "soa/controls/<int:pk>/edit/",
        views.ImplementationEditView.as_view(),
        name="implementation_edit",
    ),
    path(
        "soa/controls/<int:pk>/delete/",
        views.ImplementationDeleteView.as_view(),
        name="implementation_delete",
    ),
    # SoA versions (controlled document)
    path("soa/versions/", views.SoAVersionListView.as_view(), name="soa_version_list"),
    path("soa/versions/diff/", views.SoAVersionDiffView.as_view(), name="soa_version_diff"),
    path("soa/versions/<int:pk>/", views.SoAVersionView.as_view(), name="soa_version"),
    path(
        "soa/versions/<int:pk>/edit/", views.SoAVersionEditView.as_view(), name="soa_version_edit"
    ),
    path(
        "soa/versions/<int:pk>/history/",
        views.SoAVersionHistoryView.as_view(),
        name="soa_version_history",
    ),
    path(
        "soa/versions/<int:pk>/<slug:action>/",
        views.SoAVersionActionView.as_view(),
        name="soa_version_action",
    ),
    # Clause statuses (4–10); the readiness page that lists them is the readiness app's
    path(
        "readiness/<int:pk>/edit/", views.ClauseStatusEditView.as_view(), name="clause_status_edit"
    ),
    path(
        "readiness/<int:pk>/history/",
        views.ClauseStatusHistoryView.as_view(),
        name="clause_status_history",
    ),
]
