"""Controlled documents (clause 7.5): versioned, reviewed, approved, then frozen.

A concrete document is a subclass of ``ControlledVersion`` that adds its content fields and
names them in ``content_fields`` (and ``content_m2m``). Each row is one version of a series
(e.g. the organisation's scope statement). The life cycle:

    draft → in review → approved (immutable) → superseded
      ↑________| (returned for changes)      ↘ retired (withdrawn, nothing replaces it)

Starting a revision of an approved version copies it into a new draft; approving that
draft supersedes the previous approved version. The workflow functions below are the only
way the status moves; each re-checks permission inside its transaction.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core import transactions
from aims.core.models import OrganizationScopedModel
from aims.core.permissions import AccessPolicy, Action, EngagementScope, can


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")
    RETIRED = "retired", _("Retired")


FROZEN_STATUSES = (DocumentStatus.APPROVED, DocumentStatus.SUPERSEDED, DocumentStatus.RETIRED)


class ImmutableVersionError(ValidationError):
    pass


def controlled_version_constraints(name: str, *, series: tuple[str, ...]) -> list:
    """Database rules every controlled-document table carries."""
    return [
        models.UniqueConstraint(fields=[*series, "number"], name=f"{name}_number_unique_in_series"),
        models.UniqueConstraint(
            fields=list(series),
            condition=Q(status=DocumentStatus.APPROVED),
            name=f"{name}_one_approved_per_series",
        ),
        models.UniqueConstraint(
            fields=list(series),
            condition=Q(status__in=[DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW]),
            name=f"{name}_one_open_draft_per_series",
        ),
        models.CheckConstraint(
            condition=~Q(status__in=[DocumentStatus.APPROVED, DocumentStatus.SUPERSEDED])
            | (Q(approved_by__isnull=False) & Q(approved_at__isnull=False)),
            name=f"{name}_approved_has_approver",
        ),
        models.CheckConstraint(condition=Q(number__gte=1), name=f"{name}_number_positive"),
    ]


class ControlledVersion(OrganizationScopedModel):
    # Every engagement reads the organisation's approved documents (the scope, the SoA, the
    # policies) and their history; drafts are work in progress and stay unseen.
    access: ClassVar[AccessPolicy] = AccessPolicy(
        engagement=EngagementScope(
            always=True, shown={"status__in": [s.value for s in FROZEN_STATUSES]}
        )
    )
    number = models.PositiveIntegerField(_("version"), default=1, editable=False)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=DocumentStatus.choices,
        default=DocumentStatus.DRAFT,
        editable=False,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
        editable=False,
    )
    change_summary = models.CharField(
        _("summary of changes"),
        max_length=500,
        blank=True,
        help_text=_("What changed in this version and why, in a sentence or two."),
    )
    submitted_at = models.DateTimeField(
        _("submitted for review"), null=True, blank=True, editable=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
        editable=False,
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    approval_note = models.CharField(_("approval note"), max_length=500, blank=True, editable=False)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True, editable=False)
    review_interval_months = models.PositiveSmallIntegerField(
        _("review every (months)"),
        default=12,
        help_text=_("How often the approved document is looked at again."),
    )
    next_review_date = models.DateField(
        _("next review"), null=True, blank=True, editable=False, db_index=True
    )
    # At approval, the identity of every record linked through ``content_m2m`` (a link
    # table row vanishes with its record; the approved document must still say what it
    # named): {"ai_systems": [{"id": …, "reference": …, "title": …, "version": …}, …]}.
    frozen_links = models.JSONField(_("links at approval"), default=dict, editable=False)

    content_fields: ClassVar[tuple[str, ...]] = ()
    content_m2m: ClassVar[tuple[str, ...]] = ()
    series_fields: ClassVar[tuple[str, ...]] = ("organization",)

    class Meta:
        abstract = True
        ordering = ("-number",)

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status == DocumentStatus.DRAFT

    def series_filter(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.series_fields}

    def series(self) -> models.QuerySet:
        return type(self).objects.filter(**self.series_filter())

    def linked(self, name: str) -> list[dict[str, Any]]:
        """The records linked through ``name``: as frozen at approval for an approved or
        superseded version, else as they are now (same shape either way)."""
        if self.is_frozen and name in (self.frozen_links or {}):
            return self.frozen_links[name]
        return [record_identity(r) for r in getattr(self, name).all()]

    def approval_blockers(self) -> list[str]:
        """What in this version's content stops it being approved (none by default): a
        document type with completeness rules (the SoA) lists each gap as a sentence."""
        return []

    def approver_blockers(self, user: Any) -> list[str]:
        """Why ``user`` in particular may not approve this version (none by default): a
        document type whose approval needs more authority (an impact assessment of a
        restricted use needs top management) says so as a sentence."""
        return []

    def record_retirement(self, *, user: Any, note: str, at: datetime.datetime) -> None:
        """Hook for a document type that keeps who retired a version, when and why in
        fields of its own (the change log records the status change with who and when
        for every type); called by ``document_retire`` before the version is saved."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An approved version is a record of what was approved: its content never changes.
        loaded = getattr(self, "_loaded_snapshot", None)
        if loaded and loaded.get("status") in FROZEN_STATUSES:
            changed = [
                f
                for f in (*self.content_fields, "frozen_links")
                if loaded.get(f) != getattr(self, f)
            ]
            if changed:
                raise ImmutableVersionError(
                    _("Version %(n)s is approved and cannot be edited; start a new version.")
                    % {"n": self.number}
                )
        super().save(*args, **kwargs)


