"""Auditor engagements: who audits the AIMS, when, and over what.

An engagement's scope is the only source of what its auditors see: the permission layer
(``aims.core.permissions.restrict``) turns each open engagement into a filter through the
``EngagementScope`` every model declares. Nothing is granted record by record.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.models import OrganizationScopedModel, TrackedModel
from aims.core.permissions import (
    EDIT_ROLES,
    READ_ROLES,
    AccessPolicy,
    Action,
    EngagementScope,
    UserPurpose,
)
from aims.core.tenancy import Organization
from aims.core.text import shorten
from aims.core.transactions import next_number


class AuditBody(models.TextChoices):
    CERTIFICATION = "certification", _("Certification body")
    INTERNAL = "internal", _("Internal audit team")


class Stage(models.TextChoices):
    STAGE_1 = "stage_1", _("Stage 1")
    STAGE_2 = "stage_2", _("Stage 2")
    SURVEILLANCE = "surveillance", _("Surveillance")
    RECERTIFICATION = "recertification", _("Recertification")
    INTERNAL = "internal", _("Internal audit")


class EngagementState(models.TextChoices):
    UPCOMING = "upcoming", _("Not open yet")
    OPEN = "open", _("Open")
    ENDED = "ended", _("Ended")


class Engagement(OrganizationScopedModel):
    """One audit of the AIMS by a certification body or an internal audit team."""

    name = models.CharField(_("name"), max_length=200)
    body = models.CharField(_("audited by"), max_length=16, choices=AuditBody.choices)
    body_name = models.CharField(
        _("organisation or team"),
        max_length=200,
        help_text=_("The certification body's name, or the internal team's."),
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    auditors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="engagements",
        verbose_name=_("auditors"),
    )
    starts_on = models.DateField(_("access from"), db_index=True)
    ends_on = models.DateField(
        _("access until"), help_text=_("The auditors see nothing after this day.")
    )
    period_from = models.DateField(
        _("audit period from"),
        null=True,
        blank=True,
        help_text=_("The period the audit looks at; evidence can be filtered by it."),
    )
    period_until = models.DateField(_("audit period until"), null=True, blank=True)
    whole_aims = models.BooleanField(
        _("the whole AIMS"),
        default=True,
        help_text=_("Off: the auditors see only the AI systems, clauses and controls chosen."),
    )
    ai_systems = models.ManyToManyField(
        "inventory.AISystem", blank=True, related_name="engagements", verbose_name=_("AI systems")
    )
    clauses = models.ManyToManyField(
        "controls.Requirement",
        blank=True,
        related_name="engagements",
        limit_choices_to={"kind": "clause"},
        verbose_name=_("clauses"),
    )
    controls = models.ManyToManyField(
        "controls.ControlImplementation",
        blank=True,
        related_name="engagements",
        verbose_name=_("controls"),
    )
    notes = models.TextField(_("notes"), blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: EDIT_ROLES,
            Action.DELETE: EDIT_ROLES,
        },
        # Auditors see the engagements they are on, never another one.
        engagement=EngagementScope(own=("pk",)),
        user_purposes={"auditors": UserPurpose.AUDITOR},
    )

    class Meta:
        ordering = ("-starts_on", "name", "pk")
        verbose_name = _("auditor engagement")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="engagement_window_ordered"
            ),
            models.CheckConstraint(
                condition=Q(period_from__isnull=True)
                | Q(period_until__isnull=True)
                | Q(period_until__gte=F("period_from")),
                name="engagement_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(body__in=AuditBody.values), name="engagement_body_valid"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="engagement_stage_valid"
            ),
        ]
        indexes = [models.Index(fields=["organization", "ends_on"], name="engagement_org_end")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "engagements:engagement_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    @property
    def state(self) -> EngagementState:
        """Whether the auditors can read today: before, during or after the access window."""
        today = timezone.localdate()
        if today < self.starts_on:
            return EngagementState.UPCOMING
        if today > self.ends_on:
            return EngagementState.ENDED
        return EngagementState.OPEN

    def get_state_display(self) -> str:
        return str(self.state.label)

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Access ends before it starts.")})
        if self.period_from and self.period_until and self.period_until < self.period_from:
            raise ValidationError({"period_until": _("The audit period ends before it starts.")})


# ==== The auditor access log (engagements.middleware writes it) ============================


class AccessKind(models.TextChoices):
    PAGE = "page", _("Page")
    DOWNLOAD = "download", _("Download")
    API = "api", _("API call")


class AuditorAccessQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The auditor access log is append-only.")

    def delete(self):
        raise PermissionError("The auditor access log is append-only.")


class AuditorAccess(models.Model):
    """One page view, download or API call by an auditor, for one of their engagements.

    Append-only: nothing changes or deletes a row (the queryset and the model refuse, and
    on Postgres a trigger refuses any UPDATE or DELETE). The organisation, the engagement
    and the user are kept as ids, the names copied at the time, with no database
    constraint, so deleting any of them leaves the trail whole, as the change log keeps
    its organisation (engagement and user are nullable only so that a join to them is an
    outer one). It is no ``TrackedModel``: a read must not write to the change log,
    whose head lock would make every auditor's page wait for every write.
    """

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the (organisation, time) index serves it
        related_name="+",
        verbose_name=_("organisation"),
    )
    engagement = models.ForeignKey(
        Engagement,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the (engagement, time) index serves it
        related_name="+",
        verbose_name=_("engagement"),
    )
    engagement_name = models.CharField(_("engagement name"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("auditor"),
    )
    user_label = models.CharField(_("auditor's e-mail"), max_length=254)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("address"), max_length=1000)
    kind = models.CharField(_("kind"), max_length=10, choices=AccessKind.choices)
    status = models.PositiveSmallIntegerField(_("answer"))
    object_label = models.CharField(
        _("record"), max_length=120, blank=True, help_text=_("Model label and id: risks.risk:5")
    )
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    objects = AuditorAccessQuerySet.as_manager()

    # The organisation's people read the trail; auditors never do (no engagement scope).
    access: ClassVar[AccessPolicy] = AccessPolicy(read_only=True, roles={Action.VIEW: READ_ROLES})

    class Meta:
        ordering = ("-at", "-pk")
        verbose_name = _("auditor access")
        verbose_name_plural = _("auditor access log")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AccessKind.values), name="auditor_access_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-at"], name="auditor_access_org_at"),
            models.Index(fields=["engagement", "-at"], name="auditor_access_engagement_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_label} {self.method} {self.path}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The auditor access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise PermissionError("The auditor access log is append-only.")


# ==== Information requests (auditor engagements, item 3) ====================================
# The auditor asks, the organisation answers with text and evidence; both read the thread.
# The only records an auditor ever writes (``EngagementScope(auditor_adds=True)``); the
# workflow is in ``engagements.services`` (``request_*``).


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


def request_reference(number: int | None) -> str:
    """A request's reference as people quote it: IR-0007."""
    return f"IR-{number:04d}" if number else "IR-new"


