"""Support for the AIMS: resources (7.1), planned changes (6.3), the register of documented
information (7.5.3) and the channel for reporting concerns (A.3.3).

A concern's reporter is kept on the record (so they can follow it) and nowhere else: the
field is left out of the change log (``changelog_exclude``), of every serializer, form,
filter, admin page and template, and the change-log row of the concern's creation names no
actor (``policies.services.support.concern_raise``). Only the reporter reads their own
concerns through it (``ConcernQuerySet.visible_to``).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.models import OrganizationScopedModel
from aims.core.permissions import (
    EDIT_ROLES,
    READ_ROLES,
    AccessPolicy,
    Action,
    EngagementScope,
    Role,
    UserPurpose,
    organizations_for,
    restrict,
    roles_of,
)

# --- Resources (7.1) --------------------------------------------------------------------------


class ResourceKind(models.TextChoices):
    PEOPLE = "people", _("People and time")
    BUDGET = "budget", _("Budget")
    TOOLING = "tooling", _("Tooling")
    COMPUTE = "compute", _("Compute and infrastructure")
    EXPERTISE = "expertise", _("External expertise")


class ResourceStatus(models.TextChoices):
    NEEDED = "needed", _("Needed")
    REQUESTED = "requested", _("Requested")
    COMMITTED = "committed", _("Committed")


def _review_overdue(day: Any) -> bool:
    return day is not None and day < timezone.localdate()


class AIMSResource(OrganizationScopedModel):
    """Something the AIMS needs to be set up, run and improved: people's time, money, tools,
    compute or outside help, with who answers for it and whether it has been committed."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ResourceKind.choices)
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the resource is for and what it covers.")
    )
    quantity = models.CharField(
        _("amount or quantity"),
        max_length=120,
        blank=True,
        help_text=_("As you would say it: “0.5 FTE”, “€40,000 a year”, “2 GPUs”."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ResourceStatus.choices, default=ResourceStatus.NEEDED
    )
    review_date = models.DateField(
        _("review date"),
        null=True,
        blank=True,
        help_text=_("When to check again that the resource is still enough."),
    )
    ai_systems = models.ManyToManyField(
        "inventory.AISystem",
        blank=True,
        related_name="aims_resources",
        verbose_name=_("AI systems"),
        help_text=_("Leave empty for a resource of the whole AIMS."),
    )
    notes = models.TextField(_("notes"), blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: EDIT_ROLES,
            Action.DELETE: EDIT_ROLES,
        },
        engagement=EngagementScope(systems=("ai_systems",), clause_refs=("7.1",)),
    )

    class Meta:
        ordering = ("kind", "name", "pk")
        verbose_name = _("AIMS resource")
        verbose_name_plural = _("AIMS resources")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ResourceKind.values), name="aimsresource_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ResourceStatus.values), name="aimsresource_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "policies:resource_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    @property
    def review_overdue(self) -> bool:
        return _review_overdue(self.review_date)


# --- Planned changes (6.3) --------------------------------------------------------------------


class ChangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    IMPLEMENTED = "implemented", _("Implemented")


DECIDED_STATUSES = (ChangeStatus.APPROVED, ChangeStatus.REJECTED, ChangeStatus.IMPLEMENTED)


class PlannedChange(OrganizationScopedModel):
    """A change to the AIMS made on purpose: why, what it may cause, what it needs and who
    does it; approved by an officer other than the one who proposed it before it is made."""

    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), help_text=_("Why the change is needed."))
    consequences = models.TextField(
        _("potential consequences"),
        blank=True,
        help_text=_("What the change could disturb, and how that is kept in hand."),
    )
    resources_needed = models.TextField(_("resources needed"), blank=True)
    responsibilities = models.TextField(
        _("responsibilities"), blank=True, help_text=_("Who does what to carry the change out.")
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ChangeStatus.choices,
        default=ChangeStatus.PROPOSED,
        editable=False,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
        editable=False,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True, editable=False)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True, editable=False)
    implementation_note = models.CharField(
        _("implementation note"), max_length=500, blank=True, editable=False
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR}),
            Action.CHANGE: EDIT_ROLES,
            Action.DELETE: EDIT_ROLES,
            Action.APPROVE: EDIT_ROLES,
        },
        engagement=EngagementScope(clause_refs=("6.3",)),
        user_purposes={"responsible": UserPurpose.OWNER},
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("planned change")
        verbose_name_plural = _("planned changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ChangeStatus.values), name="plannedchange_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=ChangeStatus.PROPOSED)
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="plannedchange_decided_has_decider",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="plannedchange_not_decided_by_proposer",
            ),
            models.CheckConstraint(
                condition=~Q(status=ChangeStatus.IMPLEMENTED) | Q(implemented_on__isnull=False),
                name="plannedchange_implemented_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "policies:change_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    @property
    def is_editable(self) -> bool:
        """What a change is can be edited until it is decided."""
        return self.status == ChangeStatus.PROPOSED

    def clean(self) -> None:
        super().clean()
        if self.pk and not self.is_editable:
            loaded = getattr(self, "_loaded_values", None) or {}
            for name in ("title", "purpose", "consequences", "resources_needed"):
                if name in loaded and loaded[name] != getattr(self, name):
                    raise ValidationError(
                        _(
                            "This change was %(status)s: what it is can no longer be edited. "
                            "Propose a new change instead."
                        )
                        % {"status": self.get_status_display().lower()}
                    )


# --- Documented information (7.5.3) -----------------------------------------------------------


class DisposalMethod(models.TextChoices):
    DELETE = "delete", _("Delete")
    ARCHIVE = "archive", _("Archive, then delete")
    ANONYMISE = "anonymise", _("Anonymise")
    RETURN = "return", _("Return to its owner")
    OTHER = "other", _("Other (see notes)")


def _retention_field() -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        _("retention period (months)"),
        validators=[MinValueValidator(1), MaxValueValidator(1200)],
        help_text=_("How long it is kept after it stops being current."),
    )


