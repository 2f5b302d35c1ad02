"""Annex A controls the platform checks against its records (``rules.CONTROL_RULES``).

The SoA says whether a control applies and how far it is implemented; for a control with a
rule, the records must bear that out too. An applicable control counts as implemented in
readiness only when its SoA row says so, it has no gaps, and its rule is fulfilled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from controls.models import Applicability, ImplementationStatus
from readiness.rules import CONTROL_RULES, Facts, Finding


@dataclass
class ControlReadiness:
    row: Any  # a SoA row (``controls.services.SoARow``)
    finding: Finding

    @property
    def control(self) -> Any:
        return self.row.control

    @property
    def applicable(self) -> bool:
        return self.control.applicability == Applicability.APPLICABLE

    @property
    def ready(self) -> bool:
        return (
            self.applicable
            and self.control.status == ImplementationStatus.IMPLEMENTED
            and not self.row.gaps
            and bool(self.finding.fulfilled)
        )


def control_readiness(*, soa_rows: list[Any], facts: Facts) -> list[ControlReadiness]:
    """The finding of each checked control among ``soa_rows``, in SoA order."""
    return [
        ControlReadiness(row=row, finding=CONTROL_RULES[row.control.ref](facts))
        for row in soa_rows
        if row.control.ref in CONTROL_RULES
    ]
