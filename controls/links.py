"""Records that name an SoA row as part of their treatment, registered by the higher apps.

Risks sit above controls and declare ``Risk.controls``; the SoA still counts a row's linked
risks (a control marked not applicable while a risk relies on it is a gap) and lists them on
the row's Risks tab. It learns of the link from this registry, filled in
``RisksConfig.ready()``, and never imports risks.
"""

from __future__ import annotations

from django.db.models import Value
from django.db.models.expressions import Combinable

from aims.core.links import LinkRegistry, LinkSpec, link_count

registry = LinkRegistry("controls.ControlImplementation")


def register(spec: LinkSpec) -> None:
    registry.register(spec)


def treatment_link_count() -> Combinable:
    """The number of registered treatment links of an SoA row, as one SQL expression."""
    total: Combinable = Value(0)
    for spec in registry:
        total = total + link_count(spec)
    return total


__all__ = ["LinkSpec", "register", "registry", "treatment_link_count"]
