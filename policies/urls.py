from django.urls import path

from policies.views import roles

app_name = "policies"

urlpatterns: list = [
    # Each area's pages, in its own section: policies/, roles/, objectives/, ...
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
