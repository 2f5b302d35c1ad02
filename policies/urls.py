from django.urls import path

from policies.views import objectives

app_name = "policies"

urlpatterns: list = [
    # Each area's pages, in its own section: policies/, roles/, objectives/, ...
    # --- objectives: AI objectives and KPIs (6.2, 9.1), communication plan (7.4)
    path("objectives/", objectives.ObjectiveListView.as_view(), name="objective_list"),
    path("objectives/add/", objectives.ObjectiveEditView.as_view(), name="objective_add"),
    path("objectives/<int:pk>/", objectives.ObjectiveDetailView.as_view(), name="objective_detail"),
    path(
        "objectives/<int:pk>/edit/", objectives.ObjectiveEditView.as_view(), name="objective_edit"
    ),
    path(
        "objectives/<int:pk>/delete/",
        objectives.ObjectiveDeleteView.as_view(),
        name="objective_delete",
    ),
    path(
        "objectives/<int:pk>/history/",
        objectives.ObjectiveHistoryView.as_view(),
        name="objective_history",
    ),
    path(
        "objectives/<int:parent_pk>/measurements/add/",
        objectives.MeasurementEditView.as_view(),
        name="measurement_add",
    ),
    path(
        "objectives/measurements/<int:pk>/edit/",
        objectives.MeasurementEditView.as_view(),
        name="measurement_edit",
    ),
    path(
        "objectives/measurements/<int:pk>/delete/",
        objectives.MeasurementDeleteView.as_view(),
        name="measurement_delete",
    ),
    path(
        "objectives/measurements/<int:pk>/history/",
        objectives.MeasurementHistoryView.as_view(),
        name="measurement_history",
    ),
    path("communication/", objectives.CommunicationListView.as_view(), name="communication_list"),
    path(
        "communication/add/",
        objectives.CommunicationEditView.as_view(),
        name="communication_add",
    ),
    path(
        "communication/<int:pk>/",
        objectives.CommunicationDetailView.as_view(),
        name="communication_detail",
    ),
    path(
        "communication/<int:pk>/edit/",
        objectives.CommunicationEditView.as_view(),
        name="communication_edit",
    ),
    path(
        "communication/<int:pk>/delete/",
        objectives.CommunicationDeleteView.as_view(),
        name="communication_delete",
    ),
    path(
        "communication/<int:pk>/history/",
        objectives.CommunicationHistoryView.as_view(),
        name="communication_history",
    ),
    path(
        "communication/<int:pk>/done/",
        objectives.CommunicationDoneView.as_view(),
        name="communication_done",
    ),
]
