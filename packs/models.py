"""Evidence packs: a signed bundle of what an auditor gets for a scope.

A pack is started by an officer for the whole AIMS, one AI system or one auditor
engagement; a background job (``packs.tasks.evidence_pack_build``) reads every register
through the permission layer and writes a ZIP (the PDF, the evidence files, a manifest).
A delta pack lists what changed in the change log between two packs of the organisation
and carries the evidence files added or changed between them (``packs.delta``).
The pack's status follows its job.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aims.core.models import Job, JobStatus, OrganizationScopedModel
from aims.core.permissions import (
    EDIT_ROLES,
    READ_ROLES,
    AccessPolicy,
    Action,
    EngagementScope,
)
from aims.core.transactions import NumberedPerOrganization


class PackKind(models.TextChoices):
    FULL = "full", _("Evidence pack")
    DELTA = "delta", _("Delta pack")


class ScopeKind(models.TextChoices):
    WHOLE = "whole", _("Whole AIMS")
    SYSTEM = "system", _("One AI system")
    ENGAGEMENT = "engagement", _("Auditor engagement")


class PackStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a worker")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Building")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def pack_reference(number: int | None) -> str:
    return f"PACK-{number:03d}" if number else "PACK-?"


class EvidencePack(NumberedPerOrganization, OrganizationScopedModel):
    number = models.PositiveIntegerField(_("number"), editable=False)
    kind = models.CharField(_("kind"), max_length=8, choices=PackKind.choices, default="full")
    scope_kind = models.CharField(
        _("scope"), max_length=12, choices=ScopeKind.choices, default=ScopeKind.WHOLE
    )
    ai_system = models.ForeignKey(
        "inventory.AISystem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("AI system"),
    )
    engagement = models.ForeignKey(
        "engagements.Engagement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence_packs",
        verbose_name=_("engagement"),
    )
    # What the scope was called when the pack was started (kept if the record goes).
    scope_label = models.CharField(_("scope"), max_length=250, blank=True, editable=False)
    base = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from pack"),
    )
    target = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to pack"),
    )
    job = models.OneToOneField(
        Job,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence_pack",
        editable=False,
    )
    file = models.FileField(_("file"), upload_to="packs/", blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True, editable=False)
    changelog_seq = models.PositiveBigIntegerField(
        _("change-log position"), null=True, blank=True, editable=False
    )
    built_at = models.DateTimeField(_("built"), null=True, blank=True, editable=False)
    # The records the pack holds, by model label: {"risks.risk": [ids]} (the delta reads it).
    contents = models.JSONField(default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("prepared by"),
    )

    # Officers and administrators start packs; every member reads them; nobody edits one.
    # An engagement's auditors see (and download) the packs of that engagement.
    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: frozenset(),
            Action.DELETE: frozenset(),
        },
        engagement=EngagementScope(own=("engagement",)),
    )
    changelog_exclude: ClassVar[tuple[str, ...]] = ("updated_at", "contents")

    class Meta:
        ordering = ("-number",)
        verbose_name = _("evidence pack")
        verbose_name_plural = _("evidence packs")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="evidencepack_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind="full", base__isnull=True, target__isnull=True) | Q(kind="delta"),
                name="evidencepack_full_has_no_base",
            ),
            models.CheckConstraint(
                condition=~Q(sha256="") | Q(file=""), name="evidencepack_file_has_hash"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}: {self.scope_text}"

    @property
    def reference(self) -> str:
        return pack_reference(self.number)

    @property
    def scope_text(self) -> str:
        if self.scope_kind == ScopeKind.WHOLE:
            return str(ScopeKind.WHOLE.label)
        return self.scope_label or self.get_scope_kind_display()

    @property
    def status(self) -> str:
        if self.file and self.sha256:
            return PackStatus.READY
        job = self.job
        if job is None:
            return PackStatus.FAILED
        if job.waiting_for_queue:
            return PackStatus.WAITING
        return {
            JobStatus.QUEUED: PackStatus.QUEUED,
            JobStatus.RUNNING: PackStatus.RUNNING,
            JobStatus.FAILED: PackStatus.FAILED,
            JobStatus.SUCCEEDED: PackStatus.READY,
        }[job.status]

    def get_status_display(self) -> str:
        return str(PackStatus(self.status).label)

    @property
    def is_ready(self) -> bool:
        return bool(self.file and self.sha256)

    @property
    def filename(self) -> str:
        kind = "delta-pack" if self.kind == PackKind.DELTA else "evidence-pack"
        return f"{self.organization.slug}-{kind}-{self.number:03d}.zip"

    def get_absolute_url(self) -> str:
        return reverse("packs:pack_detail", kwargs={"org": self.organization.slug, "pk": self.pk})
