"""``{% recorded obj "field" %}``: when the change log recorded a claimed date, beside it.

Renders "recorded 9 Jun 2026, 10:02 · change #412", flagged when the claimed date is more
than a day away ("backdated 40 days"), or "not in the change log" when no row wrote the
value shown. A view that lists many records calls ``aims.core.recorded.annotate_recorded``
first, so the rows cost one query per field, not one per record.
"""

from __future__ import annotations

from django import template

from aims.core.recorded import recorded_for

register = template.Library()


@register.inclusion_tag("core/_recorded.html")
def recorded(obj, field_name: str):
    return {"rec": recorded_for(obj, field_name) if obj is not None else None}
