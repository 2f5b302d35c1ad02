"""Base models shared by every app, the change log and background jobs."""

from __future__ import annotations

import hashlib
import json
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from aims.core import integrity
from aims.core.access import AccessPolicy


class TrackedQuerySet(models.QuerySet):
    pass


class LoadedStateMixin:
    """Keep the values a row was loaded with, so the change log's "before" costs no query.

    The raw values are kept as loaded (cheap); the JSON snapshot is built only when
    something asks for it (a save or delete), and deferred fields are simply left out, so
    ``only()``/``defer()`` work on tracked models.
    """

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.__dict__["_loaded_values"] = dict(zip(field_names, values, strict=False))
        return instance

    @property
    def _loaded_snapshot(self) -> dict[str, Any] | None:
        state = self.__dict__
        if "_loaded_snapshot_cache" not in state:
            values = state.get("_loaded_values")
            if values is None:
                return None
            state["_loaded_snapshot_cache"] = snapshot_of_values(type(self), values)
        return state["_loaded_snapshot_cache"]

    @_loaded_snapshot.setter
    def _loaded_snapshot(self, value: dict[str, Any] | None) -> None:
        self.__dict__["_loaded_snapshot_cache"] = value


class TrackedModel(LoadedStateMixin, models.Model):
    """A record whose every change is written to the change log.

    ``version`` grows by one on every save; the API exposes it as the ETag and the UI
    forms carry it, so a stale write is refused instead of overwriting a newer one.
    """

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    access: ClassVar[AccessPolicy] = AccessPolicy()
    changelog_exclude: ClassVar[tuple[str, ...]] = ("updated_at",)

    objects = TrackedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            self.version = (self.version or 0) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version", "updated_at"}
        super().save(*args, **kwargs)


class OrganizationScopedModel(TrackedModel):
    """A record that belongs to exactly one organisation (tenant)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )

    class Meta:
        abstract = True


def snapshot_of_values(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Like ``snapshot`` but from the raw values a row was loaded with (by attname)."""
    exclude = set(getattr(model, "changelog_exclude", ()))
    data: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.name in exclude or field.attname in exclude or field.attname not in values:
            continue
        value = values[field.attname]
        if value is models.DEFERRED:
            continue
        if isinstance(field, models.FileField):
            value = str(value) if value else ""
        data[field.attname] = value
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def snapshot(instance: models.Model) -> dict[str, Any]:
    """A JSON-ready picture of the concrete fields of ``instance`` for the change log."""
    exclude = set(getattr(instance, "changelog_exclude", ()))
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude or field.attname in exclude:
            continue
        value = getattr(instance, field.attname)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        data[field.attname] = value
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


class ChangeSource(models.TextChoices):
    UI = "ui", _("Web interface")
    API = "api", _("REST API")
    ADMIN = "admin", _("Admin site")
    TASK = "task", _("Background task")
    IMPORT = "import", _("Import")
    SYSTEM = "system", _("System")


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")


class ChangeLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The change log is append-only.")

    def delete(self):
        raise PermissionError("The change log is append-only.")


