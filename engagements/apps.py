from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    """Auditor engagements: scope, window and auditors of each audit of the AIMS."""

    name = "engagements"
    verbose_name = "Auditor engagements"

    def ready(self) -> None:
        from aims.core.permissions import register_auditor_scopes
        from engagements.scopes import open_scopes_of

        register_auditor_scopes(open_scopes_of)
