"""What evidence items support: links declared on higher models, registered here.

Controls and risks sit above evidence, so they declare the link (``Risk.evidence``,
``ControlImplementation.evidence``, ``Requirement.evidence``) and describe it here from
their ``AppConfig.ready()``. Evidence pages, filters, forms and the API list and set links
through these descriptions only.
"""

from __future__ import annotations

from aims.core.links import LinkRegistry, LinkSpec

registry = LinkRegistry("evidence.EvidenceItem")


def register(spec: LinkSpec) -> None:
    registry.register(spec)


__all__ = ["LinkSpec", "register", "registry"]
