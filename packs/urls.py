from django.urls import path

from packs import views

app_name = "packs"

urlpatterns = [
    path("", views.PackListView.as_view(), name="pack_list"),
    path("new/", views.PackStartView.as_view(), name="pack_add"),
    path("<int:pk>/", views.PackDetailView.as_view(), name="pack_detail"),
    path("<int:pk>/history/", views.PackHistoryView.as_view(), name="pack_history"),
    path("<int:pk>/download/", views.PackDownloadView.as_view(), name="pack_download"),
    path("<int:pk>/retry/", views.PackRetryView.as_view(), name="pack_retry"),
]
