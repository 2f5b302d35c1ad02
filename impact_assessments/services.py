"""Workflows on EU AI Act classifications (and, later, impact assessments)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aims.core.documents import DocumentStatus, document_start_next, document_submit, next_number
from aims.core.permissions import Action, can, can_add, restrict
from aims.core.transactions import lock_record, lock_series_owner
from aims.inventory.models import AISystem
from impact_assessments.models import (
    AffectedParty,
    AIActClassification,
    AssessmentKind,
    Impact,
    ImpactAssessment,
    ImpactNature,
    PartyKind,
    UseThresholds,
)
from risks.models import Risk
from risks.services import risk_prepare

ANSWER_FIELDS = (
    "role",
    "outside_scope",
    "prohibited_practices",
    "annex_i_product",
    "annex_iii_areas",
    "credit_or_insurance",
    "derogation_conditions",
    "profiles_people",
    "derogation_justification",
    "transparency_duties",
    "gpai_model",
    "gpai_systemic_risk",
    "public_service",
)


@transaction.atomic
def classification_record(
    *,
    ai_system: AISystem,
    actor: Any,
    answers: dict[str, Any],
    classified_on: datetime.date | None = None,
    notes: str = "",
) -> AIActClassification:
    """Record a new reading of the Act for ``ai_system`` and carry its tier and our role onto
    the system. Earlier readings stay as they were: they are the classification's history."""
    if not can_add(actor, AIActClassification, ai_system.organization_id):
        raise PermissionDenied(_("Your role does not allow classifying AI systems."))
    locked = lock_record(restrict(AISystem.objects.all(), actor, Action.VIEW), ai_system)
    if locked is None:
        raise PermissionDenied(_("This AI system is not within your reach."))
    classification = AIActClassification(
        organization_id=locked.organization_id,
        ai_system=locked,
        classified_by=actor,
        classified_on=classified_on or timezone.localdate(),
        notes=notes,
        **{name: answers[name] for name in ANSWER_FIELDS if name in answers},
    )
    classification.full_clean()
    classification.save()
    # The system's tier and role are the latest reading's.
    locked.eu_ai_act_tier = classification.tier
    locked.eu_ai_act_role = classification.role
    locked.eu_ai_act_classified_on = classification.classified_on
    locked.save(update_fields=["eu_ai_act_tier", "eu_ai_act_role", "eu_ai_act_classified_on"])
    return classification


def current_classification(ai_system: AISystem) -> AIActClassification | None:
    return ai_system.ai_act_classifications.order_by("-classified_on", "-pk").first()


# --- Impact assessments ------------------------------------------------------------------------


def _dataset_lines(system: AISystem) -> str:
    lines = []
    for d in system.datasets.order_by("pk"):
        facts = [str(d.get_purpose_display()), d.source]
        if d.contains_personal_data:
            facts.append(str(_("personal data")))
        if d.special_category_data:
            facts.append(str(_("special-category data")))
        line = f"- {d.name} ({', '.join(f for f in facts if f)})"
        lines.append(f"{line}: {d.provenance}" if d.provenance else line)
    return "\n".join(lines)


def _component_lines(system: AISystem) -> str:
    lines = []
    for c in system.components.order_by("pk"):
        facts = [str(c.get_kind_display()), c.supplier]
        name = f"{c.name} {c.component_version}".strip()
        lines.append(f"- {name} ({', '.join(f for f in facts if f)})")
    return "\n".join(lines)


def _prefilled(ai_system: AISystem) -> dict[str, str]:
    """What the inventory record already says, as a first draft of the assessment's text."""
    return {
        "system_description": ai_system.description,
        "purpose": ai_system.purpose,
        "intended_uses": ai_system.intended_use,
        "unintended_uses": ai_system.foreseeable_misuse,
        "deployment_geographies": ai_system.geographies,
        "deployment_languages": ai_system.languages,
        "deployment_context": ai_system.compute,
        "human_oversight": ai_system.human_oversight,
        "data_information": _dataset_lines(ai_system),
        "model_information": _component_lines(ai_system),
    }


def _copy_parts(source: ImpactAssessment, draft: ImpactAssessment) -> None:
    """Carry the parties and impacts of ``source`` into ``draft``, links included."""
    parties = {}
    for party in source.parties.order_by("pk"):
        parties[party.pk] = AffectedParty.objects.create(
            assessment=draft,
            name=party.name,
            kind=party.kind,
            vulnerable=party.vulnerable,
            notes=party.notes,
        )
    for impact in source.impacts.order_by("pk").prefetch_related("controls", "risks"):
        copy = Impact.objects.create(
            assessment=draft,
            party=parties[impact.party_id],
            **{
                f: getattr(impact, f)
                for f in (
                    "nature",
                    "area",
                    "description",
                    "severity",
                    "likelihood",
                    "reach",
                    "reversibility",
                    "measures",
                )
            },
        )
        copy.controls.set(impact.controls.all())
        copy.risks.set(impact.risks.all())


