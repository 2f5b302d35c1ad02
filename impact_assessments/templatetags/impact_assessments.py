"""Where a risk came from: the impact assessment harms it was created from or linked to.

A tag of this (higher) app, loaded by the risk page, so the risks app needs no import of it;
the harms come through the permission layer like every read."""

from __future__ import annotations

from typing import Any

from django import template

from aims.core.permissions import Action, restrict
from impact_assessments.models import Impact

register = template.Library()


@register.simple_tag(takes_context=True)
def harms_behind(context: Any, risk: Any) -> list[Impact]:
    request = context.get("request")
    if request is None or risk is None:
        return []
    return list(
        restrict(Impact.objects.all(), request.user, Action.VIEW)
        .filter(risks=risk)
        .select_related("assessment__ai_system", "assessment__organization", "party")
        .order_by("-assessment__number", "pk")
    )
