from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """PDF rendering and exports. No models; listed in INSTALLED_APPS so that Celery's
    autodiscovery imports ``aims.reports.tasks`` in the worker."""

    name = "aims.reports"
    label = "reports"
    verbose_name = "Reports and exports"