def record_identity(record: Any) -> dict[str, Any]:
    """What an approved document keeps of a record it links: enough to trace it after the
    record changes or is deleted (id, reference, title or name, version at the time)."""
    title = getattr(record, "title", None) or getattr(record, "name", None) or str(record)
    return {
        "id": record.pk,
        "reference": str(getattr(record, "reference", "") or ""),
        "title": str(title),
        "version": getattr(record, "version", None),
    }


def require_another_approver(*, author_id: Any, user: Any, organization: Any) -> None:
    """Segregation of duties: whoever wrote a record does not approve it, unless the
    organisation allows self-approval (a small team may have to)."""
    if author_id is not None and author_id == user.pk and not organization.allow_self_approval:
        raise ValidationError(
            _(
                "You wrote this version, so someone else must approve it. "
                "(An administrator can allow self-approval in the organisation settings.)"
            ),
            code="self_approval",
        )


@receiver(m2m_changed)
def _refuse_link_changes_to_frozen_versions(sender, instance, action, **kwargs) -> None:
    """The links an approved version names are part of what was approved."""
    if (
        action in ("pre_add", "pre_remove", "pre_clear")
        and isinstance(instance, ControlledVersion)
        and instance.is_frozen
        and any(getattr(type(instance), name).through is sender for name in instance.content_m2m)
    ):
        raise ImmutableVersionError(
            _("Version %(n)s is approved and cannot be edited; start a new version.")
            % {"n": instance.number}
        )


def _lock(version: ControlledVersion) -> ControlledVersion:
    return type(version).objects.select_for_update(of=("self",)).get(pk=version.pk)


def _require(user: Any, action: Action, version: ControlledVersion) -> None:
    if not can(user, action, version):
        raise PermissionDenied(_("You may not do that with this document."))


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError("unreachable")


@transaction.atomic
def document_submit(*, version: ControlledVersion, user: Any) -> ControlledVersion:
    """Send a draft for review."""
    version = _lock(version)
    _require(user, Action.CHANGE, version)
    if version.status != DocumentStatus.DRAFT:
        raise ValidationError(_("Only a draft can be sent for review."))
    version.status = DocumentStatus.IN_REVIEW
    version.submitted_at = timezone.now()
    version.save()
    return version


@transaction.atomic
def document_return(*, version: ControlledVersion, user: Any, note: str = "") -> ControlledVersion:
    """Send a version in review back to draft for changes."""
    version = _lock(version)
    _require(user, Action.APPROVE, version)
    if version.status != DocumentStatus.IN_REVIEW:
        raise ValidationError(_("Only a version in review can be returned for changes."))
    version.status = DocumentStatus.DRAFT
    version.submitted_at = None
    version.approval_note = note[:500]
    version.save()
    return version


