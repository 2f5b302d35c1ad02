from django.urls import path

from controls import views

app_name = "controls"

urlpatterns = [
    path("catalog/", views.RequirementListView.as_view(), name="requirement_list"),
    path("catalog/<int:pk>/", views.RequirementDetailView.as_view(), name="requirement_detail"),
]
