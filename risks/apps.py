from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    """Risk criteria, register, assessments and treatment (6.1.1–6.1.3, 8.2, 8.3)."""

    name = "risks"
    verbose_name = "AI risk management"

    def ready(self) -> None:
        # Models and the lower apps' registries load only once the app registry is ready.
        from aims.evidence import links as evidence_links
        from controls import links as control_links
        from risks.models import Risk

        evidence_links.register(
            evidence_links.LinkSpec(
                model=Risk,
                field="evidence",
                accessor="risks",
                param="risk",
                label=_("Risks"),
                empty_text=_("Not linked to any risk yet."),
                help_text=_("The risks whose treatment this evidence shows."),
                url_name="risks:risk_detail",
                order_by=("number",),
                position=20,
            )
        )
        control_links.register(
            control_links.LinkSpec(
                model=Risk,
                field="controls",
                accessor="risks",
                param="risk",
                label=_("Risks"),
                empty_text=_(
                    "No risk is linked to this control yet. Link it from the risk's treatment, "
                    "in the risk register."
                ),
                url_name="risks:risk_detail",
                order_by=("number",),
                rows_template="risks/_control_risks.html",
                select_related=("owner",),
                prefetch_related=("criteria",),  # a handful of criteria versions, fetched once
            )
        )
