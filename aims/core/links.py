"""Links declared on a higher app, described to the lower app they point at.

A link between two apps is a many-to-many field on the higher model (a risk names the
evidence that shows its treatment). The lower app still lists, counts and filters by those
links on its own pages; it learns of them from a ``LinkRegistry`` that the higher app fills
in its ``AppConfig.ready()``, so the lower app never imports the higher one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse

from aims.core.permissions import Action, restrict


@dataclass(frozen=True)
class LinkSpec:
    """One link into the lower model, declared by ``model`` in its field ``field``.

    ``accessor`` is the name the lower model knows the link by (the field's related_name):
    ``item.risks``, ``EvidenceItem.objects.filter(risks=...)``. ``param`` is the singular
    name used by filters and "came from" parameters (``?risk=3``).
    """

    model: type[models.Model]
    field: str
    accessor: str
    param: str
    label: str
    empty_text: str = ""
    help_text: str = ""
    url_name: str | None = None
    order_by: tuple[str, ...] = ("pk",)
    # Extra condition on the records that may be linked (e.g. only assessable clauses).
    choices: Q = field(default_factory=Q)
    # Template that lists linked records on the lower record's page (rows of "entries").
    rows_template: str | None = None
    # Loaded with each linked record listed on the lower record's page.
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    # Where the link appears among the others on the lower record's pages (lowest first).
    position: int = 100

    @property
    def through(self) -> type[models.Model]:
        return self.model._meta.get_field(self.field).remote_field.through

    @property
    def target_column(self) -> str:
        """The link table's column that holds the lower record's id."""
        return f"{self.model._meta.get_field(self.field).m2m_reverse_field_name()}_id"

    @property
    def organization_scoped(self) -> bool:
        return not getattr(getattr(self.model, "access", None), "global_read", False)

    def reachable(self, user: Any, organization_id: int | None) -> QuerySet:
        """The records ``user`` may see and link, of ``organization_id`` where scoped."""
        qs = restrict(self.model.objects.all(), user, Action.VIEW).filter(self.choices)
        if self.organization_scoped and organization_id is not None:
            qs = qs.filter(organization_id=organization_id)
        return qs

    def linked_to(self, record: models.Model, user: Any) -> QuerySet:
        """The records of this link that ``record`` has and ``user`` may see, in order."""
        return (
            restrict(self.model.objects.all(), user, Action.VIEW)
            .filter(**{self.field: record})
            .select_related(*self.select_related)
            .prefetch_related(*self.prefetch_related)
            .order_by(*self.order_by)
        )

    def url_of(self, org_slug: str, pk: int) -> str | None:
        if self.url_name is None:
            return None
        try:
            return reverse(self.url_name, kwargs={"org": org_slug, "pk": pk})
        except NoReverseMatch:
            return None


class LinkRegistry:
    """The links into one lower model, in the order the higher apps registered them."""

    def __init__(self, target: str) -> None:
        self.target = target  # "app_label.Model", for messages
        self._specs: dict[str, LinkSpec] = {}
        self._listeners: list[Callable[[LinkSpec], None]] = []

    def register(self, spec: LinkSpec) -> None:
        known = self._specs.get(spec.accessor)
        if known is not None and known != spec:
            raise ValueError(f"{self.target}: a link named {spec.accessor!r} is registered")
        if known is None:
            self._specs[spec.accessor] = spec
            for listener in self._listeners:
                listener(spec)

    def subscribe(self, listener: Callable[[LinkSpec], None]) -> None:
        """Call ``listener`` for every link, registered now or later (e.g. to add a filter
        to a class built before the higher apps were ready)."""
        self._listeners.append(listener)
        for spec in self:
            listener(spec)

    def unregister(self, accessor: str) -> None:
        self._specs.pop(accessor, None)

    def __iter__(self) -> Iterator[LinkSpec]:
        return iter(sorted(self._specs.values(), key=lambda spec: spec.position))

    def __len__(self) -> int:
        return len(self._specs)

    def get(self, accessor: str) -> LinkSpec | None:
        return self._specs.get(accessor)

    @property
    def accessors(self) -> list[str]:
        return list(self._specs)


def link_count(spec: LinkSpec) -> Subquery:
    """How many links of ``spec`` a row of the lower model has, as a correlated count."""
    column = spec.target_column
    return Coalesce(
        Subquery(
            spec.through.objects.filter(**{column: OuterRef("pk")})
            .order_by()
            .values(column)
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )
