"""Base forms: every form of the product refuses implausible dates and unstorable values
(``CleanInputFormMixin``); ``TrackedModelForm`` is the base for a tracked record's form."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from aims.core.permissions import (
    Action,
    UserPurpose,
    policy_of,
    restrict,
    user_purpose_of,
    users_choosable,
)
from aims.core.validators import unstorable_reason, validate_plausible_date

VERSION_FIELD = "_version"

# What a drop-down shows before anything is chosen (Django's default is "---------").
CHOOSE_LABEL = _("Choose…")
NONE_LABEL = _("Not chosen")


def label_empty_choices(fields: dict[str, forms.Field]) -> None:
    """Give every drop-down a meaningful empty choice: "Choose…" where a value is required,
    "Not chosen" where the field may stay empty."""
    for field in fields.values():
        if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            continue
        label = CHOOSE_LABEL if field.required else NONE_LABEL
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None:
                field.empty_label = label
        elif isinstance(field, forms.ChoiceField) and not isinstance(
            field, forms.MultipleChoiceField
        ):
            choices = list(field.choices)
            if choices and choices[0][0] in ("", None) and str(choices[0][1]) == "---------":
                field.choices = [("", label), *choices[1:]]


class CleanInputFormMixin:
    """Every date field must hold a plausible date (``validate_plausible_date``) and no
    field may hold what the database cannot store (``unstorable_reason``: a NUL character
    inside decoded JSON, a non-finite number), each refused on its field. Line breaks are
    stored as LF, whatever the browser sent. Put it first in
    the bases of every form (``tests/core/test_bad_input.py`` checks that each one has it).
    Its drop-downs get a meaningful empty choice (``label_empty_choices``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_empty_choices(self.fields)
        for field in self.fields.values():
            if isinstance(field, forms.DateField | forms.DateTimeField):
                field.validators.append(validate_plausible_date)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, value in list(self.cleaned_data.items()):
            if isinstance(value, str) and "\r" in value:
                # Browsers send a textarea's lines as CRLF; store them as the API and the
                # imports do, so an unchanged text saved from a form stays unchanged.
                value = value.replace("\r\n", "\n").replace("\r", "\n")
                self.cleaned_data[name] = value
            if not isinstance(value, models.Model) and (reason := unstorable_reason(value)):
                self.add_error(name, reason)
        return data


class SectionedFormMixin:
    """``sections`` groups fields under headings for long forms: ``[(title, help, [fields])]``."""

    sections: ClassVar[list[tuple[str, str, list[str]]]] = []

    def grouped_fields(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        if not self.sections:
            return [("", "", list(self.visible_fields()))]
        return [
            (title, help_text, [self[name] for name in names if name in self.fields])
            for title, help_text, names in self.sections
        ]


class DecisionForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    """The optional note that goes with a document decision (approve, return)."""

    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TrackedModelForm(CleanInputFormMixin, SectionedFormMixin, forms.ModelForm):
    """Carries the record's version (to refuse stale saves) and offers only reachable choices."""

    @staticmethod
    def date_widget() -> forms.DateInput:
        return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, *args: Any, organization=None, user=None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.user = user
        self.fields[VERSION_FIELD] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        if self.instance.pk:
            self.initial.setdefault(VERSION_FIELD, self.instance.version)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = self.reachable(field.queryset, field_name=name)
            if field.required and not isinstance(
                field.widget, forms.HiddenInput | forms.CheckboxSelectMultiple
            ):
                field.widget.attrs.setdefault("required", True)
                field.widget.attrs.setdefault("aria-required", "true")

    def reachable(
        self, queryset: models.QuerySet, *, field_name: str | None = None
    ) -> models.QuerySet:
        """Limit a choice list to records of this organisation the user can see; people to
        those who may be chosen for the field (``users_choosable``)."""
        model = queryset.model
        if model is get_user_model():
            purpose = user_purpose_of(self._meta.model, field_name) or UserPurpose.OWNER
            return users_choosable(organization=self.organization, purpose=purpose)
        policy = policy_of(model)
        qs = restrict(queryset, self.user, Action.VIEW)
        if self.organization is not None and not policy.global_read:
            org_filter = (
                {"pk": self.organization.pk}
                if policy.org_path == "pk"
                else {policy.org_path: self.organization}
            )
            qs = qs.filter(**org_filter)
        return qs

    def _update_errors(self, errors: ValidationError) -> None:
        # The model's clean() sees an empty value where the form refused the input (a bad
        # link reads as "no link"): one error per field, the form's, which names the cause.
        if hasattr(errors, "error_dict"):
            kept = {
                k: v
                for k, v in errors.error_dict.items()
                if k == NON_FIELD_ERRORS or k not in self._errors
            }
            if not kept:
                return
            errors = ValidationError(kept)
        super()._update_errors(errors)

    def save(self, commit: bool = True):
        self.cleaned_data.pop(VERSION_FIELD, None)
        return super().save(commit=commit)
