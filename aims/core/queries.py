"""Small query expressions shared by several apps' selectors."""

from __future__ import annotations

from typing import Any

from django.db.models import Func, IntegerField, Subquery
from django.db.models.functions import Coalesce


def subquery_count(queryset: Any) -> Coalesce:
    """``COUNT(*)`` of ``queryset`` as a scalar subquery (0 when empty), for annotations.

    A correlated subquery per row keeps counts of several relations independent, where
    ``Count`` over joins would multiply them.
    """
    return Coalesce(
        Subquery(
            queryset.order_by().annotate(n=Func("pk", function="COUNT")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def subquery_first(queryset: Any, field_name: str) -> Subquery:
    """The first row's ``field_name`` of ``queryset`` as a scalar subquery."""
    return Subquery(queryset.values(field_name)[:1])
