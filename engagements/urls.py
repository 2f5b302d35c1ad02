from django.urls import path

from engagements import views

app_name = "engagements"

urlpatterns = [
    path("", views.EngagementListView.as_view(), name="engagement_list"),
    path("add/", views.EngagementEditView.as_view(), name="engagement_add"),
    path("<int:pk>/", views.EngagementDetailView.as_view(), name="engagement_detail"),
    path("<int:pk>/history/", views.EngagementHistoryView.as_view(), name="engagement_history"),
    path("<int:pk>/edit/", views.EngagementEditView.as_view(), name="engagement_edit"),
    path("<int:pk>/delete/", views.EngagementDeleteView.as_view(), name="engagement_delete"),
]
