"""When a use of AI is sensitive or restricted: the organisation's thresholds (ISO/IEC 42005
asks each organisation to set them) applied to what the platform knows of an AI system.

A **sensitive** use needs a careful, current impact assessment: its approved assessment is
reassessed at least as often as the thresholds say. A **restricted** use needs top
management's sign-off: only an administrator may approve its impact assessment. Everything
else is a **standard** use. ``use_category`` is a pure function of the thresholds and the
system's signals, so the page, the approval guard and readiness read the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from aims.inventory.models import EUAIActTier


class UseLevel:
    STANDARD = "standard"
    SENSITIVE = "sensitive"
    RESTRICTED = "restricted"

    LABELS = {STANDARD: "Standard use", SENSITIVE: "Sensitive use", RESTRICTED: "Restricted use"}


@dataclass(frozen=True)
class SystemSignals:
    """What the thresholds read of one AI system: its EU AI Act tier, its data sets, its latest
    classification and the harms its latest impact assessment records."""

    tier: str = ""
    personal_data: bool = False
    special_category: bool = False
    profiling: bool = False
    vulnerable_party: bool = False
    worst_harm: int | None = None  # the highest severity of a recorded harm (1–5)
    worst_irreversible_harm: int | None = None  # the same, among irreversible harms


@dataclass(frozen=True)
class UseCategory:
    level: str
    reasons: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return _(UseLevel.LABELS[self.level])

    @property
    def sensitive(self) -> bool:
        return self.level in (UseLevel.SENSITIVE, UseLevel.RESTRICTED)

    @property
    def restricted(self) -> bool:
        return self.level == UseLevel.RESTRICTED


def _tier_label(tier: str) -> str:
    return str(dict(EUAIActTier.choices).get(tier, tier))


def use_category(thresholds: Any, signals: SystemSignals) -> UseCategory:
    """The category of a system's use under ``thresholds`` (a ``UseThresholds``, saved or
    not), with the reasons in the order the thresholds list them."""
    restricted: list[str] = []
    if signals.tier and signals.tier in (thresholds.restricted_tiers or []):
        restricted.append(_("EU AI Act tier: %(tier)s.") % {"tier": _tier_label(signals.tier)})
    limit = thresholds.restricted_harm_severity
    worst = (
        signals.worst_irreversible_harm
        if thresholds.restricted_irreversible_only
        else signals.worst_harm
    )
    if limit and worst and worst >= limit:
        restricted.append(
            (
                _("An irreversible harm of severity %(s)s is recorded.")
                if thresholds.restricted_irreversible_only
                else _("A harm of severity %(s)s is recorded.")
            )
            % {"s": worst}
        )
    if restricted:
        return UseCategory(UseLevel.RESTRICTED, tuple(restricted))

    sensitive: list[str] = []
    if signals.tier and signals.tier in (thresholds.sensitive_tiers or []):
        sensitive.append(_("EU AI Act tier: %(tier)s.") % {"tier": _tier_label(signals.tier)})
    if thresholds.sensitive_special_category and signals.special_category:
        sensitive.append(_("A data set holds special-category personal data."))
    elif thresholds.sensitive_personal_data and signals.personal_data:
        sensitive.append(_("A data set holds personal data."))
    if thresholds.sensitive_profiling and signals.profiling:
        sensitive.append(_("The system profiles people."))
    if thresholds.sensitive_vulnerable and signals.vulnerable_party:
        sensitive.append(_("The impact assessment names a vulnerable group."))
    limit = thresholds.sensitive_harm_severity
    if limit and signals.worst_harm and signals.worst_harm >= limit:
        sensitive.append(_("A harm of severity %(s)s is recorded.") % {"s": signals.worst_harm})
    if sensitive:
        return UseCategory(UseLevel.SENSITIVE, tuple(sensitive))
    return UseCategory(UseLevel.STANDARD)
