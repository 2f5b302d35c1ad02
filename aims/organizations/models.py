"""Context and scope of the AIMS (clause 4).

The tenancy models (users, organisations, memberships) live in ``aims.core.tenancy``, the
bottom layer with the permission layer; they keep this app's label and are re-exported here.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.access import (
    EDIT_ROLES,
    READ_ROLES,
    AccessPolicy,
    Action,
    EngagementScope,
)
from aims.core.documents import ControlledVersion, controlled_version_constraints
from aims.core.models import OrganizationScopedModel, TrackedModel
from aims.core.tenancy import (  # noqa: F401  (re-exported: the app's models and migrations)
    ADMIN_ONLY,
    Membership,
    Organization,
    User,
    UserManager,
    validate_timezone,
)


class AIRole(models.TextChoices):
    """The roles an organisation can play for AI systems (after ISO/IEC 22989)."""

    PROVIDER = "provider", _("AI provider")
    PRODUCER = "producer", _("AI producer")
    DEVELOPER = "developer", _("AI developer")
    DEPLOYER = "deployer", _("AI deployer / user")
    CUSTOMER = "customer", _("AI customer")
    PARTNER = "partner", _("AI partner")
    SUBJECT = "subject", _("AI subject")
    AUTHORITY = "authority", _("Relevant authority")


class ScopeStatement(ControlledVersion):
    """The AIMS scope (clause 4.3), kept as a controlled document with versions."""

    in_scope = models.TextField(
        _("what the AIMS covers"),
        help_text=_("Business units, sites, products and activities the management system covers."),
    )
    exclusions = models.TextField(
        _("exclusions and why"),
        blank=True,
        help_text=_("Anything left out, with the reason it can be left out."),
    )
    ai_roles = models.JSONField(
        _("our AI roles"),
        default=list,
        blank=True,
        help_text=_("The roles the organisation plays for the AI systems in scope."),
    )
    # The structured context: the register entries this version considered (frozen at
    # approval with the other links). The two text fields before them stay as notes: an
    # approved version's text is part of what was approved and cannot be rewritten.
    issues = models.ManyToManyField(
        "organizations.ContextIssue",
        blank=True,
        related_name="scope_statements",
        verbose_name=_("issues considered"),
        help_text=_("The internal and external issues (4.1) this scope takes into account."),
    )
    parties = models.ManyToManyField(
        "organizations.InterestedParty",
        blank=True,
        related_name="scope_statements",
        verbose_name=_("interested parties considered"),
        help_text=_(
            "The interested parties (4.2) whose requirements this scope takes into account."
        ),
    )
    external_internal_issues = models.TextField(
        _("notes on the issues"),
        blank=True,
        help_text=_(
            "Anything to add about how the issues shaped the scope (optional; the issues "
            "themselves are kept in the register)."
        ),
    )
    interested_parties = models.TextField(
        _("notes on the interested parties"),
        blank=True,
        help_text=_(
            "Anything to add about how the parties' requirements shaped the scope (optional; "
            "the parties are kept in the register)."
        ),
    )
    interfaces = models.TextField(
        _("interfaces and dependencies"),
        blank=True,
        help_text=_("Where our activities meet those of suppliers, customers and other parties."),
    )
    ai_systems = models.ManyToManyField(
        "inventory.AISystem",
        blank=True,
        related_name="scope_statements",
        verbose_name=_("AI systems in scope"),
    )

    content_fields: ClassVar[tuple[str, ...]] = (
        "in_scope",
        "exclusions",
        "ai_roles",
        "external_internal_issues",
        "interested_parties",
        "interfaces",
    )
    content_m2m: ClassVar[tuple[str, ...]] = ("ai_systems", "issues", "parties")
    series_fields: ClassVar[tuple[str, ...]] = ("organization",)

    class Meta(ControlledVersion.Meta):
        verbose_name = _("scope statement")
        constraints = controlled_version_constraints("scopestatement", series=("organization",))

    def __str__(self) -> str:
        return f"AIMS scope v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "organizations:scope_version", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    def systems_in_scope(self) -> list[dict[str, Any]]:
        """The AI systems this version names — as approved, for an approved version — each
        with its record while it still exists (None once deleted)."""
        live = {system.pk: system for system in self.ai_systems.all()}
        return [
            {"title": item["title"], "record": live.get(item["id"])}
            for item in self.linked("ai_systems")
        ]

    def issues_considered(self) -> list[dict[str, Any]]:
        """The issues this version names (as approved, for an approved version), each with
        its record while it still exists."""
        live = {issue.pk: issue for issue in self.issues.all()}
        return [
            {"title": item["title"], "record": live.get(item["id"])}
            for item in self.linked("issues")
        ]

    def parties_considered(self) -> list[dict[str, Any]]:
        live = {party.pk: party for party in self.parties.all()}
        return [
            {"title": item["title"], "record": live.get(item["id"])}
            for item in self.linked("parties")
        ]

    def clean(self) -> None:
        super().clean()
        invalid = [r for r in (self.ai_roles or []) if r not in AIRole.values]
        if invalid:
            raise ValidationError(
                {"ai_roles": _("Unknown AI role: %(r)s") % {"r": ", ".join(invalid)}}
            )

    def get_ai_roles_display(self) -> list[str]:
        labels = dict(AIRole.choices)
        return [str(labels.get(r, r)) for r in self.ai_roles or []]


# --- Context of the organisation (4.1, 4.2) ---------------------------------------------

# The context is the frame every audit reads, whatever AI systems or clauses an engagement
# is limited to: the scope rests on it (like the approved scope and the risk criteria).
CONTEXT_ENGAGEMENT = EngagementScope(always=True)
CONTEXT_ROLES = {
    Action.VIEW: READ_ROLES,
    Action.ADD: EDIT_ROLES,
    Action.CHANGE: EDIT_ROLES,
    Action.DELETE: EDIT_ROLES,
}


class ContextSide(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    EXTERNAL = "external", _("External")


class IssueCategory(models.TextChoices):
    LEGAL = "legal", _("Legal and regulatory")
    TECHNOLOGICAL = "technological", _("Technological")
    SOCIETAL = "societal", _("Societal and ethical")
    ECONOMIC = "economic", _("Economic and market")
    ENVIRONMENTAL = "environmental", _("Environmental and climate")
    ORGANISATIONAL = "organisational", _("Organisational and cultural")
    OTHER = "other", _("Other")


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open: action under way")
    MONITORED = "monitored", _("Monitored")
    CLOSED = "closed", _("Closed: no longer relevant")


class ContextIssue(OrganizationScopedModel):
    """An internal or external issue that bears on what the AIMS must achieve (4.1)."""

    kind = models.CharField(_("internal or external"), max_length=8, choices=ContextSide.choices)
    category = models.CharField(_("category"), max_length=16, choices=IssueCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the issue is and where it comes from.")
    )
    effect = models.TextField(
        _("effect on the AIMS and our response"),
        blank=True,
        help_text=_(
            "How the issue changes what the management system must achieve, and what it does "
            "about it (a risk, a control, an objective, a watch)."
        ),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("Who keeps an eye on the issue and brings it to the next review."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.OPEN
    )
    identified_on = models.DateField(_("identified on"), default=timezone.localdate)
    next_review_date = models.DateField(
        _("next review"),
        null=True,
        blank=True,
        help_text=_("When to look at the issue again (not needed once it is closed)."),
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        owner_paths=("owner",), roles=CONTEXT_ROLES, engagement=CONTEXT_ENGAGEMENT
    )

    class Meta:
        ordering = ("kind", "category", "title", "pk")
        verbose_name = _("context issue")
        verbose_name_plural = _("context issues")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ContextSide.values), name="contextissue_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(category__in=IssueCategory.values), name="contextissue_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=IssueStatus.values), name="contextissue_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(next_review_date__isnull=True)
                | Q(next_review_date__gte=models.F("identified_on")),
                name="contextissue_review_after_identified",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="contextissue_org_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "organizations:issue_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    def clean(self) -> None:
        super().clean()
        if (
            self.next_review_date is not None
            and self.identified_on is not None
            and self.next_review_date < self.identified_on
        ):
            raise ValidationError(
                {
                    "next_review_date": _(
                        "The next review cannot come before the issue was identified."
                    )
                }
            )

    def review_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status != IssueStatus.CLOSED
            and self.next_review_date is not None
            and self.next_review_date < today
        )


class ClimateDecision(OrganizationScopedModel):
    """The organisation's recorded decision on whether climate change is a relevant issue.

    Never edited or deleted: a new decision supersedes the previous one (which it names),
    so the reasoning behind every earlier answer stays on record. The current decision is
    the latest."""

    relevant = models.BooleanField(
        _("climate change is relevant"),
        help_text=_("Whether climate change is a relevant issue for the AIMS."),
    )
    reasoning = models.TextField(
        _("reasoning"),
        help_text=_(
            "Why: the energy and water use of training and running models, physical risks to "
            "sites and suppliers, customers' and regulators' expectations, or why none apply."
        ),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
        help_text=_("Who took the decision (top management or the AIMS owner, typically)."),
    )
    decided_on = models.DateField(_("decided on"), default=timezone.localdate)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
        editable=False,
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: frozenset(),
            Action.DELETE: frozenset(),
        },
        engagement=CONTEXT_ENGAGEMENT,
    )

    class Meta:
        ordering = ("-decided_on", "-pk")
        verbose_name = _("climate decision")
        verbose_name_plural = _("climate decisions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reasoning=""), name="climatedecision_reasoning_given"
            ),
            # With ``supersedes`` one-to-one, the decisions form one chain per organisation:
            # one first decision, each later one replacing exactly one, one current at the end.
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(supersedes__isnull=True),
                name="climatedecision_one_first_per_org",
            ),
        ]

    def __str__(self) -> str:
        answer = _("relevant") if self.relevant else _("not relevant")
        return _("Climate change %(answer)s (%(day)s)") % {
            "answer": answer,
            "day": self.decided_on.strftime("%d %b %Y") if self.decided_on else "",
        }

    def get_absolute_url(self) -> str:
        return reverse(
            "organizations:climate_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    def clean(self) -> None:
        super().clean()
        if not (self.reasoning or "").strip():
            raise ValidationError({"reasoning": _("Say why: the decision needs its reasoning.")})


class PartyCategory(models.TextChoices):
    CUSTOMERS = "customers", _("Customers and users")
    AFFECTED = "affected", _("Affected individuals and groups")
    REGULATORS = "regulators", _("Regulators and authorities")
    EMPLOYEES = "employees", _("Employees and their representatives")
    SUPPLIERS = "suppliers", _("Suppliers and partners")
    INVESTORS = "investors", _("Owners, investors and funders")
    SOCIETY = "society", _("Society and civil society")
    OTHER = "other", _("Other")


class InterestedParty(OrganizationScopedModel):
    """Someone with a stake in the AIMS or its AI systems (4.2)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("internal or external"), max_length=8, choices=ContextSide.choices)
    category = models.CharField(_("category"), max_length=12, choices=PartyCategory.choices)
    description = models.TextField(
        _("their interest"),
        blank=True,
        help_text=_("Why they matter to the AIMS and how our AI systems touch them."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("relationship owner"),
        help_text=_("Who keeps in touch with the party and follows their requirements."),
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        owner_paths=("owner",), roles=CONTEXT_ROLES, engagement=CONTEXT_ENGAGEMENT
    )

    class Meta:
        ordering = ("kind", "category", "name", "pk")
        verbose_name = _("interested party")
        verbose_name_plural = _("interested parties")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ContextSide.values), name="interestedparty_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(category__in=PartyCategory.values),
                name="interestedparty_category_valid",
            ),
            models.UniqueConstraint(
                fields=["organization", "name"], name="interestedparty_name_unique_in_org"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "organizations:party_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )


class RequirementSource(models.TextChoices):
    LEGAL = "legal", _("Legal or regulatory")
    CONTRACTUAL = "contractual", _("Contractual")
    VOLUNTARY = "voluntary", _("Voluntary commitment")
    EXPECTATION = "expectation", _("Expectation")


class Addressed(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class PartyRequirement(TrackedModel):
    """One requirement of an interested party, and whether the AIMS takes it on."""

    party = models.ForeignKey(
        InterestedParty,
        on_delete=models.CASCADE,
        related_name="requirements",
        verbose_name=_("interested party"),
    )
    requirement = models.TextField(
        _("requirement"), help_text=_("What the party needs or expects, in a sentence or two.")
    )
    source = models.CharField(_("source"), max_length=12, choices=RequirementSource.choices)
    addressed = models.CharField(
        _("addressed by the AIMS"),
        max_length=8,
        choices=Addressed.choices,
        blank=True,
        help_text=_("Leave empty until it is decided."),
    )
    how = models.TextField(
        _("how, or why not"),
        blank=True,
        help_text=_(
            "How the AIMS meets the requirement, or why it meets it only partly or not at all."
        ),
    )
    controls = models.ManyToManyField(
        "controls.ControlImplementation",
        blank=True,
        related_name="party_requirements",
        verbose_name=_("Annex A controls"),
        help_text=_("The controls through which the AIMS meets the requirement (optional)."),
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="party__organization",
        parent_path="party",
        owner_paths=("party__owner",),
        roles=CONTEXT_ROLES,
    )

    class Meta:
        ordering = ("party", "pk")
        verbose_name = _("party requirement")
        verbose_name_plural = _("party requirements")
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=RequirementSource.values),
                name="partyrequirement_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(addressed="") | Q(addressed__in=Addressed.values),
                name="partyrequirement_addressed_valid",
            ),
            models.CheckConstraint(
                condition=Q(addressed="") | ~Q(how=""),
                name="partyrequirement_decision_explained",
            ),
        ]

    def __str__(self) -> str:
        text = " ".join((self.requirement or "").split())
        return text if len(text) <= 80 else text[:79] + "…"

    def get_absolute_url(self) -> str:
        return reverse(
            "organizations:party_detail",
            kwargs={"org": self.party.organization.slug, "pk": self.party_id},
        )

    def clean(self) -> None:
        super().clean()
        if self.addressed and not (self.how or "").strip():
            message = (
                _("Say how the AIMS meets it.")
                if self.addressed == Addressed.YES
                else _("Say what is missing and why.")
            )
            raise ValidationError({"how": message})