class ChangeLogEntry(models.Model):
    """One append-only, hash-chained row per create/update/delete of a tracked record.

    ``hash`` is an HMAC-SHA256 under the key named by ``key_id`` (``aims.core.integrity``);
    a row with no ``key_id`` was written before keys existed and carries plain SHA-256.
    """

    GENESIS_HASH = "0" * 64

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    timestamp = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    source = models.CharField(max_length=10, choices=ChangeSource.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(max_length=300)
    action = models.CharField(max_length=10, choices=ChangeAction.choices)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # The key whose HMAC ``hash`` is; NULL: a legacy row, hashed with plain SHA-256.
    key_id = models.CharField(max_length=32, null=True, blank=True, editable=False)

    objects = ChangeLogQuerySet.as_manager()
    access: ClassVar[AccessPolicy] = AccessPolicy(read_only=True)

    class Meta:
        ordering = ("-seq",)
        indexes = [models.Index(fields=["content_type", "object_id", "-seq"])]
        verbose_name = _("change")
        verbose_name_plural = _("change log")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The change log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise PermissionError("The change log is append-only.")

    def compute_hash(self, key: bytes | None = None) -> str:
        """The row's hash: HMAC-SHA256 under ``key`` (default: the configured key named by
        ``key_id``), or plain SHA-256 for a legacy row (no ``key_id``)."""
        payload = {
            "seq": self.seq,
            "timestamp": self.timestamp.isoformat(),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "organization": self.organization_id,
            "source": self.source,
            "content_type": self.content_type_id,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "action": self.action,
            "before": self.before,
            "after": self.after,
            "request_id": self.request_id,
            "prev_hash": self.prev_hash,
        }
        if self.key_id is not None:
            payload["key_id"] = self.key_id
        canonical = json.dumps(
            payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder
        ).encode()
        if self.key_id is None:
            return hashlib.sha256(canonical).hexdigest()
        if key is None:
            key = integrity.keyring().keys[self.key_id]
        return integrity.mac(key, canonical)

    @property
    def changed_fields(self) -> list[str]:
        before, after = self.before or {}, self.after or {}
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


class ChangeLogHead(models.Model):
    """The single row holding the end of the chain; locking it serialises appends.

    It also lets verification notice rows removed from the end of the chain.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=ChangeLogEntry.GENESIS_HASH)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="changeloghead_single_row")
        ]

    def __str__(self) -> str:
        return f"change log head #{self.seq}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


# The counts a task may report in its result, and how they read (singular, plural).
OUTCOME_PHRASES: dict[str, tuple[str, str]] = {
    "rows": (gettext_noop("%(n)d row exported"), gettext_noop("%(n)d rows exported")),
    "resent": (gettext_noop("%(n)d job sent again"), gettext_noop("%(n)d jobs sent again")),
    "requeued": (gettext_noop("%(n)d job queued again"), gettext_noop("%(n)d jobs queued again")),
    "failed": (gettext_noop("%(n)d job failed"), gettext_noop("%(n)d jobs failed")),
}


class Job(models.Model):
    """A record of long-running work done by a Celery worker (exports, PDFs, imports)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    result_file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # Handing the job to the broker (see aims.core.jobs): the task that runs it, when its
    # message was last accepted by the broker, how often that was tried, and why the last
    # try failed. A queued job with a ``send_error`` waits for the broker and is sent again.
    task_name = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    send_error = models.TextField(blank=True)
    # The number of the message allowed to run the job: raised when a newer message replaces
    # one the broker may still deliver (after a worker died, or on retry), so the old one is
    # ignored. ``heartbeat_at`` is refreshed by the worker while the job runs.
    dispatch = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    # Members see their organisation's jobs; whoever started a job always sees it.
    access: ClassVar[AccessPolicy] = AccessPolicy(
        read_only=True, org_path="organization", nullable_org=True, personal_path="created_by"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="job_progress_max_100"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="failed") | ~models.Q(error=""),
                name="job_failed_has_error",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def outcome(self) -> list[str]:
        """The job's result as sentences ("13 rows exported"), for people to read. A count
        a task reports under a key of ``OUTCOME_PHRASES`` is a phrase; anything else reads
        "label: value"."""
        sentences = []
        for key, value in (self.result or {}).items():
            phrases = OUTCOME_PHRASES.get(key)
            if phrases is not None and isinstance(value, int) and not isinstance(value, bool):
                sentences.append(ngettext(phrases[0], phrases[1], value) % {"n": value})
            else:
                sentences.append(f"{str(key).replace('_', ' ').capitalize()}: {value}")
        return sentences

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def waiting_for_queue(self) -> bool:
        """Queued, but the broker could not be reached: it is sent again when it is back."""
        return self.status == JobStatus.QUEUED and self.sent_at is None and bool(self.send_error)

    @property
    def can_retry(self) -> bool:
        return self.status == JobStatus.FAILED or self.waiting_for_queue
