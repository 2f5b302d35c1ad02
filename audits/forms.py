from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aims.core.forms import CleanInputFormMixin, SectionedFormMixin, TrackedModelForm
from audits.models import (
    HELD_STATUSES,
    SCOPE_FIELDS,
    Audit,
    AuditChecklistLine,
    AuditProgramme,
    AuditReport,
    AuditStatus,
    CorrectiveAction,
    FindingResult,
    Incident,
    IncidentCommunication,
    ManagementReview,
    Nonconformity,
    Opportunity,
    ReviewDecision,
    ReviewInput,
    ReviewMinutes,
    independence_conflicts,
)
from controls.models import Requirement, RequirementKind
from policies.models import Concern

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]


def datetime_widget() -> forms.DateTimeInput:
    """The browser's date-and-time picker; the value is read in the organisation's time zone."""
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class _DateTimes:
    datetime_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.datetime_fields:
            if name in self.fields:
                self.fields[name].widget = datetime_widget()
                self.fields[name].input_formats = DATETIME_FORMATS


def requirement_choices():
    """The clauses and Annex A controls a nonconformity or an improvement may concern."""
    return (
        Requirement.objects.filter(framework__code="iso42001", withdrawn=False)
        .filter(Q(kind=RequirementKind.CLAUSE, assessable=True) | Q(kind=RequirementKind.CONTROL))
        .order_by("sort_key")
    )


