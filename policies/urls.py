from django.urls import path

from policies.views import documents

app_name = "policies"

urlpatterns: list = [
    # Each area's pages, in its own section: policies/, roles/, objectives/, ...
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
]
