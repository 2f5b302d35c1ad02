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
