"""Forms of the objectives area: objectives, KPI measurements, communication items."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aims.core.forms import TrackedModelForm
from policies.models import AIObjective, CommunicationItem, KPIMeasurement
from risks.forms import CheckboxList


class AIObjectiveForm(TrackedModelForm):
    sections = [
        (
            _("The objective"),
            _("What the organisation wants to achieve, and which Annex C objectives it serves."),
            ["title", "description", "guides", "annex_c_objectives", "owner", "status"],
        ),
        (
            _("How it is measured"),
            _(
                "The KPI, its unit and the target. A value that misses the target by no more "
                "than the at-risk margin shows as at risk; beyond it, off track."
            ),
            [
                "metric",
                "unit",
                "direction",
                "target_value",
                "target_upper",
                "at_risk_margin",
                "frequency",
                "due_date",
            ],
        ),
        (
            _("The plan"),
            _("What will be done, with what, by whom, by when, and how results are evaluated."),
            [
                "plan_actions",
                "plan_resources",
                "plan_responsible",
                "plan_timeline",
                "plan_evaluation",
            ],
        ),
        (
            _("Review"),
            _("When the objective itself is looked at again."),
            ["review_interval_months", "next_review_date"],
        ),
    ]

    class Meta:
        model = AIObjective
        fields = [
            "title",
            "description",
            "guides",
            "annex_c_objectives",
            "owner",
            "status",
            "metric",
            "unit",
            "direction",
            "target_value",
            "target_upper",
            "at_risk_margin",
            "frequency",
            "due_date",
            "plan_actions",
            "plan_resources",
            "plan_responsible",
            "plan_timeline",
            "plan_evaluation",
            "review_interval_months",
            "next_review_date",
        ]
        widgets = {
            "annex_c_objectives": CheckboxList,
            "due_date": TrackedModelForm.date_widget(),
            "next_review_date": TrackedModelForm.date_widget(),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["annex_c_objectives"]
        field.queryset = field.queryset.filter(framework__code="iso42001").order_by("sort_key")
        field.label_from_instance = lambda r: f"{r.ref} {r.title}"


class KPIMeasurementForm(TrackedModelForm):
    class Meta:
        model = KPIMeasurement
        fields = ["measured_on", "value", "note"]
        widgets = {
            "measured_on": TrackedModelForm.date_widget(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        objective = (
            getattr(self.instance, "objective", None) if self.instance.objective_id else None
        )
        if objective is not None and objective.unit:
            self.fields["value"].label = _("Value (%(unit)s)") % {"unit": objective.unit}
        self.fields["value"].error_messages["invalid"] = _(
            "Enter the value as a number (digits, with a point for decimals), without the unit."
        )


class CommunicationItemForm(TrackedModelForm):
    class Meta:
        model = CommunicationItem
        fields = [
            "subject",
            "details",
            "kind",
            "audience",
            "channel",
            "frequency",
            "owner",
            "last_done",
            "next_due",
        ]
        widgets = {
            "last_done": TrackedModelForm.date_widget(),
            "next_due": TrackedModelForm.date_widget(),
        }
