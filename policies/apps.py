from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    """AI policy and other controlled documents, roles, objectives, competence (5.x, 6.2, 7.x)."""

    name = "policies"
    verbose_name = "Leadership, policy and support"
