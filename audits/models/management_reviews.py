"""Management review (9.3): the review meeting, its agenda, decisions and minutes.

A review is planned for a day and covers what changed since the previous one. When it is
created, its agenda is assembled from the records kept elsewhere in the platform, one item
per input the review must consider (``ReviewInputKind``); each item keeps the figures it
was built from, so the meeting discusses what the registers said that day, and the minutes
of each item are written against them. Decisions are tracked as actions (owner, due date,
status) until done, and listed as the first input of the next review. The minutes are a
controlled document: approval freezes the agenda, minutes and decisions into it.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aims.core.documents import (
    FROZEN_STATUSES,
    ControlledVersion,
    DocumentStatus,
    controlled_version_constraints,
)
from aims.core.models import OrganizationScopedModel, TrackedModel
from aims.core.permissions import AccessPolicy, EngagementScope, UserPurpose, role_in
from aims.core.text import shorten
from aims.core.transactions import NumberedPerOrganization
from audits.models.internal_audits import PLANNER_ROLES
from audits.models.nonconformities import OPEN_ACTION_STATUSES, CorrectiveActionStatus

REVIEW_CLAUSE_REFS = ("9.3", "9.3.1", "9.3.2", "9.3.3")
# With no earlier review, the first one looks back this far for changes.
FIRST_REVIEW_LOOKBACK_DAYS = 365


class ReviewInputKind(models.TextChoices):
    """What a review considers, in agenda order (9.3.2, plus risk status, incidents and
    certification engagements, which auditors expect a review to weigh too)."""

    PREVIOUS_ACTIONS = "previous_actions", _("Actions from previous reviews")
    CONTEXT_CHANGES = "context_changes", _("Changes in external and internal issues")
    PARTY_CHANGES = "party_changes", _("Changes in interested parties and their requirements")
    NONCONFORMITIES = "nonconformities", _("Nonconformities and corrective actions")
    OBJECTIVES = "objectives", _("AI objectives and KPI results")
    AUDITS = "audits", _("Internal audit results")
    ENGAGEMENTS = "engagements", _("Certification engagements: open requests and findings")
    RISKS = "risks", _("Risk status")
    INCIDENTS = "incidents", _("AI incidents")
    IMPROVEMENTS = "improvements", _("Opportunities for improvement")


# The 9.3.2 sub-clause each input answers, shown on the agenda.
INPUT_CLAUSES: dict[str, str] = {
    ReviewInputKind.PREVIOUS_ACTIONS: "9.3.2",
    ReviewInputKind.CONTEXT_CHANGES: "9.3.2",
    ReviewInputKind.PARTY_CHANGES: "9.3.2",
    ReviewInputKind.NONCONFORMITIES: "9.3.2",
    ReviewInputKind.OBJECTIVES: "9.3.2",
    ReviewInputKind.AUDITS: "9.3.2",
    ReviewInputKind.ENGAGEMENTS: "9.3.2",
    ReviewInputKind.RISKS: "6.1",
    ReviewInputKind.INCIDENTS: "10.2",
    ReviewInputKind.IMPROVEMENTS: "10.1",
}


class ReviewStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    APPROVED = "approved", _("Minutes approved")


class DecisionKind(models.TextChoices):
    """What a decision is about (the outputs 9.3.3 asks a review to record)."""

    IMPROVEMENT = "improvement", _("Continual improvement")
    CHANGE = "change", _("Change to the management system")
    RESOURCES = "resources", _("Resources")
    OTHER = "other", _("Other")


def review_reference(number: int | None) -> str:
    return f"MR-{number:03d}" if number else "MR-?"


class ManagementReview(NumberedPerOrganization, OrganizationScopedModel):
    """One management review meeting (9.3): when, who attended, what it considered."""

    number = models.PositiveIntegerField(_("number"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    planned_for = models.DateField(_("planned for"), db_index=True)
    held_on = models.DateField(_("held on"), null=True, blank=True, editable=False)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chair"),
        help_text=_("The member of top management who leads the review."),
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="+",
        blank=True,
        verbose_name=_("attendees"),
    )
    other_attendees = models.TextField(
        _("other attendees"),
        blank=True,
        help_text=_("People without an account here, one per line with their role."),
    )
    # Changes are counted from this day: the previous review's meeting, or a year back.
    covers_from = models.DateField(_("changes counted from"), editable=False)
    agenda_built_at = models.DateTimeField(
        _("agenda assembled"), null=True, blank=True, editable=False
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PLANNED,
        editable=False,
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        owner_paths=("chair",),
        roles=PLANNER_ROLES,
        user_purposes={"chair": UserPurpose.OWNER, "attendees": UserPurpose.PARTICIPANT},
        engagement=EngagementScope(clause_refs=REVIEW_CLAUSE_REFS),
    )

    class Meta:
        ordering = ("-planned_for", "-number")
        verbose_name = _("management review")
        verbose_name_plural = _("management reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="managementreview_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="managementreview_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="planned") | Q(held_on__isnull=False),
                name="managementreview_held_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="managementreview_org_status")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return review_reference(self.number)

    def get_absolute_url(self) -> str:
        return reverse(
            "audits:review_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    @property
    def meeting_day(self) -> datetime.date:
        return self.held_on or self.planned_for

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.status != ReviewStatus.PLANNED:
            raise ValidationError(_("Only a review not yet held can be deleted."))
        return super().delete(*args, **kwargs)


class ReviewInput(TrackedModel):
    """One agenda item: an input the review considers, the figures assembled for it from
    the registers, and the minutes of its discussion."""

    review = models.ForeignKey(
        ManagementReview,
        on_delete=models.CASCADE,
        related_name="inputs",
        verbose_name=_("review"),
    )
    kind = models.CharField(
        _("input"), max_length=20, choices=ReviewInputKind.choices, editable=False
    )
    position = models.PositiveSmallIntegerField(editable=False)
    # {"headline": str, "rows": [{"label", "value", "url", "tone", "detail"}], "items": [...]}
    facts = models.JSONField(_("figures"), default=dict, blank=True, editable=False)
    minutes = models.TextField(
        _("minutes"),
        blank=True,
        help_text=_("What was discussed and concluded on this input."),
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="review__organization",
        owner_paths=("review__chair",),
        parent_path="review",
        engagement=EngagementScope(clause_refs=REVIEW_CLAUSE_REFS),
    )

    class Meta:
        ordering = ("review", "position")
        verbose_name = _("review input")
        verbose_name_plural = _("review inputs")
        constraints = [
            models.UniqueConstraint(fields=["review", "kind"], name="reviewinput_unique_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=ReviewInputKind.values), name="reviewinput_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review.reference} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return f"{self.review.get_absolute_url()}#input-{self.kind}"

    @property
    def clause_ref(self) -> str:
        return INPUT_CLAUSES.get(self.kind, "9.3.2")

    def clean(self) -> None:
        super().clean()
        loaded = getattr(self, "_loaded_snapshot", None) or {}
        if (
            self.pk is not None
            and self.minutes != loaded.get("minutes", self.minutes)
            and not minutes_editable(self.review)
        ):
            raise ValidationError(
                {
                    "minutes": _(
                        "The minutes are approved; start a new version of them to change them."
                    )
                }
            )


class ReviewDecision(TrackedModel):
    """A decision of the review, tracked as an action until it is done (9.3.3)."""

    review = models.ForeignKey(
        ManagementReview,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("review"),
    )
    review_input = models.ForeignKey(
        ReviewInput,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("on the input"),
    )
    kind = models.CharField(
        _("about"), max_length=12, choices=DecisionKind.choices, default=DecisionKind.IMPROVEMENT
    )
    decision = models.TextField(_("decision"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CorrectiveActionStatus.choices,
        default=CorrectiveActionStatus.PLANNED,
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    outcome = models.TextField(
        _("outcome"), blank=True, help_text=_("What was done, or why the decision was dropped.")
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="review__organization",
        owner_paths=("owner", "review__chair"),
        parent_path="review",
        user_purposes={"owner": UserPurpose.OWNER},
        engagement=EngagementScope(clause_refs=REVIEW_CLAUSE_REFS),
    )

    class Meta:
        ordering = ("review", "due_date", "pk")
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CorrectiveActionStatus.values),
                name="reviewdecision_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DecisionKind.values), name="reviewdecision_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="reviewdecision_done_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(outcome=""),
                name="reviewdecision_cancelled_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="reviewdecision_due")]

    def __str__(self) -> str:
        return f"{self.review.reference}: {shorten(self.decision, 60)}"

    def get_absolute_url(self) -> str:
        return f"{self.review.get_absolute_url()}#decision-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_open and self.due_date and self.due_date < timezone.localdate())

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.review_id and self.review.status == ReviewStatus.PLANNED:
            errors["decision"] = _("Decisions are recorded once the review has been held.")
        elif self.pk is None and self.review_id and not minutes_editable(self.review):
            # The approved minutes list the decisions: a later one would be missing there.
            errors["decision"] = _(
                "The minutes are approved; start a new version of them to record another decision."
            )
        if self.review_input_id and self.review_input.review_id != self.review_id:
            errors["review_input"] = _("Choose an input of this review.")
        if self.status == CorrectiveActionStatus.DONE and self.completed_on is None:
            errors["completed_on"] = _("Say when it was done.")
        if self.status == CorrectiveActionStatus.CANCELLED and not self.outcome.strip():
            errors["outcome"] = _("Say why the decision was dropped.")
        if self.completed_on and self.completed_on > timezone.localdate() + datetime.timedelta(
            days=1
        ):
            errors["completed_on"] = _("This lies in the future.")
        if errors:
            raise ValidationError(errors)


class ReviewMinutes(ControlledVersion):
    """The minutes of a review, a controlled document: the overall conclusions, and at
    approval a frozen copy of the agenda with its minutes, the attendees and decisions."""

    review = models.ForeignKey(
        ManagementReview,
        on_delete=models.PROTECT,
        related_name="minutes_versions",
        verbose_name=_("review"),
    )
    summary = models.TextField(_("summary"), blank=True)
    conclusions = models.TextField(
        _("conclusions on the management system"),
        blank=True,
        help_text=_(
            "Whether the AI management system still suits the organisation, is sufficient "
            "and achieves what it is meant to; the review's overall verdict."
        ),
    )
    # At approval: {"attendees": [...], "other_attendees": str, "inputs": [{"kind", "label",
    # "facts", "minutes"}], "decisions": [{"decision", "kind", "owner", "due_date", ...}]}
    record = models.JSONField(_("record"), default=dict, blank=True, editable=False)

    content_fields: ClassVar[tuple[str, ...]] = ("summary", "conclusions", "record")
    series_fields: ClassVar[tuple[str, ...]] = ("organization", "review")

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles=PLANNER_ROLES,
        engagement=EngagementScope(
            clause_refs=REVIEW_CLAUSE_REFS,
            shown={"status__in": [s.value for s in FROZEN_STATUSES]},
        ),
    )

    class Meta(ControlledVersion.Meta):
        verbose_name = _("review minutes")
        verbose_name_plural = _("review minutes")
        ordering = ("review", "-number")
        constraints = controlled_version_constraints(
            "reviewminutes", series=("organization", "review")
        )

    def __str__(self) -> str:
        return f"{self.review.reference} minutes v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "audits:minutes_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    def clean(self) -> None:
        super().clean()
        if self.review_id and self.review.organization_id != self.organization_id:
            raise ValidationError({"review": _("Choose a review of this organisation.")})

    def approval_blockers(self) -> list[str]:
        blockers = []
        if self.review.status == ReviewStatus.PLANNED:
            blockers.append(gettext("The review has not been held yet."))
        silent = [
            str(item.get_kind_display())
            for item in self.review.inputs.all()
            if not item.minutes.strip()
        ]
        if silent:
            blockers.append(
                gettext("Write the minutes of every input; none yet for: %(inputs)s.")
                % {"inputs": ", ".join(silent)}
            )
        if not self.review.inputs.exists():
            blockers.append(gettext("The review has no agenda."))
        if not self.conclusions.strip():
            blockers.append(gettext("Write the conclusions on the management system."))
        return blockers

    def approver_blockers(self, user: Any) -> list[str]:
        """Top management approves the minutes: an administrator, or the review's chair."""
        if user is None or user.pk == self.review.chair_id:
            return []
        if role_in(user, self.organization_id) == "admin":
            return []
        return [gettext("The minutes are approved by the review's chair or an administrator.")]

    def content(self) -> dict[str, Any]:
        """What the minutes record: as frozen at approval, else the review as it stands."""
        if self.is_frozen and self.record:
            return self.record
        return review_record(self.review)

    def save(self, *args: Any, **kwargs: Any) -> None:
        loaded = getattr(self, "_loaded_snapshot", None) or {}
        approving = (
            self.status == DocumentStatus.APPROVED
            and loaded.get("status") not in FROZEN_STATUSES
            and self.pk is not None
        )
        with transaction.atomic(using=kwargs.get("using")):
            if approving:
                self.record = review_record(self.review)
            super().save(*args, **kwargs)
            if approving:
                # The review counts as closed once its minutes are approved (an invariant).
                review = ManagementReview.objects.select_for_update().get(pk=self.review_id)
                if review.status == ReviewStatus.HELD:
                    review.status = ReviewStatus.APPROVED
                    review.save()


