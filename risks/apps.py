from django.apps import AppConfig


class RisksConfig(AppConfig):
    """Risk criteria, register, assessments and treatment (6.1.1–6.1.3, 8.2, 8.3)."""

    name = "risks"
    verbose_name = "AI risk management"
