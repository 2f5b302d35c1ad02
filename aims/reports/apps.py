from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The export download views (SoA, risk register). No models. The rendering they use
    lives in ``aims.core.pdf`` and ``aims.core.tabular``; each app's PDF jobs are in its own
    ``tasks.py``."""

    name = "aims.reports"
    label = "reports"
    verbose_name = "Reports and exports"
