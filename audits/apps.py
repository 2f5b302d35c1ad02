from django.apps import AppConfig


class AuditsConfig(AppConfig):
    """Internal audits, management reviews, nonconformities and incidents (9.2, 9.3, 10)."""

    name = "audits"
    verbose_name = "Evaluation and improvement"

    def ready(self) -> None:
        from audits import signals  # noqa: F401  (connects the incident re-assessment trigger)
