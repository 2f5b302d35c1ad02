"""Workflows on EU AI Act classifications (and, later, impact assessments)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aims.core.permissions import Action, can_add, restrict
from aims.core.transactions import lock_record
from aims.inventory.models import AISystem
from impact_assessments.models import AIActClassification

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
    locked.save(update_fields=["eu_ai_act_tier", "eu_ai_act_role"])
    return classification


def current_classification(ai_system: AISystem) -> AIActClassification | None:
    return ai_system.ai_act_classifications.order_by("-classified_on", "-pk").first()
