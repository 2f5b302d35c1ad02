"""Policies and procedures as controlled documents (5.2, A.2), and who acknowledged them (7.3).

A ``Policy`` row is one version of a document series: the organisation's document code
names the series (``POL-AI``), and the usual controlled-document life cycle moves it
(``aims.core.documents``): draft → in review → approved (frozen) → superseded or retired.
An approved version is then *published*, which is when the people it concerns are asked to
acknowledge it (``PolicyAcknowledgement``, one row per person and version).
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aims.core.access import EDIT_ROLES, READ_ROLES, AccessPolicy, Action, EngagementScope
from aims.core.documents import (
    FROZEN_STATUSES,
    ControlledVersion,
    DocumentStatus,
    controlled_version_constraints,
)
from aims.core.models import OrganizationScopedModel

SHOWN_TO_AUDITORS = [s.value for s in FROZEN_STATUSES]


class PolicyKind(models.TextChoices):
    AI_POLICY = "ai_policy", _("AI policy")
    POLICY = "policy", _("Other policy")
    PROCEDURE = "procedure", _("Procedure")
    GUIDELINE = "guideline", _("Guideline")


code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Use letters, digits, dots, dashes or underscores, starting with a letter or digit."),
)


def parse_external_documents(text: str) -> list[dict[str, str]]:
    """The outside documents a policy aligns with, one per line: ``title | URL`` (the URL is
    optional). Raises ``ValidationError`` naming the first bad line."""
    documents = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        title, _sep, url = (part.strip() for part in line.partition("|"))
        if not title:
            raise ValidationError(
                _("Line %(n)s: give the document's title before the “|”.") % {"n": number}
            )
        if url:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValidationError(
                    _("Line %(n)s: “%(url)s” is not a web address (http:// or https://).")
                    % {"n": number, "url": url[:80]}
                )
        documents.append({"title": title[:250], "url": url})
    return documents


class Policy(ControlledVersion):
    """One version of a policy, procedure or guideline of the organisation."""

    code = models.CharField(
        _("document code"),
        max_length=40,
        validators=[code_validator],
        help_text=_("The organisation's reference for the document, e.g. POL-AI or PR-RISK."),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=PolicyKind.choices, default=PolicyKind.POLICY
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_(
            "The document itself, in Markdown: # headings, lists, **bold**, links, tables. "
            "Scripts and embedded styles are removed when it is shown."
        ),
    )
    effective_date = models.DateField(
        _("effective from"),
        null=True,
        blank=True,
        help_text=_("The day this version takes effect once approved (empty: on publication)."),
    )
    aligned_with = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="aligned_from",
        verbose_name=_("aligned with our policies"),
        help_text=_("Other policies of the organisation this one must agree with."),
    )
    external_documents = models.TextField(
        _("aligned with outside documents"),
        blank=True,
        help_text=_(
            "Group policies, codes of conduct, laws: one per line, as “title | https://…” "
            "(the address is optional)."
        ),
    )
    evidence = models.ManyToManyField(
        "evidence.EvidenceItem",
        blank=True,
        related_name="policies",
        verbose_name=_("attachments"),
        help_text=_("Evidence items kept with the document: forms, records, annexes."),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
        editable=False,
    )
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True, editable=False)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("retired by"),
        editable=False,
    )
    retirement_note = models.CharField(
        _("why it was retired"), max_length=500, blank=True, editable=False
    )

    content_fields: ClassVar[tuple[str, ...]] = (
        "kind",
        "title",
        "body",
        "effective_date",
        "external_documents",
    )
    content_m2m: ClassVar[tuple[str, ...]] = ("aligned_with", "evidence")
    series_fields: ClassVar[tuple[str, ...]] = ("organization", "code")

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: EDIT_ROLES,
            Action.DELETE: EDIT_ROLES,
            Action.APPROVE: EDIT_ROLES,
        },
        # The approved policies are the frame every audit reads; drafts stay unseen.
        engagement=EngagementScope(always=True, shown={"status__in": SHOWN_TO_AUDITORS}),
    )

    class Meta(ControlledVersion.Meta):
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ("code", "-number")
        constraints = [
            *controlled_version_constraints("policy", series=("organization", "code")),
            models.CheckConstraint(
                condition=Q(kind__in=PolicyKind.values), name="policy_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(review_interval_months__gte=1), name="policy_review_interval_positive"
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True)
                | Q(status__in=[s.value for s in FROZEN_STATUSES]),
                name="policy_published_only_when_approved",
            ),
        ]
        indexes = [models.Index(fields=["organization", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "policies:policy_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def in_force(self) -> bool:
        return self.status == DocumentStatus.APPROVED and self.is_published

    def external_links(self) -> list[dict[str, str]]:
        try:
            return parse_external_documents(self.external_documents)
        except ValidationError:
            return [{"title": line, "url": ""} for line in self.external_documents.splitlines()]

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.review_interval_months is not None and self.review_interval_months < 1:
            errors["review_interval_months"] = _(
                "A review interval of zero would never bring the document back for review: "
                "give at least 1 month."
            )
        try:
            parse_external_documents(self.external_documents)
        except ValidationError as exc:
            errors["external_documents"] = exc.messages
        if errors:
            raise ValidationError(errors)

    def record_retirement(self, *, user: Any, note: str, at: Any) -> None:
        self.retired_at = at
        self.retired_by = user
        self.retirement_note = note


class PolicyAcknowledgement(OrganizationScopedModel):
    """One person asked to read a published version, and when they said they had."""

    policy = models.ForeignKey(
        Policy,
        on_delete=models.CASCADE,
        related_name="acknowledgements",
        verbose_name=_("policy version"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="policy_acknowledgements",
        verbose_name=_("person"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
        editable=False,
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True, editable=False)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: EDIT_ROLES,
            Action.DELETE: EDIT_ROLES,
        },
        # Who was asked to read an approved policy, and who did, is 7.3 evidence.
        engagement=EngagementScope(always=True, shown={"policy__status__in": SHOWN_TO_AUDITORS}),
    )

    class Meta:
        verbose_name = _("policy acknowledgement")
        verbose_name_plural = _("policy acknowledgements")
        ordering = ("policy", "user__email")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "user"], name="policyacknowledgement_once_per_person"
            ),
        ]
        # The reminder scan reads the requests by the day they were made.
        indexes = [models.Index(fields=["created_at"], name="policyack_requested")]

    def __str__(self) -> str:
        who = getattr(self.user, "display_name", None) or str(self.user)
        return f"{who}: {self.policy.code} v{self.policy.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "policies:policy_acknowledgements",
            kwargs={"org": self.organization.slug, "pk": self.policy_id},
        )

    def clean(self) -> None:
        super().clean()
        if (
            self.policy_id
            and self.organization_id
            and self.policy.organization_id != self.organization_id
        ):
            raise ValidationError({"policy": _("Choose a policy of this organisation.")})
        if self.policy_id and not self.pk and not self.policy.in_force:
            raise ValidationError(
                {"policy": _("Only the published version in force can be acknowledged.")}
            )
