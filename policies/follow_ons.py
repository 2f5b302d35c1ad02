"""What a concern led to, as told by the higher apps that record it.

An AI incident names the concern it was reported through (``audits.Incident
.reported_through``): the link is declared on the higher app, so this app never imports it.
The concern's page still shows what the concern became and offers to record it, from the
``FollowOn`` descriptions the higher apps register in their ``AppConfig.ready()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import NoReverseMatch, reverse

from aims.core.permissions import Action, can_add, restrict


@dataclass(frozen=True)
class FollowOn:
    """Records of ``model`` that name a concern in their foreign key ``field``.

    ``add_url_name`` is the page that records a new one; it receives the concern's id as
    ``?concern=`` and starts from it. ``action_label`` is the button that leads there,
    ``linked_label`` the heading over the records already made."""

    model: type[models.Model]
    field: str
    add_url_name: str
    action_label: str
    linked_label: str

    def linked(self, concern: models.Model, user: Any) -> list[models.Model]:
        """The records made from ``concern`` that ``user`` may see."""
        return list(
            restrict(self.model.objects.all(), user, Action.VIEW)
            .filter(**{self.field: concern})
            .select_related("organization")
            .order_by("pk")
        )

    def add_url(self, concern: models.Model, user: Any) -> str | None:
        """Where ``user`` records a new one from ``concern``; None if their role does not
        allow it."""
        if not can_add(user, self.model, concern.organization_id):
            return None
        try:
            path = reverse(self.add_url_name, kwargs={"org": concern.organization.slug})
        except NoReverseMatch:
            return None
        return f"{path}?concern={concern.pk}"


_FOLLOW_ONS: dict[str, FollowOn] = {}


def register(key: str, follow_on: FollowOn) -> None:
    _FOLLOW_ONS[key] = follow_on


def follow_ons() -> list[FollowOn]:
    return list(_FOLLOW_ONS.values())


def for_concern(concern: models.Model, user: Any, *, handles: bool) -> list[dict[str, Any]]:
    """For the concern's page: per follow-on, the records already made (linked) or, when
    there are none, where to make one (``add_url``). Only someone who ``handles`` the
    concern is offered to record one: a reporter recording their own concern would put
    their name next to it in the new record's change log."""
    shown = []
    for follow_on in follow_ons():
        linked = follow_on.linked(concern, user)
        add_url = None if linked or not handles else follow_on.add_url(concern, user)
        if linked or add_url:
            shown.append({"follow_on": follow_on, "linked": linked, "add_url": add_url})
    return shown
