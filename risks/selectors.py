"""Reads of risks shaped for one use.

The risks API's list (``RiskViewSet.list``) serialises its page here instead of through
``RiskSerializer``: DRF builds every field afresh per request and reads each value through
the field per row, with a related manager per many-to-many per row on top; a page of 500
risks took most of a second that way. Here the page is read with ``values()`` and the
linked ids of every many-to-many field of ``Risk`` come from the link tables in one query.
The output is the serializer's, key for key and in its order (``tests/risks/
test_risk_api_rows.py`` compares the two on risks with every many-to-many link set); the
detail, the writes and every other endpoint use DRF's serializers.

A field the serializer shows must be a column of ``Risk``, one of its many-to-many fields
(read from ``Risk._meta.many_to_many``, so a new one is included without a change here) or
one of ``COMPUTED``; anything else is refused with an error naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models
from django.db.models import QuerySet
from rest_framework import serializers

from risks.models import Risk, risk_reference, risk_rescore_offered, risk_review_overdue

Row = dict[str, Any]

# Formats as the serializer's own fields do (the current time zone, "Z" for UTC).
_DATETIME = serializers.DateTimeField()
_DATE = serializers.DateField()

# Shown values worked out from columns: the columns they need and how, from the read row.
COMPUTED: dict[str, tuple[tuple[str, ...], Callable[[Row], Any]]] = {
    "reference": (("number",), lambda row: risk_reference(row["number"])),
    "criteria_version": (("criteria__number",), lambda row: row["criteria__number"]),
    "rescore_offered": (
        ("criteria_id", "criteria__is_current"),
        lambda row: risk_rescore_offered(
            criteria_id=row["criteria_id"], criteria_is_current=row["criteria__is_current"]
        ),
    ),
    "is_review_overdue": (
        ("next_review_date",),
        lambda row: risk_review_overdue(row["next_review_date"]),
    ),
}


def linked_fields() -> list[models.ManyToManyField]:
    return list(Risk._meta.many_to_many)


def _column_reader(name: str) -> tuple[str, Callable[[Row], Any]]:
    try:
        field = Risk._meta.get_field(name)
    except FieldDoesNotExist as exc:
        raise LookupError(f"risks.selectors cannot show {name!r}: add it to COMPUTED") from exc
    if not getattr(field, "concrete", False) or isinstance(field, models.DecimalField):
        raise LookupError(f"risks.selectors cannot show {name!r}: add it to COMPUTED")
    column = field.attname  # a foreign key shows its id
    if isinstance(field, models.DateTimeField):
        fmt = _DATETIME.to_representation
    elif isinstance(field, models.DateField):
        fmt = _DATE.to_representation
    else:
        return column, lambda row: row[column]
    return column, lambda row: None if row[column] is None else fmt(row[column])


@lru_cache(maxsize=8)
def _plan(fields: tuple[str, ...]) -> tuple[tuple[str, ...], tuple, tuple[str, ...]]:
    """For the shown ``fields``: the columns to read, (name, reader) per field, and the
    many-to-many names among them."""
    linked = {field.name for field in linked_fields()}
    columns: list[str] = ["id"]
    readers: list[tuple[str, Callable[[Row], Any] | None]] = []
    for name in fields:
        if name in linked:
            readers.append((name, None))  # filled from the link tables
            continue
        if name in COMPUTED:
            needs, reader = COMPUTED[name]
            columns.extend(needs)
        else:
            column, reader = _column_reader(name)
            columns.append(column)
        readers.append((name, reader))
    return (
        tuple(dict.fromkeys(columns)),
        tuple(readers),
        tuple(name for name in fields if name in linked),
    )


def risk_api_values(risks: QuerySet[Risk], *, fields: Sequence[str]) -> QuerySet[Risk]:
    """The columns the API's ``fields`` need, as ``values()`` rows (to paginate)."""
    columns, _readers, _linked = _plan(tuple(fields))
    return risks.values(*columns)


def risk_api_rows(page: Sequence[Row], *, fields: Sequence[str]) -> list[Row]:
    """A page of ``risk_api_values`` rows as the API shows them (``RiskSerializer``'s
    output): the fields in their order, linked records as ascending ids."""
    _columns, readers, linked = _plan(tuple(fields))
    ids = linked_ids([row["id"] for row in page], linked)
    out = []
    for row in page:
        links = ids[row["id"]]
        out.append({name: links[name] if read is None else read(row) for name, read in readers})
    return out


def linked_ids(risk_ids: Sequence[int], names: Sequence[str]) -> dict[int, dict[str, list]]:
    """Per risk, the ids linked through each many-to-many field named, ascending: one
    ``UNION ALL`` over the link tables (written out: through the ORM, compiling a queryset
    per table cost more than the query)."""
    result: dict[int, dict[str, list]] = {pk: {name: [] for name in names} for pk in risk_ids}
    if not risk_ids or not names:
        return result
    fields = {field.name: field for field in linked_fields()}
    connection = connections[Risk.objects.db]
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(risk_ids))
    arms = []
    for position, name in enumerate(names):
        field = fields[name]
        own, other = quote(field.m2m_column_name()), quote(field.m2m_reverse_name())
        arms.append(
            f"SELECT {position}, {own}, {other} FROM {quote(field.m2m_db_table())} "
            f"WHERE {own} IN ({placeholders})"
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(arms), list(risk_ids) * len(arms))
        for position, risk_id, other_id in cursor.fetchall():
            result[risk_id][names[position]].append(other_id)
    for links in result.values():
        for values in links.values():
            values.sort()
    return result
