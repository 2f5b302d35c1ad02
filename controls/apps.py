from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ControlsConfig(AppConfig):
    name = "controls"
    verbose_name = "Controls and catalog"

    def ready(self) -> None:
        # Models and the lower app's registry load only once the app registry is ready.
        from aims.evidence import links as evidence_links
        from controls.models import ControlImplementation, Requirement

        evidence_links.register(
            evidence_links.LinkSpec(
                model=ControlImplementation,
                field="evidence",
                accessor="controls",
                param="control",
                label=_("Controls"),
                empty_text=_("Not linked to any control yet."),
                help_text=_(
                    "The controls of your Statement of Applicability this evidence supports."
                ),
                url_name="controls:implementation_detail",
                order_by=("ref",),
                position=10,
            )
        )
        evidence_links.register(
            evidence_links.LinkSpec(
                model=Requirement,
                field="evidence",
                accessor="clauses",
                param="clause",
                label=_("Clauses"),
                empty_text=_("Not linked to any clause yet."),
                help_text=_("The management-system clauses this evidence helps you meet."),
                url_name="controls:requirement_detail",
                order_by=("sort_key",),
                choices=Q(kind="clause", assessable=True),
                position=30,
            )
        )
