from django.urls import path

from aims.evidence import views

app_name = "evidence"

urlpatterns = [
    path("", views.EvidenceListView.as_view(), name="evidence_list"),
    path("add/", views.EvidenceEditView.as_view(), name="evidence_add"),
    path("<int:pk>/", views.EvidenceDetailView.as_view(), name="evidence_detail"),
    path("<int:pk>/versions/", views.EvidenceVersionsView.as_view(), name="evidence_versions"),
    path("<int:pk>/versions/add/", views.EvidenceUploadView.as_view(), name="evidence_upload"),
    path("<int:pk>/linked/", views.EvidenceLinkedView.as_view(), name="evidence_linked"),
    path("<int:pk>/links/", views.EvidenceLinksEditView.as_view(), name="evidence_links"),
    path("<int:pk>/links/add/", views.EvidenceLinkAddView.as_view(), name="evidence_link_add"),
    path("<int:pk>/history/", views.EvidenceHistoryView.as_view(), name="evidence_history"),
    path("<int:pk>/edit/", views.EvidenceEditView.as_view(), name="evidence_edit"),
    path("<int:pk>/delete/", views.EvidenceDeleteView.as_view(), name="evidence_delete"),
    path(
        "files/<int:pk>/download/", views.EvidenceDownloadView.as_view(), name="evidence_download"
    ),
]
