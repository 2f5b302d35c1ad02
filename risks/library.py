"""A library of common AI risks, written in our own words, from which a risk can be started.

Each item names the Annex C risk sources and objectives it touches and the Annex A
controls that usually treat it; starting a risk from an item copies these as suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LibraryRisk:
    code: str
    title: str
    description: str
    consequences_organization: str
    consequences_individuals: str
    risk_sources: tuple[str, ...]
    objectives: tuple[str, ...]
    controls: tuple[str, ...]
    category: str


LIBRARY: tuple[LibraryRisk, ...] = (
    LibraryRisk(
        code="RL-01",
        title="Biased training data produces unfair outcomes",
        description=(
            "The data the model learned from under-represents or misrepresents some groups, "
            "so the system's outputs are systematically worse or harsher for them."
        ),
        consequences_organization=(
            "Discrimination complaints, regulatory investigation, remediation costs and loss "
            "of trust from customers and partners."
        ),
        consequences_individuals=(
            "People in affected groups are refused, over-charged or flagged more often than "
            "others for reasons unrelated to their situation."
        ),
        risk_sources=("C.3.4",),
        objectives=("C.2.5", "C.2.3"),
        controls=("A.7.4", "A.7.3", "A.6.2.4", "A.5.4"),
        category="Data",
    ),
)
