from django.urls import path

from audits import views

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
]
