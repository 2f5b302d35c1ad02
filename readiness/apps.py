from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    """Clause readiness and the dashboard: pages that read every register. No models (the
    organisation's own clause statuses are ``controls.ClauseStatus``)."""

    name = "readiness"
    verbose_name = "Readiness"

    def ready(self) -> None:
        # The clause-status API (controls) reports which clauses a rule checks. Imported
        # here: apps.py loads before the models that these modules need.
        from controls import clause_checks
        from readiness import rules

        clause_checks.register(automatic=rules.RULES, later_modules=rules.LATER_MODULES)
