from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "aims.api"
    label = "api"
    verbose_name = "REST API"
