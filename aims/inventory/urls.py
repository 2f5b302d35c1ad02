from django.urls import path

from aims.inventory import views

app_name = "inventory"

urlpatterns = [
    path("", views.AISystemListView.as_view(), name="aisystem_list"),
    path("add/", views.AISystemEditView.as_view(), name="aisystem_add"),
    path("<int:pk>/", views.AISystemDetailView.as_view(), name="aisystem_detail"),
    path("<int:pk>/parts/", views.AISystemPartsView.as_view(), name="aisystem_parts"),
    path("<int:pk>/history/", views.AISystemHistoryView.as_view(), name="aisystem_history"),
    path("<int:pk>/edit/", views.AISystemEditView.as_view(), name="aisystem_edit"),
    path("<int:pk>/delete/", views.AISystemDeleteView.as_view(), name="aisystem_delete"),
    path("<int:parent_pk>/datasets/add/", views.DatasetEditView.as_view(), name="dataset_add"),
    path("datasets/<int:pk>/edit/", views.DatasetEditView.as_view(), name="dataset_edit"),
    path("datasets/<int:pk>/delete/", views.DatasetDeleteView.as_view(), name="dataset_delete"),
    path("datasets/<int:pk>/history/", views.DatasetHistoryView.as_view(), name="dataset_history"),
    path(
        "<int:parent_pk>/components/add/", views.ComponentEditView.as_view(), name="component_add"
    ),
    path("components/<int:pk>/edit/", views.ComponentEditView.as_view(), name="component_edit"),
    path(
        "components/<int:pk>/delete/", views.ComponentDeleteView.as_view(), name="component_delete"
    ),
    path(
        "components/<int:pk>/history/",
        views.ComponentHistoryView.as_view(),
        name="component_history",
    ),
    path("export/", views.InventoryExportView.as_view(), name="aisystem_export"),
]