@transaction.atomic
def assessment_start(
    *, ai_system: AISystem, actor: Any, kind: str = AssessmentKind.IMPACT
) -> ImpactAssessment:
    """The next version of ``ai_system``'s assessment of ``kind``: a copy of the approved one
    (parts included), or, for the first, a draft prefilled from the inventory record."""
    if not can_add(actor, ImpactAssessment, ai_system.organization_id):
        raise PermissionDenied(_("Your role does not allow starting an impact assessment."))
    lock_series_owner(ai_system.organization)
    system = restrict(AISystem.objects.all(), actor, Action.VIEW).filter(pk=ai_system.pk).first()
    if system is None:
        raise PermissionDenied(_("This AI system is not within your reach."))
    series = {"organization": system.organization, "ai_system": system, "kind": kind}
    approved = ImpactAssessment.objects.filter(**series, status=DocumentStatus.APPROVED).first()
    draft = document_start_next(model=ImpactAssessment, user=actor, **series)
    if draft is not None:
        _copy_parts(approved, draft)
        return draft
    draft = ImpactAssessment(
        **series,
        number=next_number(ImpactAssessment, **series),
        author=actor,
        scope=_("%(system)s as described in the inventory.") % {"system": system.name},
        **_prefilled(system),
    )
    draft.full_clean()
    draft.save()
    if system.users_description.strip():
        AffectedParty.objects.create(
            assessment=draft,
            name=str(_("Users and affected people")),
            kind=PartyKind.INDIVIDUALS,
            notes=system.users_description,
        )
    return draft


@transaction.atomic
def assessment_submit(*, assessment: ImpactAssessment, actor: Any) -> ImpactAssessment:
    """Send a complete draft for review; an incomplete one is refused with every gap named."""
    missing = ImpactAssessment.objects.with_part_counts().get(pk=assessment.pk).missing()
    if missing:
        raise ValidationError(
            [_("This assessment cannot go to review yet. Still missing:"), *missing],
            code="incomplete",
        )
    return document_submit(version=assessment, user=actor)


def mark_review_needed(*, ai_system: AISystem, reason: str) -> int:
    """Flag the system's approved assessments for review; returns how many were flagged."""
    flagged = 0
    for assessment in ImpactAssessment.objects.filter(
        ai_system=ai_system, status=DocumentStatus.APPROVED, review_needed=False
    ):
        assessment.review_needed = True
        assessment.review_reason = reason[:300]
        assessment.save(update_fields=["review_needed", "review_reason"])
        flagged += 1
    return flagged


def _on_scale(value: int | None, count: int) -> int:
    """A 1–5 rating on a criteria scale of ``count`` levels (the same when it has five)."""
    if value is None or count <= 0:
        return 1
    return max(1, min(count, round(value * count / 5)))


@transaction.atomic
def impact_create_risk(*, impact: Impact, actor: Any) -> Risk:
    """A risk in the register for a harm an assessment found, prefilled from it and linked
    to it: the register then shows where the risk came from (8.4 feeds 6.1.2)."""
    assessment = impact.assessment
    if not can(actor, Action.CHANGE, assessment) or not can_add(
        actor, Risk, assessment.organization_id
    ):
        raise PermissionDenied(_("Your role does not allow adding risks from this assessment."))
    if impact.nature != ImpactNature.HARM:
        raise ValidationError(_("Only a harm becomes a risk; a benefit is an opportunity."))
    if not assessment.is_editable:
        raise ValidationError(
            _("Version %(n)s is no longer a draft: start a new version to link risks to it.")
            % {"n": assessment.number}
        )
    risk = risk_prepare(
        organization=assessment.organization,
        risk=Risk(organization=assessment.organization, owner=actor),
    )
    criteria = risk.criteria
    severity = _on_scale(impact.severity, criteria.impact_count)
    society = impact.party.kind in (PartyKind.SOCIETY, PartyKind.GROUP, PartyKind.ENVIRONMENT)
    risk.title = f"{impact.get_area_display()}: {impact.description}"[:250]
    risk.description = _(
        "Found by the impact assessment of %(system)s (version %(n)s) for %(party)s: %(harm)s"
    ) % {
        "system": assessment.ai_system.name,
        "n": assessment.number,
        "party": impact.party.name,
        "harm": impact.description,
    }
    if society:
        risk.consequences_society = impact.description
        risk.impact_society = severity
    else:
        risk.consequences_individuals = impact.description
        risk.impact_individuals = severity
    risk.existing_controls = impact.measures
    risk.inherent_likelihood = _on_scale(impact.likelihood, criteria.likelihood_count)
    risk.inherent_impact = severity
    risk.full_clean()
    risk.save()
    risk.ai_systems.add(assessment.ai_system)
    impact.risks.add(risk)
    return risk


@transaction.atomic
def thresholds_decide(
    *,
    thresholds: UseThresholds,
    actor: Any,
    based_on: int | None = None,
    check_based_on: bool = True,
) -> UseThresholds:
    """Record a new decision on the thresholds, made by ``actor`` today. ``based_on``: the
    decision the person saw when they made theirs (None: the defaults); if someone decided
    meanwhile, theirs is refused rather than silently replacing the other. An integration
    that does not say what it saw (``check_based_on=False``) just adds its decision: every
    earlier one stays on record."""
    if not can_add(actor, UseThresholds, thresholds.organization_id):
        raise PermissionDenied(_("Your role does not allow deciding the thresholds."))
    lock_series_owner(thresholds.organization)
    current = (
        UseThresholds.objects.filter(organization=thresholds.organization)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if check_based_on and current != based_on:
        raise ValidationError(
            _(
                "Someone else decided the thresholds after you opened this page. Your "
                "choices are still in the form: compare them with the thresholds now in "
                "force (open them in a new tab) and save again."
            ),
            code="stale",
        )
    thresholds.pk = None
    thresholds.decided_by = actor
    thresholds.decided_on = timezone.localdate()
    thresholds.full_clean()
    thresholds.save()
    return thresholds
