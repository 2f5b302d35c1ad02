from django.urls import path

from aims.organizations import views

app_name = "organizations"

urlpatterns = [
    path("settings/", views.OrganizationSettingsView.as_view(), name="settings"),
    path("settings/history/", views.OrganizationHistoryView.as_view(), name="settings_history"),
    path("activity/", views.OrganizationActivityView.as_view(), name="activity"),
    path("people/", views.MemberListView.as_view(), name="member_list"),
    path("people/add/", views.MemberAddView.as_view(), name="member_add"),
    path("people/<int:pk>/edit/", views.MemberEditView.as_view(), name="member_edit"),
    path("people/<int:pk>/remove/", views.MemberRemoveView.as_view(), name="member_remove"),
    path("people/<int:pk>/history/", views.MemberHistoryView.as_view(), name="member_history"),
    path("scope/", views.ScopeView.as_view(), name="scope"),
    path("scope/<int:pk>/", views.ScopeVersionView.as_view(), name="scope_version"),
    path("scope/<int:pk>/edit/", views.ScopeEditView.as_view(), name="scope_edit"),
    path("scope/<int:pk>/history/", views.ScopeHistoryView.as_view(), name="scope_history"),
    path("scope/<int:pk>/<slug:action>/", views.ScopeActionView.as_view(), name="scope_action"),
]

urlpatterns += [
    # Context of the organisation (4.1, 4.2)
    path("context/issues/", views.IssueListView.as_view(), name="issue_list"),
    path("context/issues/add/", views.IssueEditView.as_view(), name="issue_add"),
    path("context/issues/<int:pk>/", views.IssueDetailView.as_view(), name="issue_detail"),
    path("context/issues/<int:pk>/edit/", views.IssueEditView.as_view(), name="issue_edit"),
    path("context/issues/<int:pk>/delete/", views.IssueDeleteView.as_view(), name="issue_delete"),
    path(
        "context/issues/<int:pk>/history/", views.IssueHistoryView.as_view(), name="issue_history"
    ),
    path("context/climate/", views.ClimateListView.as_view(), name="climate_list"),
    path("context/climate/decide/", views.ClimateRecordView.as_view(), name="climate_add"),
    path("context/climate/<int:pk>/", views.ClimateDetailView.as_view(), name="climate_detail"),
    path(
        "context/climate/<int:pk>/history/",
        views.ClimateHistoryView.as_view(),
        name="climate_history",
    ),
    path("context/parties/", views.PartyListView.as_view(), name="party_list"),
    path("context/parties/add/", views.PartyEditView.as_view(), name="party_add"),
    path("context/parties/<int:pk>/", views.PartyDetailView.as_view(), name="party_detail"),
    path("context/parties/<int:pk>/edit/", views.PartyEditView.as_view(), name="party_edit"),
    path("context/parties/<int:pk>/delete/", views.PartyDeleteView.as_view(), name="party_delete"),
    path(
        "context/parties/<int:pk>/history/", views.PartyHistoryView.as_view(), name="party_history"
    ),
    path(
        "context/parties/<int:parent_pk>/requirements/add/",
        views.RequirementEditView.as_view(),
        name="partyreq_add",
    ),
    path(
        "context/requirements/<int:pk>/edit/",
        views.RequirementEditView.as_view(),
        name="partyreq_edit",
    ),
    path(
        "context/requirements/<int:pk>/delete/",
        views.RequirementDeleteView.as_view(),
        name="partyreq_delete",
    ),
    path(
        "context/requirements/<int:pk>/history/",
        views.RequirementHistoryView.as_view(),
        name="partyreq_history",
    ),
]
