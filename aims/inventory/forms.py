from django import forms
from django.utils.translation import gettext_lazy as _

from aims.core.forms import TrackedModelForm
from aims.inventory.models import (
    AIStakeholderRole,
    AISystem,
    AISystemComponent,
    AISystemDataset,
)


class AISystemForm(TrackedModelForm):
    ai_roles = forms.MultipleChoiceField(
        label=_("Our AI roles"),
        choices=AIStakeholderRole.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every role the organisation plays for this system (ISO/IEC 22989)."),
    )
    sections = [
        (
            _("Identity"),
            _("What the system is called and who answers for it."),
            ["name", "reference", "owner", "business_unit", "status"],
        ),
        (
            _("Purpose and use"),
            _("Why the system exists and how it should — and should not — be used."),
            ["description", "purpose", "intended_use", "foreseeable_misuse"],
        ),
        (
            _("Role and life cycle"),
            _("Our part in the system's life and where it stands now."),
            ["ai_roles", "eu_ai_act_role", "lifecycle_stage", "eu_ai_act_tier"],
        ),
        (
            _("Deployment context"),
            _("Where it runs, for whom, and in which languages."),
            ["users_description", "geographies", "languages", "compute"],
        ),
        (
            _("Oversight and review"),
            _("How people stay in control, and when the record is looked at again."),
            ["human_oversight", "review_interval_months", "next_review_date"],
        ),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["eu_ai_act_role"]
        field.choices = [("", _("Not determined")), *list(field.choices)[1:]]
        classified_on = self.instance.eu_ai_act_classified_on
        if classified_on:
            # The classification's: changed by reclassifying (tab "EU AI Act"), not here.
            for name in ("eu_ai_act_role", "eu_ai_act_tier"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Set by the EU AI Act classification of %(date)s; reclassify the system "
                    "to change it."
                ) % {"date": classified_on.strftime("%d %b %Y")}

    class Meta:
        model = AISystem
        fields = [
            "name",
            "reference",
            "owner",
            "business_unit",
            "status",
            "description",
            "purpose",
            "intended_use",
            "foreseeable_misuse",
            "ai_roles",
            "eu_ai_act_role",
            "lifecycle_stage",
            "eu_ai_act_tier",
            "users_description",
            "geographies",
            "languages",
            "compute",
            "human_oversight",
            "review_interval_months",
            "next_review_date",
        ]
        widgets = {"next_review_date": TrackedModelForm.date_widget()}


class AISystemDatasetForm(TrackedModelForm):
    class Meta:
        model = AISystemDataset
        fields = [
            "name",
            "purpose",
            "source",
            "provenance",
            "contains_personal_data",
            "special_category_data",
            "notes",
        ]


class AISystemComponentForm(TrackedModelForm):
    class Meta:
        model = AISystemComponent
        fields = ["name", "kind", "component_version", "supplier", "is_third_party", "notes"]
