from django.apps import AppConfig


class AuditsConfig(AppConfig):
    """Internal audits, management reviews, nonconformities and incidents (9.2, 9.3, 10)."""

    name = "audits"
    verbose_name = "Evaluation and improvement"
