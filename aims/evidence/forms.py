from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aims.core.forms import TrackedModelForm
from aims.evidence.links import registry
from aims.evidence.models import EvidenceFile, EvidenceItem, EvidenceKind


def link_names() -> list[str]:
    """The registered links an item can have (``aims.evidence.links``), in page order."""
    return [spec.accessor for spec in registry]


def add_link_fields(form: TrackedModelForm, *, size: int = 6) -> None:
    """One choice list per registered link: reachable records of the form's organisation."""
    org_id = getattr(form.organization, "pk", None)
    for spec in registry:
        field = forms.ModelMultipleChoiceField(
            queryset=spec.reachable(form.user, org_id),
            required=False,
            label=spec.label,
            help_text=spec.help_text,
        )
        field.widget.attrs["size"] = size
        form.fields[spec.accessor] = field
        if form.instance.pk and spec.accessor not in form.initial:
            form.initial[spec.accessor] = list(
                getattr(form.instance, spec.accessor).values_list("pk", flat=True)
            )


def save_links(form: TrackedModelForm, item: EvidenceItem) -> None:
    """Set the item's registered links from the form (reverse side of the higher models)."""
    for spec in registry:
        if spec.accessor in form.cleaned_data:
            getattr(item, spec.accessor).set(form.cleaned_data[spec.accessor])


class EvidenceItemForm(TrackedModelForm):
    """A new evidence item: a link, or a file with its first version (a multipart form)."""

    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "For a file: the document, export or screenshot. Its fingerprint (SHA-256) is kept."
        ),
    )
    sections = [
        (
            _("What it is"),
            _("A short title an auditor would recognise, and what the evidence shows."),
            ["title", "description", "owner"],
        ),
        (
            _("File or link"),
            _("Upload a file, or point to where the evidence lives."),
            ["kind", "file", "url"],
        ),
        (
            _("Validity"),
            _(
                "When the evidence starts and stops being current. Leave empty if it does not expire."
            ),
            ["valid_from", "valid_until"],
        ),
        (
            _("Period covered"),
            _("The period the evidence shows, such as the quarter a review looked at."),
            ["period_from", "period_until"],
        ),
        (_("Links"), _("What this evidence supports."), []),
    ]

    class Meta:
        model = EvidenceItem
        fields = [
            "title",
            "description",
            "owner",
            "kind",
            "url",
            "valid_from",
            "valid_until",
            "period_from",
            "period_until",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "valid_from": TrackedModelForm.date_widget(),
            "valid_until": TrackedModelForm.date_widget(),
            "period_from": TrackedModelForm.date_widget(),
            "period_until": TrackedModelForm.date_widget(),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        add_link_fields(self)
        self.sections = [*self.sections[:-1], (*self.sections[-1][:2], link_names())]
        self.fields["kind"].choices = EvidenceKind.choices
        if not self.initial.get("kind"):
            self.initial["kind"] = EvidenceKind.FILE

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind == EvidenceKind.FILE and not data.get("file") and "file" not in self.errors:
            self.add_error("file", _("Choose the file to upload."))
        if kind == EvidenceKind.LINK and data.get("file"):
            self.add_error("file", _("A link item has no file; choose “File” to upload one."))
        if kind == EvidenceKind.FILE:
            data["url"] = ""
        return data


class EvidenceItemEditForm(TrackedModelForm):
    """Editing an item: its description and validity (files are added as new versions)."""

    sections = [
        EvidenceItemForm.sections[0],
        (_("Link"), _("Where the evidence lives (link items only)."), ["url"]),
        EvidenceItemForm.sections[2],
        EvidenceItemForm.sections[3],
    ]

    class Meta:
        model = EvidenceItem
        fields = [
            "title",
            "description",
            "owner",
            "url",
            "valid_from",
            "valid_until",
            "period_from",
            "period_until",
        ]
        widgets = {
            "valid_from": TrackedModelForm.date_widget(),
            "valid_until": TrackedModelForm.date_widget(),
            "period_from": TrackedModelForm.date_widget(),
            "period_until": TrackedModelForm.date_widget(),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.kind == EvidenceKind.FILE:
            del self.fields["url"]


class EvidenceLinksForm(TrackedModelForm):
    """What an item supports: one list per link the higher apps registered."""

    class Meta:
        model = EvidenceItem
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        add_link_fields(self, size=12)

    def _save_m2m(self) -> None:
        super()._save_m2m()
        save_links(self, self.instance)


class EvidenceFileForm(TrackedModelForm):
    """A new version of an item's file."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("The new version replaces the current one; older versions stay."),
    )

    class Meta:
        model = EvidenceFile
        fields = ["note"]
        help_texts = {"note": _("What changed in this version (optional).")}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.order_fields(["file", "note"])
