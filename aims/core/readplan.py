"""Fast reads for API serializers: a per-class *read plan* instead of DRF's per-field machinery.

DRF builds every field of a ``ModelSerializer`` afresh for each request and, for each row,
goes through ``get_attribute`` / ``to_representation`` of every field; with a related
manager per many-to-many per row on top, a page of 500 risks cost most of a second. The
plan is worked out once per serializer class: for each readable field, how to read the value
from the instance (a plain attribute, a foreign key's id column, the ids of a
many-to-many) and the field's own ``to_representation`` to format it. The output is the
same as DRF's (``tests/core/test_readplan.py`` compares the two on every API serializer).

A serializer gets a plan only when every readable field is of a kind whose formatting does
not depend on the request (text, numbers, booleans, choices, JSON, dates, primary-key
relations) and it does not build its fields per request (no ``get_fields`` override).
Anything else (method fields, nested serializers, hyperlinks) keeps DRF's path unchanged.

Many-to-many ids are listed in ascending id order. For a list page, ``attach_related_ids``
reads them straight from the link tables, one query for all relations, without loading the
related rows.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import DEFAULT_DB_ALIAS, connections, models
from rest_framework import fields as drf_fields
from rest_framework import relations, serializers
from rest_framework.fields import SkipField

RELATED_IDS = "_related_ids"

# Field classes whose to_representation needs nothing from the request or the parent.
CONTEXT_FREE_FIELDS = (
    drf_fields.CharField,  # and EmailField, SlugField, URLField, RegexField
    drf_fields.IntegerField,
    drf_fields.BigIntegerField,
    drf_fields.FloatField,
    drf_fields.DecimalField,
    drf_fields.BooleanField,
    drf_fields.ChoiceField,
    drf_fields.JSONField,
    drf_fields.DateField,
    drf_fields.DateTimeField,
    drf_fields.TimeField,
    drf_fields.UUIDField,
    drf_fields.ReadOnlyField,
)

Getter = Callable[[Any], Any]


@dataclass(frozen=True)
class ReadStep:
    name: str
    read: Getter
    format: Callable[[Any], Any]


@dataclass(frozen=True)
class ReadPlan:
    steps: tuple[ReadStep, ...]
    many_fields: tuple[models.ManyToManyField, ...]  # shown as lists of ids

    def represent(self, instance: Any) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for step in self.steps:
            try:
                value = step.read(instance)
            except SkipField:
                continue
            row[step.name] = None if value is None else step.format(value)
        return row


_PLANS: dict[type, ReadPlan | None] = {}


def read_plan(serializer_class: type[serializers.ModelSerializer]) -> ReadPlan | None:
    """The class's plan, or ``None`` when it must keep DRF's own path."""
    try:
        return _PLANS[serializer_class]
    except KeyError:
        plan = _PLANS[serializer_class] = _build_plan(serializer_class)
        return plan


def _build_plan(serializer_class: type[serializers.ModelSerializer]) -> ReadPlan | None:
    if serializer_class.get_fields is not serializers.ModelSerializer.get_fields:
        return None  # fields depend on the request
    model = serializer_class.Meta.model
    prototype = serializer_class()
    steps: list[ReadStep] = []
    many_fields: list[models.ManyToManyField] = []
    for name, field in prototype.fields.items():
        if field.write_only:
            continue
        step = _many_ids_step(model, name, field) or _related_id_step(model, name, field)
        if step is not None:
            if isinstance(step, tuple):
                step, many = step
                many_fields.append(many)
            steps.append(step)
            continue
        if type(field).to_representation is not _context_free_to_representation(field):
            return None
        steps.append(ReadStep(name, _attribute_reader(model, field), field.to_representation))
    return ReadPlan(tuple(steps), tuple(many_fields))


def _context_free_to_representation(field: drf_fields.Field) -> Any:
    """The to_representation a field inherits from a context-free class, if any."""
    for base in type(field).__mro__:
        if base in CONTEXT_FREE_FIELDS:
            return base.to_representation
    return None


def _identity(value: Any) -> Any:
    return value


def _model_field(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a property or a method
        return None


def _plain_pk_relation(field: drf_fields.Field) -> bool:
    """A primary-key relation that formats as the bare id (no custom lookup or format)."""
    return (
        isinstance(field, relations.PrimaryKeyRelatedField)
        and field.pk_field is None
        and type(field).to_representation is relations.PrimaryKeyRelatedField.to_representation
        and type(field).get_attribute is relations.RelatedField.get_attribute
        and len(field.source_attrs) == 1
    )


def _many_ids_step(model, name, field) -> tuple[ReadStep, models.ManyToManyField] | None:
    if not (
        isinstance(field, relations.ManyRelatedField)
        and type(field) is relations.ManyRelatedField
        and _plain_pk_relation(field.child_relation)
        and len(field.source_attrs) == 1
    ):
        return None
    model_field = _model_field(model, field.source)
    if not isinstance(model_field, models.ManyToManyField):
        return None  # a reverse relation or a property: DRF's path
    source = field.source

    def read(instance: Any) -> list[Any]:
        if instance.pk is None:
            return []
        cached = instance.__dict__.get(RELATED_IDS)
        if cached is not None and source in cached:
            return cached[source]
        return sorted(obj.pk for obj in getattr(instance, source).all())

    return ReadStep(name, read, _identity), model_field


def _related_id_step(model, name, field) -> ReadStep | None:
    if not _plain_pk_relation(field):
        return None
    model_field = _model_field(model, field.source)
    if not isinstance(model_field, models.ForeignKey):
        return None
    attname = model_field.attname
    return ReadStep(name, lambda instance: getattr(instance, attname), _identity)


def _attribute_reader(model: type[models.Model], field: drf_fields.Field) -> Getter:
    drf_read = field.get_attribute
    if (
        field.source == "*"
        or len(field.source_attrs) != 1
        or type(field).get_attribute is not drf_fields.Field.get_attribute
    ):
        return drf_read  # DRF's own lookup (nested sources and their None/SkipField rules)
    attr = field.source_attrs[0]
    on_class = inspect.getattr_static(model, attr, None)
    if on_class is None or inspect.isfunction(on_class):
        return drf_read  # a method DRF calls, or an attribute set per instance

    def read(instance: Any) -> Any:
        try:
            return getattr(instance, attr)
        except (AttributeError, KeyError, ObjectDoesNotExist):
            return drf_read(instance)  # DRF decides: default, None, skip or error

    return read


def attach_related_ids(
    instances: Iterable[models.Model], serializer_class: type[serializers.Serializer]
) -> None:
    """Read the many-to-many ids of a page of rows from the link tables (one query)."""
    plan = read_plan(serializer_class) if hasattr(serializer_class, "Meta") else None
    if plan is None or not plan.many_fields:
        return
    rows = [obj for obj in instances if obj.pk is not None]
    if not rows:
        return
    by_pk = {obj.pk: obj.__dict__.setdefault(RELATED_IDS, {}) for obj in rows}
    pks = list(by_pk)
    names = [field.name for field in plan.many_fields]
    for ids in by_pk.values():
        for name in names:
            ids[name] = []
    # One UNION ALL over the link tables, written out: through the ORM, preparing the ids
    # and compiling four querysets cost more than the query itself.
    connection = connections[rows[0]._state.db or DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(pks))
    arms = []
    for position, field in enumerate(plan.many_fields):
        through = field.remote_field.through._meta
        own = quote(through.get_field(field.m2m_field_name()).column)
        other = quote(through.get_field(field.m2m_reverse_field_name()).column)
        arms.append(
            f"SELECT {position}, {own}, {other} FROM {quote(through.db_table)} "
            f"WHERE {own} IN ({placeholders})"
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(arms), pks * len(arms))
        for position, pk, other_id in cursor.fetchall():
            by_pk[pk][names[position]].append(other_id)
    for ids in by_pk.values():
        for name in names:
            ids[name].sort()