class InformationRequest(OrganizationScopedModel):
    """Something an auditor asks the organisation for during an engagement."""

    engagement = models.ForeignKey(
        Engagement,
        # An engagement with requests is kept: their threads are audit records.
        on_delete=models.PROTECT,
        related_name="information_requests",
        verbose_name=_("engagement"),
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    title = models.CharField(_("title"), max_length=250)
    details = models.TextField(
        _("details"), blank=True, help_text=_("What is needed, for which period, in what form.")
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked by"),
        help_text=_("The auditor who asks (an officer may record a request made in a meeting)."),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RequestStatus.choices,
        default=RequestStatus.OPEN,
        editable=False,
    )
    clause = models.ForeignKey(
        "controls.Requirement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": "clause"},
        verbose_name=_("clause"),
    )
    control = models.ForeignKey(
        "controls.ControlImplementation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("control"),
    )
    ai_system = models.ForeignKey(
        "inventory.AISystem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("AI system"),
    )
    risk = models.ForeignKey(
        "risks.Risk",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("risk"),
    )
    answered_at = models.DateTimeField(_("last answered"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("closed by"),
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            # Officers may record a request an auditor made in a meeting; they answer and close.
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: EDIT_ROLES,
        },
        # The engagement's auditors see its requests (never another engagement's) and ask
        # new ones while it is open.
        engagement=EngagementScope(own=("engagement",), auditor_adds=True),
        user_purposes={"asked_by": UserPurpose.AUDITOR},
    )

    class Meta:
        ordering = ("-number",)
        verbose_name = _("information request")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="information_request_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values),
                name="information_request_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=RequestStatus.CLOSED, closed_at__isnull=False)
                | (~Q(status=RequestStatus.CLOSED) & Q(closed_at__isnull=True)),
                name="information_request_closed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="inforeq_org_status"),
            models.Index(fields=["engagement", "status"], name="inforeq_engagement_status"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return request_reference(self.number)

    def get_absolute_url(self) -> str:
        return reverse(
            "information_requests:detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    @property
    def is_overdue(self) -> bool:
        """Still waiting for the organisation after its due day."""
        return bool(
            self.status == RequestStatus.OPEN and self.due_on and self.due_on < timezone.localdate()
        )

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        engagement = self.engagement if self.engagement_id else None
        if engagement is not None and self.organization_id != engagement.organization_id:
            errors["engagement"] = _("Choose an engagement of this organisation.")
        for name in ("control", "ai_system", "risk"):
            linked = getattr(self, name) if getattr(self, f"{name}_id") else None
            if linked is not None and linked.organization_id != self.organization_id:
                errors[name] = _("Choose a record of this organisation.")
        if self.clause_id and self.clause.kind != "clause":
            errors["clause"] = _("Choose a clause of the standard, not a control.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.number:
            super().save(*args, **kwargs)
            return
        with transaction.atomic(using=kwargs.get("using")):
            # The organisation's next number, under its lock (aims.core.transactions).
            self.number = next_number(
                InformationRequest.objects.filter(organization_id=self.organization_id),
                owner=Organization(pk=self.organization_id),
            )
            super().save(*args, **kwargs)


class InformationRequestMessage(TrackedModel):
    """One message of a request's thread: the auditor's follow-up or the organisation's
    answer, with the evidence the organisation attaches."""

    request = models.ForeignKey(
        InformationRequest,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("information request"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"), blank=True)
    evidence = models.ManyToManyField(
        "evidence.EvidenceItem",
        blank=True,
        related_name="information_request_messages",
        verbose_name=_("evidence"),
        help_text=_("Evidence attached becomes visible to the engagement's auditors."),
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="request__organization",
        parent_path="request",
        # Messages are never changed or deleted: a thread is a record of what was said.
        roles={Action.VIEW: READ_ROLES},
        # Seen with its request; the engagement's auditors add to the thread while it is open.
        engagement=EngagementScope(own=("request__engagement",), auditor_adds=True),
    )

    class Meta:
        ordering = ("created_at", "pk")
        verbose_name = _("information request message")

    def __str__(self) -> str:
        return f"{self.request.reference}: {shorten(self.body, 60) or _('evidence')}"

    def get_absolute_url(self) -> str:
        return self.request.get_absolute_url()
