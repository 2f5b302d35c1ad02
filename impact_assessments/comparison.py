"""Two versions of one impact assessment side by side (8.4: every result is kept).

Sections are compared field by field. Parties and impacts have no identity across versions
(a revision copies them into new rows), so they are matched by what people recognise them
by: a party by its name and kind, an impact by its party's name and its description (both
compared without case or extra spaces). Two parts with the same key are paired in order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from controls.models import ControlImplementation
from impact_assessments.models import AffectedParty, Impact, ImpactAssessment
from risks.models import Risk


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def as_dict(self) -> dict[str, str]:
        return {"field": self.name, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class SectionRows:
    key: str
    label: str
    fields: list[FieldChange]

    @property
    def changed(self) -> bool:
        return any(f.changed for f in self.fields)


@dataclass(frozen=True)
class PartChange:
    """A party or impact found in both versions, with the fields that differ."""

    before: Any
    after: Any
    fields: list[FieldChange]


@dataclass
class PartDiff:
    added: list[Any] = field(default_factory=list)
    removed: list[Any] = field(default_factory=list)
    changed: list[PartChange] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True)
class AssessmentComparison:
    old: ImpactAssessment
    new: ImpactAssessment
    sections: list[SectionRows]
    parties: PartDiff
    impacts: PartDiff

    @property
    def changed_sections(self) -> int:
        return sum(1 for s in self.sections if s.changed)

    @property
    def identical(self) -> bool:
        return not self.changed_sections and not self.parties.any and not self.impacts.any

    def as_dict(self) -> dict[str, Any]:
        """What the API answers: ids, and only what changed."""

        def party(p: AffectedParty) -> dict[str, Any]:
            return {"id": p.pk, "name": p.name, "kind": p.kind}

        def impact(i: Impact) -> dict[str, Any]:
            return {
                "id": i.pk,
                "party": i.party.name,
                "nature": i.nature,
                "description": i.description,
            }

        def parts(diff: PartDiff, show: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
            return {
                "added": [show(p) for p in diff.added],
                "removed": [show(p) for p in diff.removed],
                "changed": [
                    {
                        "from": show(c.before),
                        "to": show(c.after),
                        "fields": [f.as_dict() for f in c.fields],
                    }
                    for c in diff.changed
                ],
            }

        return {
            "from": self.old.pk,
            "to": self.new.pk,
            "sections": [
                {"section": s.key, "fields": [f.as_dict() for f in s.fields if f.changed]}
                for s in self.sections
                if s.changed
            ],
            "parties": parts(self.parties, party),
            "impacts": parts(self.impacts, impact),
        }


def _norm(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _label(model: type, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name).capitalize()


PARTY_FIELDS: tuple[tuple[str, Callable[[AffectedParty], str]], ...] = (
    ("vulnerable", lambda p: _("Yes") if p.vulnerable else _("No")),
    ("notes", lambda p: _text(p.notes)),
)
IMPACT_FIELDS: tuple[tuple[str, Callable[[Impact], str]], ...] = (
    ("nature", lambda i: str(i.get_nature_display())),
    ("area", lambda i: str(i.get_area_display())),
    ("severity", lambda i: _text(i.severity)),
    ("likelihood", lambda i: _text(i.likelihood)),
    ("reach", lambda i: str(i.get_reach_display())),
    ("reversibility", lambda i: str(i.get_reversibility_display())),
    ("measures", lambda i: _text(i.measures)),
    ("controls", lambda i: ", ".join(sorted(c.ref for c in i.controls.all()))),
    ("risks", lambda i: ", ".join(sorted(r.reference for r in i.risks.all()))),
)


def _part_diff(
    before: Iterable[Any],
    after: Iterable[Any],
    *,
    key: Callable[[Any], tuple],
    fields: tuple[tuple[str, Callable[[Any], str]], ...],
    model: type,
) -> PartDiff:
    waiting: dict[tuple, list[Any]] = defaultdict(list)
    for part in before:
        waiting[key(part)].append(part)
    diff = PartDiff()
    for part in after:
        matches = waiting.get(key(part))
        if not matches:
            diff.added.append(part)
            continue
        old = matches.pop(0)
        changes = [
            FieldChange(name, _label(model, name), show(old), show(part)) for name, show in fields
        ]
        changes = [c for c in changes if c.changed]
        if changes:
            diff.changed.append(PartChange(before=old, after=part, fields=changes))
    diff.removed = [part for parts in waiting.values() for part in parts]
    return diff


def party_key(party: AffectedParty) -> tuple:
    return (_norm(party.name), party.kind)


def impact_key(impact: Impact) -> tuple:
    return (_norm(impact.party.name), _norm(impact.description))


def assessment_parts(assessment: ImpactAssessment) -> tuple[list[AffectedParty], list[Impact]]:
    """The parties and impacts of one version, with what their tables show: four queries."""
    parties = list(assessment.parties.order_by("pk"))
    impacts = list(
        assessment.impacts.select_related("party")
        .prefetch_related(
            Prefetch("controls", queryset=ControlImplementation.objects.order_by("ref")),
            Prefetch("risks", queryset=Risk.objects.order_by("number")),
        )
        .order_by("party", "pk")
    )
    return parties, impacts


def comparable_versions(assessment: ImpactAssessment, visible: QuerySet) -> QuerySet:
    """The other versions of the same series among ``visible`` (already restricted)."""
    return (
        visible.filter(
            organization_id=assessment.organization_id,
            ai_system_id=assessment.ai_system_id,
            kind=assessment.kind,
        )
        .exclude(pk=assessment.pk)
        .order_by("-number")
    )


def assessment_compare(
    *, first: ImpactAssessment, second: ImpactAssessment
) -> AssessmentComparison:
    """``first`` and ``second`` (any order) side by side: the older one is ``old``.

    Both must be versions of one series (same organisation, AI system and kind)."""
    if first.pk == second.pk:
        raise ValidationError(_("Choose another version to compare this one with."))
    if (first.organization_id, first.ai_system_id, first.kind) != (
        second.organization_id,
        second.ai_system_id,
        second.kind,
    ):
        raise ValidationError(
            _(
                "Only versions of the same assessment can be compared: the same AI system "
                "and the same kind of assessment."
            )
        )
    old, new = sorted((first, second), key=lambda v: v.number)
    sections = [
        SectionRows(
            key=key,
            label=str(label),
            fields=[
                FieldChange(
                    name,
                    _label(ImpactAssessment, name),
                    _text(getattr(old, name)),
                    _text(getattr(new, name)),
                )
                for name in names
            ],
        )
        for key, label, names in new.shown_sections()
    ]
    old_parties, old_impacts = assessment_parts(old)
    new_parties, new_impacts = assessment_parts(new)
    return AssessmentComparison(
        old=old,
        new=new,
        sections=sections,
        parties=_part_diff(
            old_parties, new_parties, key=party_key, fields=PARTY_FIELDS, model=AffectedParty
        ),
        impacts=_part_diff(
            old_impacts, new_impacts, key=impact_key, fields=IMPACT_FIELDS, model=Impact
        ),
    )
