from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "aims.organizations"
    label = "organizations"
    verbose_name = "Organisations and people"
