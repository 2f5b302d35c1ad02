"""Evidence: files and links that show a control, risk treatment or clause is in place.

An ``EvidenceItem`` is what the auditor samples ("access review, Q3"); each upload to it is
an ``EvidenceFile`` version with its SHA-256, size, sniffed type and uploader. Files are
stored through Django's storage API and served only through an authorised view.

What an item supports (SoA rows, risks, clauses) is declared on those higher models, each
with an ``evidence`` field; this app learns of them through ``aims.evidence.links``.
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.models import OrganizationScopedModel, TrackedModel
from aims.core.permissions import AccessPolicy, EngagementScope


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")


class EvidenceStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Expiring soon")
    EXPIRED = "expired", _("Expired")
    NOT_YET_VALID = "not_yet_valid", _("Not yet valid")


def evidence_status(
    valid_from: datetime.date | None, valid_until: datetime.date | None, today: datetime.date
) -> str:
    if valid_from and valid_from > today:
        return EvidenceStatus.NOT_YET_VALID
    if valid_until:
        if valid_until < today:
            return EvidenceStatus.EXPIRED
        if valid_until <= today + datetime.timedelta(days=settings.AIMS_EVIDENCE_EXPIRING_DAYS):
            return EvidenceStatus.EXPIRING
    return EvidenceStatus.VALID


class EvidenceItem(OrganizationScopedModel):
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(
        _("description"), blank=True, help_text=_("What this shows and how it was produced.")
    )
    kind = models.CharField(_("kind"), max_length=4, choices=EvidenceKind.choices)
    url = models.URLField(
        _("link"),
        max_length=1000,
        blank=True,
        help_text=_("For a link: where the evidence lives (wiki page, ticket, dashboard)."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_evidence",
        verbose_name=_("owner"),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("When the evidence goes stale and should be replaced. Empty: no expiry."),
        db_index=True,
    )
    # The period the evidence shows (a quarter's access reviews), apart from when it was
    # uploaded and how long it stays current: an auditor samples evidence by audit period.
    period_from = models.DateField(
        _("covers from"),
        null=True,
        blank=True,
        help_text=_("The first day of the period this evidence shows, e.g. a quarter reviewed."),
    )
    period_until = models.DateField(_("covers until"), null=True, blank=True)
    current_file = models.ForeignKey(
        "EvidenceFile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        owner_paths=("owner",),
        engagement=EngagementScope(
            systems=("risks__ai_systems",), controls=("controls",), clauses=("clauses",)
        ),
    )

    class Meta:
        ordering = ("title", "pk")
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EvidenceKind.values), name="evidence_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind="link") | ~Q(url=""), name="evidence_link_has_url"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="evidence_validity_ordered",
            ),
            models.CheckConstraint(
                condition=Q(period_from__isnull=True)
                | Q(period_until__isnull=True)
                | Q(period_until__gte=models.F("period_from")),
                name="evidence_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["organization", "valid_until"], name="evidence_org_expiry")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "evidence:evidence_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    @property
    def status(self) -> str:
        return evidence_status(self.valid_from, self.valid_until, timezone.localdate())

    def get_status_display(self) -> str:
        return str(EvidenceStatus(self.status).label)

    def clean(self) -> None:
        if self.kind == EvidenceKind.LINK and not self.url:
            raise ValidationError({"url": _("Give the link's address.")})
        if self.kind == EvidenceKind.FILE and self.url:
            raise ValidationError({"url": _("A file item has no link; upload the file instead.")})
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end of validity is before its start.")})
        if self.period_from and self.period_until and self.period_until < self.period_from:
            raise ValidationError({"period_until": _("The period covered ends before it starts.")})


def evidence_upload_to(instance: EvidenceFile, filename: str) -> str:
    # The stored name never reuses the uploaded name: only the hash and a safe extension.
    return f"evidence/{instance.item.organization_id}/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class EvidenceFile(TrackedModel):
    """One uploaded version of an evidence item's file."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="files")
    number = models.PositiveIntegerField(_("version"), editable=False)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=300, editable=False)
    original_name = models.CharField(_("file name"), max_length=255, editable=False)
    extension = models.CharField(max_length=12, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), editable=False)
    content_type = models.CharField(_("type"), max_length=120, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("uploaded by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="item__organization", owner_paths=("item__owner",), parent_path="item"
    )

    class Meta:
        ordering = ("-number",)
        verbose_name = _("evidence file")
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="evidence_file_number_unique"),
            models.CheckConstraint(condition=Q(size__gt=0), name="evidence_file_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.number})"

    def get_absolute_url(self) -> str:
        return self.item.get_absolute_url()
