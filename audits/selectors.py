"""Read-side helpers of the audits app: nonconformity trends."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from aims.core.permissions import Action, restrict
from audits.models import Nonconformity, NonconformitySource, NonconformityStatus

TREND_QUARTERS = 8


def _group(ref: str | None) -> str:
    """``A.6.2.4`` → ``A.6``; ``9.2.2`` → ``9``; none → ""."""
    if not ref:
        return ""
    parts = ref.split(".")
    return f"A.{parts[1]}" if parts[0] == "A" and len(parts) > 1 else parts[0]


def nonconformity_trends(*, organization: Any, user: Any) -> dict[str, Any]:
    """Where nonconformities arise, among those ``user`` may see (three queries): by
    source and status, by clause or Annex A group, and by quarter over two years."""
    visible = restrict(Nonconformity.objects.all(), user, Action.VIEW).filter(
        organization=organization
    )
    by_source: dict[str, Counter] = {}
    for source, status, n in (
        visible.order_by().values_list("source", "status").annotate(n=Count("pk"))
    ):
        by_source.setdefault(source, Counter())[status] += n
    labels = dict(NonconformitySource.choices)
    sources = [
        {
            "source": source,
            "label": labels.get(source, source),
            "open": sum(n for s, n in counts.items() if s != NonconformityStatus.CLOSED),
            "closed": counts[NonconformityStatus.CLOSED],
            "total": sum(counts.values()),
        }
        for source, counts in sorted(by_source.items(), key=lambda kv: -sum(kv[1].values()))
    ]
    groups: Counter = Counter()
    majors: Counter = Counter()
    for ref, severity, n in (
        visible.order_by().values_list("requirement__ref", "severity").annotate(n=Count("pk"))
    ):
        groups[_group(ref)] += n
        if severity == "major":
            majors[_group(ref)] += n
    requirements = [
        {"group": group or "—", "total": n, "major": majors[group]}
        for group, n in groups.most_common()
    ]
    today = timezone.localdate()
    start = datetime.date(today.year - 2, ((today.month - 1) // 3) * 3 + 1, 1)
    per_quarter = dict(
        visible.filter(found_on__gte=start)
        .order_by()
        .annotate(quarter=TruncQuarter("found_on"))
        .values_list("quarter")
        .annotate(n=Count("pk"))
        .values_list("quarter", "n")
    )
    quarters = []
    day = start
    while day <= today:
        quarters.append(
            {"label": f"{day.year} Q{(day.month - 1) // 3 + 1}", "n": per_quarter.get(day, 0)}
        )
        month = day.month + 3
        day = datetime.date(day.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return {
        "by_source": sources,
        "by_requirement": requirements,
        "by_quarter": quarters,
        "quarter_max": max((q["n"] for q in quarters), default=0),
        "total": sum(s["total"] for s in sources),
    }
