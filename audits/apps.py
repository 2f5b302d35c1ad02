from django.apps import AppConfig


class AuditsConfig(AppConfig):
    """Internal audits, management reviews, nonconformities and incidents (9.2, 9.3, 10)."""

    name = "audits"
    verbose_name = "Evaluation and improvement"

    def ready(self) -> None:
        # Inside ready(): models may be imported only once the app registry is loaded.
        from django.utils.translation import gettext_lazy as _

        from audits import signals  # noqa: F401  (connects the incident re-assessment trigger)
        from audits.models import Incident
        from policies import follow_ons

        follow_ons.register(
            "incidents",
            follow_ons.FollowOn(
                model=Incident,
                field="reported_through",
                add_url_name="audits:incident_add",
                action_label=_("Record as an AI incident"),
                linked_label=_("Recorded as AI incident"),
            ),
        )