class IncidentForm(_DateTimes, TrackedModelForm):
    datetime_fields = ("occurred_at", "detected_at", "aware_at", "reported_at")
    sections = [
        (
            _("What happened"),
            _("Times are in the organisation's time zone."),
            [
                "title",
                "description",
                "severity",
                "status",
                "owner",
                "occurred_at",
                "detected_at",
                "reported_through",
            ],
        ),
        (
            _("Who and what it affected"),
            "",
            ["ai_systems", "affected_people", "affected_count", "risks"],
        ),
        (_("Response"), "", ["containment", "resolution"]),
        (
            _("EU AI Act reporting (Art. 73)"),
            _(
                "For a serious incident, the report to the market surveillance authority is "
                "due 15 days after you became aware of it; 2 days for a widespread "
                "infringement or a serious disruption of critical infrastructure; 10 days "
                "after a death. Calendar days: weekends count."
            ),
            ["serious_incident", "aware_at", "reported_at", "report_reference"],
        ),
    ]

    class Meta:
        model = Incident
        fields = [
            "title",
            "description",
            "severity",
            "status",
            "owner",
            "occurred_at",
            "detected_at",
            "reported_through",
            "ai_systems",
            "affected_people",
            "affected_count",
            "risks",
            "containment",
            "resolution",
            "serious_incident",
            "aware_at",
            "reported_at",
            "report_reference",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The organisation's concerns the user may see (``reachable``), newest first.
        field = self.fields["reported_through"]
        field.queryset = field.queryset.order_by("-created_at", "-pk")
        field.empty_label = _("None: not reported through a concern")
        current = self.instance.reported_through_id
        if current is not None and not field.queryset.filter(pk=current).exists():
            # Linked by someone who handles concerns: kept as it is, named by reference only.
            field.disabled = True
            field.queryset = Concern.objects.filter(pk=current)
            field.label_from_instance = lambda concern: f"C-{concern.pk}"
            field.help_text = _("Set by those who handle concerns; only they can change it.")


class IncidentCommunicationForm(_DateTimes, TrackedModelForm):
    datetime_fields = ("sent_at",)

    class Meta:
        model = IncidentCommunication
        fields = ["audience", "channel", "message", "status", "due_on", "sent_at", "sent_by"]
        widgets = {"due_on": TrackedModelForm.date_widget()}


class NonconformityForm(TrackedModelForm):
    sections = [
        (
            _("What was found"),
            "",
            ["title", "description", "requirement", "severity", "source", "incident", "found_on"],
        ),
        (_("Where and who"), "", ["ai_systems", "owner"]),
        (
            _("Correction and cause"),
            _("The correction contains it now; the root cause says why it happened."),
            ["correction", "root_cause"],
        ),
    ]

    class Meta:
        model = Nonconformity
        fields = [
            "title",
            "description",
            "requirement",
            "severity",
            "source",
            "incident",
            "found_on",
            "ai_systems",
            "owner",
            "correction",
            "root_cause",
        ]
        widgets = {"found_on": TrackedModelForm.date_widget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = (
            Requirement.objects.filter(framework__code="iso42001", withdrawn=False)
            .filter(
                Q(kind=RequirementKind.CLAUSE, assessable=True) | Q(kind=RequirementKind.CONTROL)
            )
            .order_by("sort_key")
        )
        self.fields["requirement"].label_from_instance = lambda r: f"{r.ref} {r.title}"
        self.fields["incident"].queryset = Incident.objects.filter(
            organization=self.organization
        ).order_by("-number")


class CorrectiveActionForm(TrackedModelForm):
    class Meta:
        model = CorrectiveAction
        fields = ["description", "owner", "due_date", "status", "completed_on", "notes"]
        widgets = {
            "due_date": TrackedModelForm.date_widget(),
            "completed_on": TrackedModelForm.date_widget(),
        }


class VerificationForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    effective = forms.TypedChoiceField(
        label=_("Did the actions work?"),
        choices=[("yes", _("Yes: effective, close it")), ("no", _("No: not effective"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("What the check looked at and found"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why it is reopened"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


# --- Internal audit (9.2) --------------------------------------------------------------------


def audit_clause_choices():
    return Requirement.objects.filter(
        framework__code="iso42001", withdrawn=False, kind=RequirementKind.CLAUSE, assessable=True
    ).order_by("sort_key")


def audit_control_choices():
    return Requirement.objects.filter(
        framework__code="iso42001", withdrawn=False, kind=RequirementKind.CONTROL
    ).order_by("sort_key")


def _ref_label(requirement: Requirement) -> str:
    return f"{requirement.ref} {requirement.title}"


class AuditProgrammeForm(TrackedModelForm):
    class Meta:
        model = AuditProgramme
        fields = ["title", "period_start", "period_end", "owner", "objectives", "approach"]
        widgets = {
            "period_start": TrackedModelForm.date_widget(),
            "period_end": TrackedModelForm.date_widget(),
        }


class AuditForm(TrackedModelForm):
    """An audit's plan. Nobody audits their own area: the auditors (and the lead) may own
    no AI system, SoA control or clause in the scope."""

    sections = [
        (_("The audit"), "", ["programme", "title", "objectives", "criteria"]),
        (
            _("Scope"),
            _("The checklist has a line per clause and per control chosen here."),
            ["clauses", "controls", "ai_systems"],
        ),
        (
            _("Auditors and dates"),
            _("The lead auditor leads the team; the auditors are the others in it."),
            ["lead_auditor", "auditors", "planned_start", "planned_end"],
        ),
        (_("Plan"), "", ["plan"]),
    ]

    class Meta:
        model = Audit
        fields = [
            "programme",
            "title",
            "objectives",
            "criteria",
            "clauses",
            "controls",
            "ai_systems",
            "lead_auditor",
            "auditors",
            "planned_start",
            "planned_end",
            "plan",
        ]
        widgets = {
            "planned_start": TrackedModelForm.date_widget(),
            "planned_end": TrackedModelForm.date_widget(),
            "clauses": forms.SelectMultiple(attrs={"size": 8}),
            "controls": forms.SelectMultiple(attrs={"size": 10}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clauses"].queryset = audit_clause_choices()
        self.fields["clauses"].label_from_instance = _ref_label
        self.fields["controls"].queryset = audit_control_choices()
        self.fields["controls"].label_from_instance = _ref_label
        if self.instance.programme_id and (
            not self.instance.pk or self.instance.status != AuditStatus.PLANNED
        ):
            # Added from its programme's page, or under way: it stays in its programme.
            self.fields["programme"].disabled = True
        if self.instance.pk and self.instance.status in HELD_STATUSES:
            for name in SCOPE_FIELDS:
                self.fields[name].disabled = True
        if self.instance.pk and self.instance.status == AuditStatus.CLOSED:
            for field in self.fields.values():
                field.disabled = True

    def clean(self):
        data = super().clean()
        if self.instance.pk and self.instance.status == AuditStatus.CLOSED:
            raise forms.ValidationError(_("The audit is closed: it no longer changes."))
        people = list(data.get("auditors") or [])
        lead = data.get("lead_auditor")
        if lead is not None and lead not in people:
            people.append(lead)
        conflicts = independence_conflicts(
            organization=self.organization,
            auditors=people,
            clauses=data.get("clauses") or [],
            controls=data.get("controls") or [],
            ai_systems=data.get("ai_systems") or [],
        )
        if conflicts:
            self.add_error(
                "auditors",
                [
                    _("Nobody audits their own area; choose other auditors or narrow the scope."),
                    *conflicts,
                ],
            )
        return data


class ChecklistLineForm(TrackedModelForm):
    """What the auditor found on one line: the result, the evidence sampled, the finding."""

    class Meta:
        model = AuditChecklistLine
        fields = ["result", "evidence", "sampled", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [("", _("Not yet answered")), *FindingResult.choices]


class AuditReportForm(TrackedModelForm):
    class Meta:
        model = AuditReport
        fields = ["summary", "conclusions", "change_summary", "review_interval_months"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "conclusions": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("summary", "conclusions"):
            self.fields[name].widget.attrs["rows"] = 6


class AuditStartForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    started_on = forms.DateField(
        label=_("Held from"), required=False, widget=TrackedModelForm.date_widget()
    )


class OpportunityForm(TrackedModelForm):
    class Meta:
        model = Opportunity
        fields = [
            "title",
            "description",
            "source",
            "incident",
            "requirement",
            "ai_systems",
            "raised_on",
            "owner",
            "due_date",
        ]
        widgets = {
            "raised_on": TrackedModelForm.date_widget(),
            "due_date": TrackedModelForm.date_widget(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = requirement_choices()
        self.fields["requirement"].label_from_instance = lambda r: f"{r.ref} {r.title}"
        self.fields["incident"].queryset = Incident.objects.filter(
            organization=self.organization
        ).order_by("-number")


class OpportunityDecisionForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Take it up?"),
        choices=[("yes", _("Yes: accept it")), ("no", _("No: not taken up"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 2}))


class OpportunityOutcomeForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    outcome = forms.CharField(
        label=_("What changed, and what it brought"), widget=forms.Textarea(attrs={"rows": 3})
    )
    implemented_on = forms.DateField(
        label=_("Implemented on"), required=False, widget=TrackedModelForm.date_widget()
    )


# --- Management review (9.3) -----------------------------------------------------------------


class ManagementReviewForm(TrackedModelForm):
    """When the review meets and who takes part; the agenda is assembled on saving."""

    sections = [
        (_("The review"), "", ["title", "planned_for"]),
        (
            _("Who takes part"),
            _("Top management chairs the review; list everyone present."),
            ["chair", "attendees", "other_attendees"],
        ),
    ]

    class Meta:
        model = ManagementReview
        fields = ["title", "planned_for", "chair", "attendees", "other_attendees"]
        widgets = {
            "planned_for": TrackedModelForm.date_widget(),
            "other_attendees": forms.Textarea(attrs={"rows": 3}),
        }


class ReviewHoldForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    held_on = forms.DateField(
        label=_("Held on"), required=False, widget=TrackedModelForm.date_widget()
    )


class ReviewInputForm(TrackedModelForm):
    class Meta:
        model = ReviewInput
        fields = ["minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 6})}


class ReviewDecisionForm(TrackedModelForm):
    class Meta:
        model = ReviewDecision
        fields = [
            "decision",
            "kind",
            "review_input",
            "owner",
            "due_date",
            "status",
            "completed_on",
            "outcome",
        ]
        widgets = {
            "decision": forms.Textarea(attrs={"rows": 3}),
            "due_date": TrackedModelForm.date_widget(),
            "completed_on": TrackedModelForm.date_widget(),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        review = self.instance.review if self.instance.review_id else None
        self.fields["review_input"].queryset = (
            ReviewInput.objects.filter(review=review) if review else ReviewInput.objects.none()
        )
        self.fields["review_input"].label_from_instance = lambda item: item.get_kind_display()


class ReviewMinutesForm(TrackedModelForm):
    class Meta:
        model = ReviewMinutes
        fields = ["summary", "conclusions", "change_summary", "review_interval_months"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "conclusions": forms.Textarea(attrs={"rows": 6}),
        }
