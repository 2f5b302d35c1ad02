"""The forms that start a pack: a full pack for a scope, or a delta between two packs."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aims.core.forms import TrackedModelForm
from packs.models import EvidencePack, PackKind, ScopeKind


class EvidencePackForm(TrackedModelForm):
    """Start a pack. The scope decides which of the other fields counts."""

    class Meta:
        model = EvidencePack
        fields = ["kind", "scope_kind", "ai_system", "engagement", "base", "target"]
        labels = {"kind": _("What to build")}
        help_texts = {
            "kind": _(
                "A full pack holds the records and evidence of its scope; a delta pack lists "
                "what changed between two packs already built (for example Stage 1 and Stage 2)."
            ),
            "scope_kind": _(
                "For a full pack: everything, one AI system, or exactly what an auditor "
                "engagement shows its auditors."
            ),
            "ai_system": _("Only when the scope is one AI system."),
            "engagement": _("Only when the scope is an auditor engagement."),
            "base": _("For a delta pack: the earlier pack."),
            "target": _("For a delta pack: the later pack; the delta has its scope."),
        }
        widgets = {"kind": forms.RadioSelect, "scope_kind": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("base", "target"):
            self.fields[name].queryset = (
                self.fields[name]
                .queryset.filter(kind=PackKind.FULL)
                .exclude(file="")
                .order_by("-number")
            )
            self.fields[name].label_from_instance = lambda p: f"{p.reference} · {p.scope_text}"

    def clean(self):
        data = super().clean()
        errors = {}
        if data.get("kind") == PackKind.DELTA:
            for name in ("base", "target"):
                if not data.get(name):
                    errors[name] = _("A delta pack needs two packs: choose this one.")
        elif data.get("scope_kind") == ScopeKind.SYSTEM and not data.get("ai_system"):
            errors["ai_system"] = _("Choose the AI system the pack covers.")
        elif data.get("scope_kind") == ScopeKind.ENGAGEMENT and not data.get("engagement"):
            errors["engagement"] = _("Choose the engagement the pack is for.")
        if errors:
            raise ValidationError(errors)
        return data
