"""The kinds of documented information the product keeps itself (7.5.3).

Every controlled-document model (a subclass of ``aims.core.documents.ControlledVersion``,
whichever app defines it) and the evidence items, found in Django's app registry rather than
imported, so an app added later is listed without this module naming it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models

from aims.core.documents import ControlledVersion
from aims.evidence.models import EvidenceItem


@dataclass(frozen=True)
class RecordType:
    label: str  # the model label, "policies.policydocument"
    model: type[models.Model]
    controlled: bool  # versioned and approved (else: evidence)

    @property
    def name(self) -> str:
        """The plural name in the current language: "impact assessments"."""
        return str(self.model._meta.verbose_name_plural)


@cache
def record_types() -> tuple[RecordType, ...]:
    found = [
        RecordType(m._meta.label_lower, m, True)
        for m in apps.get_models()
        if issubclass(m, ControlledVersion) and not m._meta.abstract
    ]
    found.sort(key=lambda t: t.label)
    found.append(RecordType(EvidenceItem._meta.label_lower, EvidenceItem, False))
    return tuple(found)


def record_type_labels() -> dict[str, str]:
    return {t.label: t.name for t in record_types()}


def record_type_choices() -> list[tuple[str, Any]]:
    return [(t.label, t.name[:1].upper() + t.name[1:]) for t in record_types()]