class RetentionRule(OrganizationScopedModel):
    """How long one kind of record the product keeps (controlled documents, evidence) is
    retained, and how it is disposed of afterwards. One per record type and organisation."""

    record_type = models.CharField(
        _("record type"), max_length=100, help_text=_("The kind of record, by its model label.")
    )
    retention_months = _retention_field()
    disposal_method = models.CharField(
        _("disposal method"), max_length=10, choices=DisposalMethod.choices
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Legal or contractual reasons for the period.")
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: EDIT_ROLES,
            Action.DELETE: EDIT_ROLES,
        },
        engagement=EngagementScope(clause_refs=("7.5", "7.5.3")),
    )

    class Meta:
        ordering = ("record_type",)
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "record_type"], name="retentionrule_one_per_type"
            ),
            models.CheckConstraint(
                condition=Q(retention_months__gte=1, retention_months__lte=1200),
                name="retentionrule_retention_range",
            ),
            models.CheckConstraint(
                condition=Q(disposal_method__in=DisposalMethod.values),
                name="retentionrule_disposal_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Retention of %(type)s") % {"type": self.record_type_label})

    @property
    def record_type_label(self) -> str:
        from policies.documented import record_type_labels  # the registry reads the app registry

        return record_type_labels().get(self.record_type, self.record_type)

    def get_absolute_url(self) -> str:
        return reverse("policies:document_register", kwargs={"org": self.organization.slug})

    def clean(self) -> None:
        super().clean()
        from policies.documented import record_type_labels

        if self.record_type and self.record_type not in record_type_labels():
            raise ValidationError(
                {"record_type": _("Choose one of the kinds of record the product keeps.")}
            )


class OutsideDocumentKind(models.TextChoices):
    POLICY = "policy", _("Policy or procedure")
    RECORD = "record", _("Record")
    CONTRACT = "contract", _("Contract or agreement")
    REPORT = "report", _("Report")
    TECHNICAL = "technical", _("Technical documentation")
    OTHER = "other", _("Other")


class OutsideDocumentStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    RETIRED = "retired", _("Retired")


class OutsideDocument(OrganizationScopedModel):
    """Documented information the AIMS relies on that lives outside the product: a contract
    in the legal team's system, model cards in a repository, a paper logbook."""

    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(_("kind"), max_length=10, choices=OutsideDocumentKind.choices)
    location = models.CharField(
        _("location or URL"),
        max_length=500,
        help_text=_("Where to find it: a link, a share path, a room and shelf."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    retention_months = _retention_field()
    disposal_method = models.CharField(
        _("disposal method"), max_length=10, choices=DisposalMethod.choices
    )
    access_notes = models.TextField(
        _("access and protection"),
        blank=True,
        help_text=_("Who may read or change it, and how it is protected from loss or misuse."),
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=OutsideDocumentStatus.choices,
        default=OutsideDocumentStatus.CURRENT,
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: EDIT_ROLES,
            Action.DELETE: EDIT_ROLES,
        },
        engagement=EngagementScope(clause_refs=("7.5", "7.5.3")),
    )

    class Meta:
        ordering = ("title", "pk")
        verbose_name = _("outside document")
        verbose_name_plural = _("outside documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(retention_months__gte=1, retention_months__lte=1200),
                name="outsidedocument_retention_range",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OutsideDocumentKind.values), name="outsidedocument_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(disposal_method__in=DisposalMethod.values),
                name="outsidedocument_disposal_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=OutsideDocumentStatus.values),
                name="outsidedocument_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "policies:outside_document_detail",
            kwargs={"org": self.organization.slug, "pk": self.pk},
        )

    @property
    def location_is_link(self) -> bool:
        return self.location.startswith(("https://", "http://"))


