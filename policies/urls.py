from django.urls import path  # noqa: F401  (each area adds its pages below)

app_name = "policies"

urlpatterns: list = [
    # Each area's pages, in its own section: policies/, roles/, objectives/, ...
]
