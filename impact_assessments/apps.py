from django.apps import AppConfig


class ImpactAssessmentsConfig(AppConfig):
    """AI system impact assessments and EU AI Act classification (6.1.4, 8.4, A.5)."""

    name = "impact_assessments"
    verbose_name = "AI system impact assessment"

    def ready(self) -> None:
        from impact_assessments import signals  # noqa: F401  (connects the review triggers)
