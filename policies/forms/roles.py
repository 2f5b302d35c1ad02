"""Forms of the roles area."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aims.core.forms import TrackedModelForm
from aims.core.permissions import EDIT_ROLES, role_in
from controls.models import Requirement
from policies.models.roles import (
    AIMSProcess,
    AIMSRole,
    CompetenceRequirement,
    RecordType,
    TrainingRecord,
)
from policies.services.roles import training_record_check_person


class AIMSProcessForm(TrackedModelForm):
    record_types = forms.MultipleChoiceField(
        label=_("Records it produces"),
        choices=RecordType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The kinds of record this process writes in the platform."),
    )

    class Meta:
        model = AIMSProcess
        fields = [
            "name",
            "purpose",
            "owner",
            "inputs",
            "outputs",
            "interacts_with",
            "record_types",
            "clauses",
        ]
        widgets = {
            "interacts_with": forms.CheckboxSelectMultiple,
            "clauses": forms.SelectMultiple(attrs={"size": 12}),
        }

    sections = [
        (_("The process"), "", ["name", "purpose", "owner"]),
        (_("Inputs and outputs"), "", ["inputs", "outputs"]),
        (
            _("Links"),
            _("How it works with the rest of the AIMS."),
            ["interacts_with", "record_types", "clauses"],
        ),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = self.fields["interacts_with"].queryset
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["interacts_with"].queryset = others
        self.fields["clauses"].queryset = Requirement.objects.filter(
            framework__code="iso42001", kind="clause"
        ).order_by("sort_key")
        self.fields["clauses"].label_from_instance = lambda r: f"{r.ref} {r.title}"


class AIMSRoleForm(TrackedModelForm):
    class Meta:
        model = AIMSRole
        fields = ["name", "responsibilities", "authorities", "reports_to", "members"]
        widgets = {"members": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["reports_to"].queryset = self.fields["reports_to"].queryset.exclude(
                pk=self.instance.pk
            )
        self.fields["members"].label_from_instance = lambda u: u.display_name


class CompetenceRequirementForm(TrackedModelForm):
    class Meta:
        model = CompetenceRequirement
        fields = ["role", "title", "rationale", "renewal_months"]


class TrainingRecordForm(TrackedModelForm):
    class Meta:
        model = TrainingRecord
        fields = [
            "person",
            "title",
            "kind",
            "provider",
            "completed_on",
            "expires_on",
            "evidence",
            "meets",
            "notes",
        ]
        widgets = {
            "completed_on": TrackedModelForm.date_widget(),
            "expires_on": TrackedModelForm.date_widget(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].label_from_instance = lambda u: u.display_name
        self.fields["meets"].queryset = self.fields["meets"].queryset.select_related("role")
        user, org = self.user, self.organization
        if (
            user is not None
            and org is not None
            and not user.is_superuser
            and role_in(user, org.pk) not in EDIT_ROLES
        ):
            # A contributor keeps their own records: they are the only choice.
            self.fields["person"].queryset = self.fields["person"].queryset.filter(pk=user.pk)
            if not self.instance.pk:
                self.initial.setdefault("person", user.pk)

    def clean(self):
        data = super().clean()
        if self.organization is not None and "person" in data:
            try:
                training_record_check_person(
                    actor=self.user, organization_id=self.organization.pk, person=data["person"]
                )
            except forms.ValidationError as exc:
                self.add_error(None, exc)
        return data
