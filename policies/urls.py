from django.urls import path

from policies.views import documents, objectives, roles, support

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
    # --- documents: policies and procedures (5.2, A.2), acknowledgements (7.3) -------------
    path("policies/", documents.PolicyListView.as_view(), name="policy_list"),
    path("policies/new/", documents.PolicyEditView.as_view(), name="policy_add"),
    path("policies/starters/", documents.StarterListView.as_view(), name="starters"),
    path(
        "policies/starters/<slug:key>/adopt/",
        documents.StarterAdoptView.as_view(),
        name="starter_adopt",
    ),
    path(
        "policies/to-acknowledge/",
        documents.MyAcknowledgementsView.as_view(),
        name="my_acknowledgements",
    ),
    path(
        "policies/acknowledgements/<int:pk>/acknowledge/",
        documents.AcknowledgeView.as_view(),
        name="acknowledge",
    ),
    path("policies/<int:pk>/", documents.PolicyDetailView.as_view(), name="policy_detail"),
    path("policies/<int:pk>/edit/", documents.PolicyEditView.as_view(), name="policy_edit"),
    path("policies/<int:pk>/delete/", documents.PolicyDeleteView.as_view(), name="policy_delete"),
    path(
        "policies/<int:pk>/history/", documents.PolicyHistoryView.as_view(), name="policy_history"
    ),
    path("policies/<int:pk>/diff/", documents.PolicyDiffView.as_view(), name="policy_diff"),
    path(
        "policies/<int:pk>/publish/", documents.PolicyPublishView.as_view(), name="policy_publish"
    ),
    path(
        "policies/<int:pk>/acknowledgements/",
        documents.PolicyAcknowledgementsView.as_view(),
        name="policy_acknowledgements",
    ),
    path(
        "policies/<int:pk>/<slug:action>/",
        documents.PolicyActionView.as_view(),
        name="policy_action",
    ),
    # --- roles: processes (4.4), roles and RACI (5.3), competence (7.2) ---------------------
    path("aims/processes/", roles.ProcessListView.as_view(), name="process_list"),
    path("aims/processes/add/", roles.ProcessEditView.as_view(), name="process_add"),
    path("aims/processes/<int:pk>/", roles.ProcessDetailView.as_view(), name="process_detail"),
    path("aims/processes/<int:pk>/edit/", roles.ProcessEditView.as_view(), name="process_edit"),
    path(
        "aims/processes/<int:pk>/delete/",
        roles.ProcessDeleteView.as_view(),
        name="process_delete",
    ),
    path(
        "aims/processes/<int:pk>/history/",
        roles.ProcessHistoryView.as_view(),
        name="process_history",
    ),
    path("aims/roles/", roles.RoleListView.as_view(), name="role_list"),
    path("aims/roles/add/", roles.RoleEditView.as_view(), name="role_add"),
    path("aims/roles/starters/", roles.RoleStartersView.as_view(), name="role_starters"),
    path("aims/roles/<int:pk>/", roles.RoleDetailView.as_view(), name="role_detail"),
    path(
        "aims/roles/<int:parent_pk>/requirements/add/",
        roles.RoleRequirementAddView.as_view(),
        name="role_requirement_add",
    ),
    path("aims/roles/<int:pk>/edit/", roles.RoleEditView.as_view(), name="role_edit"),
    path("aims/roles/<int:pk>/delete/", roles.RoleDeleteView.as_view(), name="role_delete"),
    path("aims/roles/<int:pk>/history/", roles.RoleHistoryView.as_view(), name="role_history"),
    path("aims/raci/", roles.RACIView.as_view(), name="raci"),
    path("aims/competence/", roles.CompetenceView.as_view(), name="competence"),
    path(
        "aims/competence/requirements/",
        roles.RequirementListView.as_view(),
        name="requirement_list",
    ),
    path(
        "aims/competence/requirements/add/",
        roles.RequirementEditView.as_view(),
        name="requirement_add",
    ),
    path(
        "aims/competence/requirements/<int:pk>/",
        roles.RequirementDetailView.as_view(),
        name="requirement_detail",
    ),
    path(
        "aims/competence/requirements/<int:pk>/edit/",
        roles.RequirementEditView.as_view(),
        name="requirement_edit",
    ),
    path(
        "aims/competence/requirements/<int:pk>/delete/",
        roles.RequirementDeleteView.as_view(),
        name="requirement_delete",
    ),
    path(
        "aims/competence/requirements/<int:pk>/history/",
        roles.RequirementHistoryView.as_view(),
        name="requirement_history",
    ),
    path(
        "aims/competence/requirements/<int:parent_pk>/records/add/",
        roles.RequirementTrainingAddView.as_view(),
        name="requirement_training_add",
    ),
    path("aims/competence/records/", roles.TrainingListView.as_view(), name="training_list"),
    path("aims/competence/records/add/", roles.TrainingEditView.as_view(), name="training_add"),
    path(
        "aims/competence/records/<int:pk>/",
        roles.TrainingDetailView.as_view(),
        name="training_detail",
    ),
    path(
        "aims/competence/records/<int:pk>/edit/",
        roles.TrainingEditView.as_view(),
        name="training_edit",
    ),
    path(
        "aims/competence/records/<int:pk>/delete/",
        roles.TrainingDeleteView.as_view(),
        name="training_delete",
    ),
    path(
        "aims/competence/records/<int:pk>/history/",
        roles.TrainingHistoryView.as_view(),
        name="training_history",
    ),
]
