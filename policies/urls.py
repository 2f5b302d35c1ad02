from django.urls import path

from policies.views import objectives, support

app_name = "policies"

urlpatterns: list = [
    # Each area's pages, in its own section: policies/, roles/, objectives/, ...
    # --- support: resources (7.1), planned changes (6.3), documented information (7.5), concerns (A.3.3)
    path("resources/", support.ResourceListView.as_view(), name="resource_list"),
    path("resources/add/", support.ResourceEditView.as_view(), name="resource_add"),
    path("resources/<int:pk>/", support.ResourceDetailView.as_view(), name="resource_detail"),
    path("resources/<int:pk>/edit/", support.ResourceEditView.as_view(), name="resource_edit"),
    path(
        "resources/<int:pk>/delete/", support.ResourceDeleteView.as_view(), name="resource_delete"
    ),
    path(
        "resources/<int:pk>/history/",
        support.ResourceHistoryView.as_view(),
        name="resource_history",
    ),
    path("changes/", support.ChangeListView.as_view(), name="change_list"),
    path("changes/add/", support.ChangeEditView.as_view(), name="change_add"),
    path("changes/<int:pk>/", support.ChangeDetailView.as_view(), name="change_detail"),
    path("changes/<int:pk>/edit/", support.ChangeEditView.as_view(), name="change_edit"),
    path("changes/<int:pk>/delete/", support.ChangeDeleteView.as_view(), name="change_delete"),
    path("changes/<int:pk>/history/", support.ChangeHistoryView.as_view(), name="change_history"),
    path(
        "changes/<int:pk>/<str:action>/", support.ChangeActionView.as_view(), name="change_action"
    ),
    path("documented/", support.DocumentRegisterView.as_view(), name="document_register"),
    path(
        "documented/outside/add/",
        support.OutsideDocumentEditView.as_view(),
        name="outside_document_add",
    ),
    path(
        "documented/outside/<int:pk>/",
        support.OutsideDocumentDetailView.as_view(),
        name="outside_document_detail",
    ),
    path(
        "documented/outside/<int:pk>/edit/",
        support.OutsideDocumentEditView.as_view(),
        name="outside_document_edit",
    ),
    path(
        "documented/outside/<int:pk>/delete/",
        support.OutsideDocumentDeleteView.as_view(),
        name="outside_document_delete",
    ),
    path(
        "documented/outside/<int:pk>/history/",
        support.OutsideDocumentHistoryView.as_view(),
        name="outside_document_history",
    ),
    path(
        "documented/retention/add/",
        support.RetentionRuleEditView.as_view(),
        name="retention_add",
    ),
    path(
        "documented/retention/<int:pk>/edit/",
        support.RetentionRuleEditView.as_view(),
        name="retention_edit",
    ),
    path(
        "documented/retention/<int:pk>/delete/",
        support.RetentionRuleDeleteView.as_view(),
        name="retention_delete",
    ),
    path(
        "documented/retention/<int:pk>/history/",
        support.RetentionRuleHistoryView.as_view(),
        name="retention_history",
    ),
    path("concerns/", support.ConcernListView.as_view(), name="concern_list"),
    path("concerns/raise/", support.ConcernRaiseView.as_view(), name="concern_add"),
    path("concerns/<int:pk>/", support.ConcernDetailView.as_view(), name="concern_detail"),
    path("concerns/<int:pk>/edit/", support.ConcernHandleView.as_view(), name="concern_edit"),
    path(
        "concerns/<int:pk>/history/", support.ConcernHistoryView.as_view(), name="concern_history"
    ),
    path(
        "concerns/<int:pk>/do/<str:action>/",
        support.ConcernActionView.as_view(),
        name="concern_action",
    ),
    path("concerns/channel/add/", support.ChannelEditView.as_view(), name="concern_channel_add"),
    path("concerns/channel/<int:pk>/", support.ChannelDetailView.as_view(), name="concern_channel"),
    path(
        "concerns/channel/<int:pk>/edit/",
        support.ChannelEditView.as_view(),
        name="concern_channel_edit",
    ),
    path(
        "concerns/channel/<int:pk>/delete/",
        support.ChannelDeleteView.as_view(),
        name="concern_channel_delete",
    ),
    path(
        "concerns/channel/<int:pk>/history/",
        support.ChannelHistoryView.as_view(),
        name="concern_channel_history",
    ),
    path(
        "concerns/channel/<int:pk>/new-link/",
        support.ChannelNewLinkView.as_view(),
        name="concern_channel_new_link",
    ),
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