@transaction.atomic
def document_approve(*, version: ControlledVersion, user: Any, note: str = "") -> ControlledVersion:
    """Approve a version in review; the previously approved version becomes superseded."""
    version = _lock(version)
    _require(user, Action.APPROVE, version)
    if version.status != DocumentStatus.IN_REVIEW:
        raise ValidationError(_("Only a version in review can be approved."))
    require_another_approver(
        author_id=version.author_id, user=user, organization=version.organization
    )
    refused = version.approver_blockers(user)
    if refused:
        raise ValidationError(refused, code="approver")
    blockers = version.approval_blockers()
    if blockers:
        raise ValidationError(
            [_("This version cannot be approved yet:"), *blockers], code="incomplete"
        )
    now = timezone.now()
    for previous in version.series().select_for_update().filter(status=DocumentStatus.APPROVED):
        previous.status = DocumentStatus.SUPERSEDED
        previous.superseded_at = now
        previous.save()
    version.frozen_links = {
        name: [record_identity(r) for r in getattr(version, name).order_by("pk")]
        for name in version.content_m2m
    }
    version.status = DocumentStatus.APPROVED
    version.approved_by = user
    version.approved_at = now
    version.approval_note = note[:500]
    version.next_review_date = _add_months(timezone.localdate(), version.review_interval_months)
    version.save()
    return version


@transaction.atomic
def document_start_revision(*, version: ControlledVersion, user: Any) -> ControlledVersion:
    """Copy an approved version into a new draft, the way to change an approved document."""
    # The series' owner first (its numbers), then the version (aims.core.transactions).
    transactions.lock_series_owner(version.organization)
    version = _lock(version)
    _require(user, Action.CHANGE, version)
    if version.status != DocumentStatus.APPROVED:
        raise ValidationError(_("A new version starts from the approved one."))
    if (
        version.series()
        .filter(status__in=[DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW])
        .exists()
    ):
        raise ValidationError(_("A draft of the next version already exists."))
    draft = type(version)(
        organization=version.organization,
        number=transactions.next_number(version.series(), owner=version.organization),
        status=DocumentStatus.DRAFT,
        author=user,
        review_interval_months=version.review_interval_months,
        **{f: getattr(version, f) for f in version.series_fields if f != "organization"},
        **{f: getattr(version, f) for f in version.content_fields},
    )
    draft.save()
    for name in version.content_m2m:
        getattr(draft, name).set(getattr(version, name).all())
    return draft


@transaction.atomic
def document_retire(*, version: ControlledVersion, user: Any, note: str = "") -> ControlledVersion:
    """Withdraw an approved version without a successor: the document is no longer in force.
    Its content stays as approved (it is frozen); the series may start again later from a
    new draft of its own."""
    version = _lock(version)
    _require(user, Action.APPROVE, version)
    if version.status != DocumentStatus.APPROVED:
        raise ValidationError(
            _("Only the approved version can be retired (this one is %(status)s).")
            % {"status": version.get_status_display().lower()},
            code="not_approved",
        )
    version.status = DocumentStatus.RETIRED
    version.next_review_date = None
    version.record_retirement(user=user, note=note[:500], at=timezone.now())
    version.save()
    return version


def document_open_draft_error(version: ControlledVersion) -> ValidationError:
    """Why no other version can start while ``version`` is open, and what to do instead."""
    return ValidationError(
        _(
            "Version %(n)s is already open (%(status)s): change that one, or finish its "
            "review, before starting another."
        )
        % {"n": version.number, "status": version.get_status_display().lower()},
        code="open_draft",
    )


@transaction.atomic
def document_start_next(
    *, model: type[ControlledVersion], user: Any, **series: Any
) -> ControlledVersion | None:
    """Start the next version of a series, the way ``document_start_revision`` does from its
    approved version. ``None`` when the series has no approved version yet (the caller
    starts one of its own); refused while a version is open (draft or in review).

    The caller locks the series first (its organisation's row), so two starts queue."""
    open_version = (
        model.objects.filter(**series)
        .filter(status__in=[DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW])
        .first()
    )
    if open_version is not None:
        raise document_open_draft_error(open_version)
    approved = model.objects.filter(**series, status=DocumentStatus.APPROVED).first()
    if approved is None:
        return None
    return document_start_revision(version=approved, user=user)


def next_number(model: type[ControlledVersion], *, organization: Any, **series: Any) -> int:
    """The next version number of a series, under the organisation's lock (call it inside
    the transaction that saves the version, before checking for an open draft)."""
    return transactions.next_number(
        model.objects.filter(organization=organization, **series), owner=organization
    )
