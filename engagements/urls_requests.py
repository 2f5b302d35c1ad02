"""Information requests pages, mounted under ``/o/<org>/information-requests/``."""

from django.urls import path

from engagements import views

# Its own namespace, apart from the engagement pages of this app.
app_name = "information_requests"

information_request_urlpatterns = [
    path("", views.RequestListView.as_view(), name="list"),
    path("ask/", views.RequestAskView.as_view(), name="add"),
    path("<int:pk>/", views.RequestDetailView.as_view(), name="detail"),
    path("<int:pk>/reply/", views.RequestReplyView.as_view(), name="reply"),
    path("<int:pk>/close/", views.RequestCloseView.as_view(), name="close"),
    path("<int:pk>/reopen/", views.RequestReopenView.as_view(), name="reopen"),
    path("<int:pk>/history/", views.RequestHistoryView.as_view(), name="history"),
]

urlpatterns = information_request_urlpatterns