# --- Reporting of concerns (A.3.3) -------------------------------------------------------------


def new_link_token() -> str:
    return secrets.token_urlsafe(24)


class ChannelAudience(models.TextChoices):
    INTERNAL = "internal", _("Staff and contractors")
    EXTERNAL = "external", _("People outside the organisation")


class ConcernChannel(OrganizationScopedModel):
    """A way in for concerns from outside the product: members always raise them in the
    product; a channel with ``anonymous_enabled`` lets anyone holding its secret link raise
    one without signing in. An organisation may keep several (one link for staff, another
    for suppliers), each switched on or off on its own.

    An ``external`` channel is the way in for people outside the organisation (customers,
    users of the AI systems, people affected by them, the public) to report adverse impacts
    (A.8.3); its page also asks how the reporter relates to the organisation and offers an
    optional field for contact details."""

    name = models.CharField(
        _("name"),
        max_length=120,
        help_text=_("Who the link is for, as the officer reads it: “Staff and contractors”."),
    )
    audience = models.CharField(
        _("who reports here"),
        max_length=8,
        choices=ChannelAudience.choices,
        default=ChannelAudience.INTERNAL,
        help_text=_(
            "People outside the organisation are customers, users of the AI systems, people "
            "affected by them and the public. Their page also asks how they relate to the "
            "organisation and lets them leave contact details if they want a reply."
        ),
    )
    anonymous_enabled = models.BooleanField(
        _("accept anonymous reports through a secret link"),
        default=False,
        help_text=_(
            "Anyone with the link can then raise a concern without an account. Share it with "
            "staff, contractors and others who may see problems with the AI systems."
        ),
    )
    link_token = models.CharField(
        max_length=64, unique=True, default=new_link_token, editable=False
    )
    intro = models.TextField(
        _("message on the reporting page"),
        blank=True,
        help_text=_("Shown above the form: what to report here and what happens next."),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who handles concerns"),
        help_text=_("The officer who reads new concerns first."),
    )

    # The secret is no history: it stays out of the change log (and out of an auditor's view).
    changelog_exclude: ClassVar[tuple[str, ...]] = ("updated_at", "link_token")

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: EDIT_ROLES,
            Action.DELETE: EDIT_ROLES,
        },
        engagement=EngagementScope(clause_refs=("5.3",)),
    )

    class Meta:
        verbose_name = _("concern channel")
        verbose_name_plural = _("concern channels")
        ordering = ("name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="concernchannel_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=ChannelAudience.values),
                name="concernchannel_audience_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_external(self) -> bool:
        return self.audience == ChannelAudience.EXTERNAL

    def get_absolute_url(self) -> str:
        return reverse(
            "policies:concern_channel", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    def public_path(self) -> str:
        return reverse("concerns_public:report", kwargs={"token": self.link_token})


class ConcernStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


OPEN_CONCERN_STATUSES = (ConcernStatus.RECEIVED, ConcernStatus.UNDER_REVIEW)
CLOSED_CONCERN_STATUSES = (ConcernStatus.RESOLVED, ConcernStatus.DISMISSED)


class ConcernCategory(models.TextChoices):
    HARM = "harm", _("Harm to people or society")
    FAIRNESS = "fairness", _("Unfair or biased outcomes")
    SAFETY = "safety", _("Safety or reliability")
    DATA = "data", _("Data and privacy")
    MISUSE = "misuse", _("Misuse or use outside the intended purpose")
    LEGAL = "legal", _("Legal or contractual")
    OTHER = "other", _("Other")


class ConcernSource(models.TextChoices):
    MEMBER = "member", _("Raised by a member")
    LINK = "link", _("Raised anonymously through the link")


class ReporterRelationship(models.TextChoices):
    """How someone reporting through an external channel relates to the organisation."""

    CUSTOMER = "customer", _("Customer or user")
    AFFECTED = "affected", _("Person affected by a decision")
    SUPPLIER = "supplier", _("Supplier or partner")
    PUBLIC = "public", _("Member of the public")
    OTHER = "other", _("Other")


def follow_up_digest(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


class ConcernQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ConcernQuerySet:
        """What ``user`` may read: what the permission layer shows (officers, auditors in
        scope), plus the concerns they raised themselves in organisations they belong to."""
        seen = restrict(Concern.objects.all(), user, Action.VIEW).values("pk")
        condition = Q(pk__in=seen)
        if user is not None and user.is_authenticated and user.is_active:
            condition |= Q(reporter_id=user.pk, organization_id__in=list(roles_of(user)))
        return self.filter(condition)


class Concern(OrganizationScopedModel):
    """A concern about the organisation's AI systems or how it handles AI, tracked by the
    officer from receipt to resolution. Who raised it is known only to them."""

    summary = models.CharField(_("summary"), max_length=200)
    description = models.TextField(
        _("what happened"), help_text=_("What you saw, where and when, and why it worries you.")
    )
    category = models.CharField(_("category"), max_length=10, choices=ConcernCategory.choices)
    ai_system = models.ForeignKey(
        "inventory.AISystem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="concerns",
        verbose_name=_("AI system concerned"),
    )
    source = models.CharField(
        _("raised"), max_length=8, choices=ConcernSource.choices, editable=False
    )
    # The reporter (a member) and the hash of an anonymous reporter's follow-up code: never
    # shown, serialised, logged or offered as a filter (see the module's docstring).
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    follow_up_hash = models.CharField(max_length=64, blank=True, editable=False)
    # What a reporter through an external channel said of themselves (blank otherwise). The
    # contact details are personal data: shown only to those who handle the concern, never
    # logged, filtered on or put in the admin.
    reporter_relationship = models.CharField(
        _("reporter's relationship to the organisation"),
        max_length=10,
        choices=ReporterRelationship.choices,
        blank=True,
        editable=False,
    )
    reporter_contact = models.TextField(
        _("reporter's contact details"), blank=True, max_length=500, editable=False
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ConcernStatus.choices,
        default=ConcernStatus.RECEIVED,
        editable=False,
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handling_notes = models.TextField(
        _("handling notes"),
        blank=True,
        help_text=_("What was looked at and found. Not shown to the reporter."),
    )
    resolution = models.TextField(
        _("resolution"), blank=True, help_text=_("What was decided and done about the concern.")
    )
    reply = models.TextField(
        _("reply to the reporter"),
        blank=True,
        help_text=_("What the reporter reads when they follow the concern up."),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)

    changelog_exclude: ClassVar[tuple[str, ...]] = (
        "updated_at",
        "reporter",
        "follow_up_hash",
        "reporter_contact",
    )

    objects = ConcernQuerySet.as_manager()

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: EDIT_ROLES,
            Action.ADD: READ_ROLES,
            Action.CHANGE: EDIT_ROLES,
            Action.DELETE: frozenset(),
        },
        engagement=EngagementScope(systems=("ai_system",), clause_refs=("5.3",)),
        user_purposes={"handler": UserPurpose.OWNER},
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ConcernStatus.values), name="concern_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(category__in=ConcernCategory.values), name="concern_category_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=CLOSED_CONCERN_STATUSES) | ~Q(resolution=""),
                name="concern_closed_has_resolution",
            ),
            models.UniqueConstraint(
                fields=["follow_up_hash"],
                condition=~Q(follow_up_hash=""),
                name="concern_follow_up_unique",
            ),
            models.CheckConstraint(
                condition=Q(reporter_relationship="")
                | Q(reporter_relationship__in=ReporterRelationship.values),
                name="concern_reporter_relationship_valid",
            ),
            # Only a report through a link says who sent it and how to reach them.
            models.CheckConstraint(
                condition=Q(source=ConcernSource.LINK)
                | (Q(reporter_relationship="") & Q(reporter_contact="")),
                name="concern_outside_details_only_from_link",
            ),
        ]

    def __str__(self) -> str:
        return f"C-{self.pk}: {self.summary}" if self.pk else self.summary

    def get_absolute_url(self) -> str:
        return reverse(
            "policies:concern_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CONCERN_STATUSES

    @property
    def from_outside(self) -> bool:
        """Reported through an external channel (its reporter said how they relate to us)."""
        return bool(self.reporter_relationship)

    def contact_shown_to(self, user: Any) -> bool:
        """Whether ``user`` may read the reporter's contact details: those who handle the
        concern (may change it), not its auditors, other members or the reporter's readers.
        No query: the roles are the request's."""
        if user is None or not user.is_authenticated:
            return False
        return self.organization_id in organizations_for(user, Concern, Action.CHANGE)

    def raised_by(self, user: Any) -> bool:
        return bool(user and user.is_authenticated and self.reporter_id == user.pk)

    def clean(self) -> None:
        super().clean()
        if self.ai_system_id and self.ai_system.organization_id != self.organization_id:
            raise ValidationError({"ai_system": _("Choose an AI system of this organisation.")})
