from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aims.core.forms import TrackedModelForm
from aims.evidence.models import EvidenceFile, EvidenceItem, EvidenceKind

LINK_FIELDS = ["controls", "risks", "clauses"]
_LINK_HELP = {
    "controls": _("The controls of your Statement of Applicability this evidence supports."),
    "risks": _("The risks whose treatment this evidence shows."),
    "clauses": _("The management-system clauses this evidence helps you meet."),
}


def _size_link_widgets(form: forms.Form) -> None:
    for name in LINK_FIELDS:
        if name in form.fields:
            form.fields[name].widget.attrs["size"] = 6
            form.fields[name].help_text = _LINK_HELP[name]


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
        (_("Links"), _("What this evidence supports."), LINK_FIELDS),
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
            *LINK_FIELDS,
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "valid_from": TrackedModelForm.date_widget(),
            "valid_until": TrackedModelForm.date_widget(),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _size_link_widgets(self)
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
    ]

    class Meta:
        model = EvidenceItem
        fields = ["title", "description", "owner", "url", "valid_from", "valid_until"]
        widgets = {
            "valid_from": TrackedModelForm.date_widget(),
            "valid_until": TrackedModelForm.date_widget(),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.kind == EvidenceKind.FILE:
            del self.fields["url"]


class EvidenceLinksForm(TrackedModelForm):
    """Which controls, risks and clauses an item supports."""

    class Meta:
        model = EvidenceItem
        fields = LINK_FIELDS

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _size_link_widgets(self)
        for name in LINK_FIELDS:
            self.fields[name].widget.attrs["size"] = 12


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
