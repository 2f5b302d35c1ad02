"""When the change log recorded a claimed date: "assessed on 2 March" beside "recorded 9 June".

A record's dates are what people typed or what a workflow set (assessed on, approved,
valid from, uploaded); the change log says when the system actually wrote them. For a
field, ``recorded_on`` finds the change-log row that last set the field to the value it
holds now and returns its timestamp; a claimed date more than a day away from it is
flagged (``Recorded.differs``), and a value the log never wrote (changed around it) has no
recorded moment at all, which is a finding of its own.

``recorded_on_many`` does the same for many records in one query (a list of versions);
``annotate_recorded`` keeps the results on the records for the ``{% recorded %}`` tag
(``aims.core.templatetags.recorded``).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from aims.core.models import ChangeLogEntry

# How far a claimed date may be from its recording before it is flagged.
TOLERANCE = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Recorded:
    """A claimed date and the moment the change log recorded its current value."""

    claimed: datetime.date | datetime.datetime | None
    at: datetime.datetime | None  # None: no change-log row wrote the current value
    seq: int | None = None  # that row's number in the change log

    @property
    def offset(self) -> datetime.timedelta | None:
        """Claimed minus recorded (negative: the claimed date is earlier, backdated). Dates
        are compared with the day the row was written, in the current time zone."""
        if self.claimed is None or self.at is None:
            return None
        if isinstance(self.claimed, datetime.datetime):
            return self.claimed - self.at
        return self.claimed - timezone.localtime(self.at).date()

    @property
    def differs(self) -> bool:
        offset = self.offset
        return offset is not None and abs(offset) > TOLERANCE

    @property
    def backdated(self) -> bool:
        return self.differs and self.offset < datetime.timedelta(0)

    @property
    def days_apart(self) -> int:
        offset = self.offset
        return abs(offset).days if offset is not None else 0

    @property
    def unrecorded(self) -> bool:
        """A value is shown but no change-log row wrote it."""
        return self.claimed is not None and self.at is None


def _comparable(field: models.Field, value: Any) -> Any:
    """``value`` (as the record holds it, or as a change-log row stored it) in one form: the
    change log keeps JSON (``DjangoJSONEncoder``: milliseconds, the offset it was given), so a
    moment is compared in UTC to the millisecond and anything else as its JSON."""
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value) if isinstance(value, str) else value
        if moment is None:
            return None
        if timezone.is_aware(moment):
            moment = moment.astimezone(datetime.UTC)
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    if isinstance(field, models.FileField) and not isinstance(value, str):
        value = value.name if value else ""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def recorded_on_many(objects: Iterable[models.Model], field_name: str) -> dict[Any, Recorded]:
    """For each record, by primary key: ``field_name``'s value and when the change log
    recorded it (the last row that set it to that value). One query for all."""
    objects = [obj for obj in objects if obj.pk is not None]
    if not objects:
        return {}
    model = type(objects[0])
    field = model._meta.get_field(field_name)
    attname = field.attname
    content_type = ContentType.objects.get_for_model(model)
    rows = (
        ChangeLogEntry.objects.filter(
            content_type=content_type,
            object_id__in=[str(obj.pk) for obj in objects],
            after__has_key=attname,
        )
        .order_by("seq")
        .values_list("object_id", "seq", "timestamp", "before", "after")
    )
    # The last row that set each record's field to the value it holds now.
    current = {str(obj.pk): _comparable(field, getattr(obj, attname)) for obj in objects}
    setting: dict[str, tuple[int, datetime.datetime]] = {}
    for object_id, seq, timestamp, before, after in rows:
        value = after[attname]
        set_here = before is None or attname not in before or before[attname] != value
        if set_here and _comparable(field, value) == current[object_id]:
            setting[object_id] = (seq, timestamp)
        elif set_here:
            setting.pop(object_id, None)  # set to another value since
    found = {}
    for obj in objects:
        seq, at = setting.get(str(obj.pk), (None, None))
        found[obj.pk] = Recorded(claimed=getattr(obj, attname), at=at, seq=seq)
    return found


def recorded_on(obj: models.Model, field_name: str) -> Recorded:
    """``field_name``'s value on ``obj`` and when the change log recorded it (one query)."""
    return recorded_on_many([obj], field_name).get(obj.pk, Recorded(claimed=None, at=None))


def annotate_recorded(objects: Iterable[models.Model], *field_names: str) -> None:
    """Work out ``recorded_on`` for every record and field at once (one query per field) and
    keep it on the records, where the ``{% recorded %}`` tag finds it."""
    objects = list(objects)
    for field_name in field_names:
        found = recorded_on_many(objects, field_name)
        for obj in objects:
            if obj.pk in found:
                obj.__dict__.setdefault("_recorded", {})[field_name] = found[obj.pk]


def recorded_for(obj: models.Model, field_name: str) -> Recorded:
    """What ``annotate_recorded`` kept for ``obj``, else looked up now."""
    kept = obj.__dict__.get("_recorded", {})
    if field_name not in kept:
        obj.__dict__.setdefault("_recorded", {})[field_name] = recorded_on(obj, field_name)
    return obj.__dict__["_recorded"][field_name]
