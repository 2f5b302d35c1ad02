"""Change-log rows as a person reads them: field labels, choice labels, names and references.

The change log stores what the database holds (``owner_id: 3``, ``controls: [21, 29]``,
``treatment_option: "modify"``, derived ranks), which is right for verification and useless
to an auditor reading a record's history. ``annotate_changes`` gives each entry of a page
``changes`` (label, before, after) and ``changed_labels``, resolving every id on the page
with one query per related model, through the permission layer: a record the reader may
not see is shown by its number only.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from aims.core.models import ChangeLogEntry
from aims.core.permissions import Action, restrict

# Bookkeeping every tracked model has; never a change anyone made.
ALWAYS_HIDDEN = frozenset({"version", "created_at", "updated_at", "sort_key"})
EMPTY = "—"


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


def hidden_fields(model: type[models.Model] | None) -> frozenset[str]:
    """Fields the history leaves out: bookkeeping, and what a model declares derived
    (``history_hidden``: scores and ranks computed from other fields, sort keys)."""
    if model is None:
        return ALWAYS_HIDDEN
    return ALWAYS_HIDDEN | frozenset(getattr(model, "history_hidden", ()))


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)  # a name or an attname ("owner_id")
    except FieldDoesNotExist:
        return None


def _label(field: models.Field | None, name: str) -> str:
    if field is None:
        return name.removesuffix("_id").replace("_", " ")
    return str(getattr(field, "verbose_name", name))


def _shown_fields(entry: ChangeLogEntry, model: type[models.Model] | None) -> list[str]:
    hidden = hidden_fields(model)
    names = []
    for name in entry.changed_fields:
        field = _field(model, name)
        if name in hidden or (field is not None and field.name in hidden):
            continue
        names.append(name)
    return names


def annotate_changes(entries: Iterable[ChangeLogEntry], *, user: Any, values: bool = True) -> None:
    """Set ``entry.changes`` and ``entry.changed_labels`` on each entry (see the module).
    With ``values=False`` only the labels are set (a list of many records' changes), and
    no query is made beyond the cached content types."""
    entries = list(entries)
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    plan: list[tuple[ChangeLogEntry, type[models.Model] | None, list[str]]] = []
    for entry in entries:
        model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
        names = _shown_fields(entry, model)
        plan.append((entry, model, names))
        for name in names if values else ():
            field = _field(model, name)
            if field is not None and field.is_relation and field.related_model is not None:
                for side in (entry.before or {}, entry.after or {}):
                    value = side.get(name)
                    ids = value if isinstance(value, list) else [value]
                    wanted[field.related_model].update(i for i in ids if i not in (None, ""))
    names_of = _names(wanted, user=user)
    for entry, model, names in plan:
        entry.changes = []
        entry.changed_labels = []
        for name in names:
            field = _field(model, name)
            label = _label(field, name)
            entry.changed_labels.append(label)
            if values and entry.action == "update":
                entry.changes.append(
                    FieldChange(
                        label=label,
                        before=_display(field, (entry.before or {}).get(name), names_of),
                        after=_display(field, (entry.after or {}).get(name), names_of),
                    )
                )


def _names(
    wanted: dict[type[models.Model], set[Any]], *, user: Any
) -> dict[type[models.Model], dict[Any, str]]:
    user_model = get_user_model()
    found: dict[type[models.Model], dict[Any, str]] = {}
    for model, ids in wanted.items():
        if model is user_model:
            # People are named to whoever reads a history (they are the actors too).
            rows = model.objects.filter(pk__in=ids)
            found[model] = {row.pk: row.display_name for row in rows}
        else:
            rows = restrict(model.objects.filter(pk__in=ids), user, Action.VIEW)
            found[model] = {row.pk: str(row) for row in rows}
    return found


def _display(
    field: models.Field | None, value: Any, names_of: dict[type[models.Model], dict[Any, str]]
) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if field is not None and field.is_relation and field.related_model is not None:
        names = names_of.get(field.related_model, {})
        ids = value if isinstance(value, list) else [value]
        return ", ".join(names.get(i) or _("#%(id)s (not visible to you)") % {"id": i} for i in ids)
    if field is not None and field.choices:
        choices = dict(field.flatchoices)
        if isinstance(value, list):
            return ", ".join(str(choices.get(v, v)) for v in value)
        return str(choices.get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 300 else text[:299] + "…"
    return str(value)