OPEN_MINUTES_STATUSES = (DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW)


def minutes_editable(review: ManagementReview, versions: list[ReviewMinutes] | None = None) -> bool:
    """The minutes of each input are written until the minutes are approved, and again
    while a new version of them is open."""
    if review.status != ReviewStatus.APPROVED:
        return True
    if versions is None:
        return ReviewMinutes.objects.filter(
            review=review, status__in=OPEN_MINUTES_STATUSES
        ).exists()
    return any(m.status in OPEN_MINUTES_STATUSES for m in versions)


def _user_name(user: Any) -> str:
    return user.display_name if user is not None else ""


def review_record_prefetch(prefix: str = "") -> list[Any]:
    """What ``review_record`` reads, to prefetch for a list (``prefix``: the path to the
    review, e.g. ``"review__"``)."""
    return [
        f"{prefix}inputs",
        f"{prefix}attendees",
        models.Prefetch(
            f"{prefix}decisions", queryset=ReviewDecision.objects.select_related("owner")
        ),
    ]


def review_record(review: ManagementReview) -> dict[str, Any]:
    """The review as its minutes keep it: attendees, agenda with minutes, decisions."""
    inputs = list(review.inputs.all())
    labels = {item.pk: str(item.get_kind_display()) for item in inputs}
    return {
        "held_on": review.held_on.isoformat() if review.held_on else None,
        "covers_from": review.covers_from.isoformat() if review.covers_from else None,
        "chair": _user_name(review.chair),
        "attendees": [_user_name(u) for u in review.attendees.all()],
        "other_attendees": review.other_attendees,
        "inputs": [
            {
                "kind": item.kind,
                "label": labels[item.pk],
                "clause": item.clause_ref,
                "facts": item.facts,
                "minutes": item.minutes,
            }
            for item in inputs
        ],
        "decisions": [
            {
                "decision": d.decision,
                "kind": d.kind,
                "kind_label": str(d.get_kind_display()),
                "input": labels.get(d.review_input_id, ""),
                "owner": _user_name(d.owner),
                "due_date": d.due_date.isoformat() if d.due_date else None,
                "status": d.status,
                "status_label": str(d.get_status_display()),
            }
            for d in review.decisions.all()
        ],
    }


__all__ = [
    "FIRST_REVIEW_LOOKBACK_DAYS",
    "INPUT_CLAUSES",
    "OPEN_MINUTES_STATUSES",
    "REVIEW_CLAUSE_REFS",
    "DecisionKind",
    "ManagementReview",
    "ReviewDecision",
    "ReviewInput",
    "ReviewInputKind",
    "ReviewMinutes",
    "ReviewStatus",
    "minutes_editable",
    "review_record",
    "review_record_prefetch",
    "review_reference",
]
