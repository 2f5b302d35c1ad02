"""The AI system inventory: what AI the organisation builds, runs or buys (A.4, A.6, A.7, A.10)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.models import OrganizationScopedModel, TrackedModel
from aims.core.permissions import AccessPolicy, EngagementScope


class AIStakeholderRole(models.TextChoices):
    """The AI-stakeholder roles an organisation can hold for one AI system (after
    ISO/IEC 22989). An organisation often holds several: it develops a system and
    provides it, or it is the customer of one and uses it."""

    PROVIDER = "provider", _("AI provider")
    PRODUCER = "producer", _("AI producer")
    DEVELOPER = "developer", _("AI developer")
    CUSTOMER = "customer", _("AI customer / user")
    PARTNER = "partner", _("AI partner")
    SUBJECT = "subject", _("AI subject")
    AUTHORITY = "authority", _("Relevant authority")


class EUAIActRole(models.TextChoices):
    """The operator role under the EU AI Act, a regulation's term, kept apart from the
    ISO/IEC 22989 roles. Empty: not determined yet, or the Act does not apply."""

    PROVIDER = "provider", _("Provider")
    DEPLOYER = "deployer", _("Deployer")
    IMPORTER = "importer", _("Importer")
    DISTRIBUTOR = "distributor", _("Distributor")
    AUTHORISED_REPRESENTATIVE = "authorised_representative", _("Authorised representative")
    PRODUCT_MANUFACTURER = "product_manufacturer", _("Product manufacturer")


class LifecycleStage(models.TextChoices):
    """Life-cycle stages after ISO/IEC 22989."""

    INCEPTION = "inception", _("Inception")
    DESIGN_DEVELOPMENT = "design_development", _("Design and development")
    VERIFICATION_VALIDATION = "verification_validation", _("Verification and validation")
    DEPLOYMENT = "deployment", _("Deployment")
    OPERATION_MONITORING = "operation_monitoring", _("Operation and monitoring")
    CONTINUOUS_VALIDATION = "continuous_validation", _("Continuous validation")
    RE_EVALUATION = "re_evaluation", _("Re-evaluation")
    RETIREMENT = "retirement", _("Retirement")


class EUAIActTier(models.TextChoices):
    UNCLASSIFIED = "unclassified", _("Not yet classified")
    PROHIBITED = "prohibited", _("Prohibited practice")
    HIGH_RISK = "high_risk", _("High risk")
    LIMITED = "limited_transparency", _("Transparency obligations")
    MINIMAL = "minimal", _("Minimal risk")
    OUT_OF_SCOPE = "out_of_scope", _("Outside the AI Act")


class SystemStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    RETIRED = "retired", _("Retired")


class AISystem(OrganizationScopedModel):
    name = models.CharField(_("name"), max_length=200)
    reference = models.CharField(
        _("reference"),
        max_length=40,
        blank=True,
        help_text=_("Your own identifier, e.g. from the CMDB or model registry."),
    )
    description = models.TextField(
        _("description"), help_text=_("What the system is and what it does.")
    )
    purpose = models.TextField(_("purpose"), help_text=_("The business need the system serves."))
    intended_use = models.TextField(
        _("intended use"),
        help_text=_("Who uses it, for what decisions or outputs, under which conditions."),
    )
    foreseeable_misuse = models.TextField(
        _("reasonably foreseeable misuse"),
        blank=True,
        help_text=_("Ways people could plausibly use it outside its intended use."),
    )
    ai_roles = models.JSONField(
        _("our AI roles"),
        default=list,
        help_text=_("Every role the organisation plays for this system (ISO/IEC 22989)."),
    )
    eu_ai_act_role = models.CharField(
        _("our EU AI Act role"),
        max_length=30,
        choices=EUAIActRole.choices,
        blank=True,
        help_text=_("Our operator role under the EU AI Act; leave empty if not determined."),
    )
    lifecycle_stage = models.CharField(
        _("life-cycle stage"), max_length=30, choices=LifecycleStage.choices
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SystemStatus.choices, default=SystemStatus.ACTIVE
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_ai_systems",
        verbose_name=_("owner"),
        help_text=_("Accountable for the system; may keep its record current."),
    )
    business_unit = models.CharField(_("business unit"), max_length=150, blank=True)
    users_description = models.TextField(
        _("users and affected people"),
        blank=True,
        help_text=_("Who interacts with the system and who is affected by its outputs."),
    )
    geographies = models.CharField(
        _("geographies"),
        max_length=300,
        blank=True,
        help_text=_("Countries or regions where it is used, comma-separated."),
    )
    languages = models.CharField(
        _("languages"),
        max_length=200,
        blank=True,
        help_text=_("Languages it works in, comma-separated."),
    )
    compute = models.TextField(
        _("compute and hosting"),
        blank=True,
        help_text=_("Where it runs: cloud region, on-premises cluster, vendor SaaS…"),
    )
    human_oversight = models.TextField(
        _("human oversight"),
        blank=True,
        help_text=_("How people can monitor, override or stop the system, and who does."),
    )
    eu_ai_act_tier = models.CharField(
        _("EU AI Act tier"),
        max_length=24,
        choices=EUAIActTier.choices,
        default=EUAIActTier.UNCLASSIFIED,
    )
    eu_ai_act_classified_on = models.DateField(
        _("EU AI Act classified on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The date of the classification that set the tier and the EU AI Act role."),
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("review every (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Between 1 and 60 months."),
    )
    next_review_date = models.DateField(_("next review"), null=True, blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        owner_paths=("owner",), engagement=EngagementScope(systems=("pk",))
    )

    class Meta:
        ordering = ("name",)
        verbose_name = _("AI system")
        verbose_name_plural = _("AI systems")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="aisystem_name_unique_in_org"
            ),
            models.UniqueConstraint(
                fields=["organization", "reference"],
                condition=~Q(reference=""),
                name="aisystem_reference_unique_in_org",
            ),
            models.CheckConstraint(
                condition=Q(eu_ai_act_role="") | Q(eu_ai_act_role__in=EUAIActRole.values),
                name="aisystem_eu_ai_act_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(lifecycle_stage__in=LifecycleStage.values), name="aisystem_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SystemStatus.values), name="aisystem_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(eu_ai_act_tier__in=EUAIActTier.values), name="aisystem_tier_valid"
            ),
            models.CheckConstraint(
                condition=Q(review_interval_months__gte=1) & Q(review_interval_months__lte=60),
                name="aisystem_review_interval_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "inventory:aisystem_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    def clean(self) -> None:
        self._check_classified_fields()
        roles = self.ai_roles
        if not isinstance(roles, list) or not roles:
            raise ValidationError({"ai_roles": _("Choose at least one AI role.")})
        invalid = [str(r) for r in roles if r not in AIStakeholderRole.values]
        if invalid:
            raise ValidationError(
                {"ai_roles": _("Unknown AI role: %(r)s") % {"r": ", ".join(invalid)}}
            )
        # One order and no repeats, whatever order the roles were ticked or sent in.
        self.ai_roles = [r for r in AIStakeholderRole.values if r in roles]
        if (
            self.status == SystemStatus.RETIRED
            and self.lifecycle_stage != LifecycleStage.RETIREMENT
        ):
            raise ValidationError(
                {"lifecycle_stage": _("A retired system should be in the retirement stage.")}
            )

    def get_ai_roles_display(self) -> list[str]:
        labels = dict(AIStakeholderRole.choices)
        return [str(labels.get(r, r)) for r in self.ai_roles or []]

    @property
    def is_review_overdue(self) -> bool:
        return bool(self.next_review_date and self.next_review_date < timezone.localdate())

    def _check_classified_fields(self) -> None:
        """Once classified, the tier and the EU AI Act role are the classification's: a
        reclassification changes them, never an edit of the inventory record."""
        before = self._loaded_snapshot
        if not before or not before.get("eu_ai_act_classified_on"):
            return
        changed = [
            f for f in ("eu_ai_act_tier", "eu_ai_act_role") if before.get(f) != getattr(self, f)
        ]
        if changed:
            message = _(
                "Set by the EU AI Act classification of %(date)s: reclassify the system to "
                "change it."
            ) % {"date": before["eu_ai_act_classified_on"]}
            raise ValidationError({f: message for f in changed})


class DatasetPurpose(models.TextChoices):
    TRAINING = "training", _("Training")
    VALIDATION = "validation", _("Validation / test")
    FINE_TUNING = "fine_tuning", _("Fine-tuning")
    RETRIEVAL = "retrieval", _("Retrieval / grounding")
    PRODUCTION_INPUT = "production_input", _("Production input")
    MONITORING = "monitoring", _("Monitoring")


class AISystemDataset(TrackedModel):
    """A data set the system is built or run with (A.7)."""

    ai_system = models.ForeignKey(AISystem, on_delete=models.CASCADE, related_name="datasets")
    name = models.CharField(_("name"), max_length=200)
    purpose = models.CharField(_("used for"), max_length=20, choices=DatasetPurpose.choices)
    source = models.CharField(
        _("source"), max_length=300, help_text=_("Where the data comes from.")
    )
    provenance = models.TextField(
        _("provenance"),
        blank=True,
        help_text=_("How it was collected, labelled and transformed, and under what rights."),
    )
    contains_personal_data = models.BooleanField(_("contains personal data"), default=False)
    special_category_data = models.BooleanField(_("contains special-category data"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="ai_system__organization",
        owner_paths=("ai_system__owner",),
        parent_path="ai_system",
    )

    class Meta:
        ordering = ("name",)
        verbose_name = _("data set")
        constraints = [
            models.UniqueConstraint(
                fields=["ai_system", "name"], name="dataset_name_unique_per_system"
            ),
            models.CheckConstraint(
                condition=Q(special_category_data=False) | Q(contains_personal_data=True),
                name="dataset_special_category_is_personal",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.ai_system.get_absolute_url() + "parts/"

    def clean(self) -> None:
        if self.special_category_data and not self.contains_personal_data:
            raise ValidationError(
                {"contains_personal_data": _("Special-category data is personal data; tick both.")}
            )


class ComponentKind(models.TextChoices):
    MODEL = "model", _("Model")
    FOUNDATION_MODEL = "foundation_model", _("Foundation model / API")
    LIBRARY = "library", _("Library or framework")
    SERVICE = "service", _("Third-party service")
    TOOL = "tool", _("Tooling")
    HARDWARE = "hardware", _("Hardware")


class AISystemComponent(TrackedModel):
    """A model, tool or third-party part of a system, and who supplies it (A.4, A.10)."""

    ai_system = models.ForeignKey(AISystem, on_delete=models.CASCADE, related_name="components")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ComponentKind.choices)
    component_version = models.CharField(_("version"), max_length=80, blank=True)
    supplier = models.CharField(
        _("supplier"), max_length=200, blank=True, help_text=_("Leave empty when built in-house.")
    )
    is_third_party = models.BooleanField(_("third party"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="ai_system__organization",
        owner_paths=("ai_system__owner",),
        parent_path="ai_system",
    )

    class Meta:
        ordering = ("name",)
        verbose_name = _("component")
        constraints = [
            models.UniqueConstraint(
                fields=["ai_system", "name", "component_version"],
                name="component_unique_per_system",
            ),
            models.CheckConstraint(
                condition=Q(is_third_party=False) | ~Q(supplier=""),
                name="component_third_party_has_supplier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.component_version}".strip()

    def get_absolute_url(self) -> str:
        return self.ai_system.get_absolute_url() + "parts/"

    def clean(self) -> None:
        if self.is_third_party and not self.supplier:
            raise ValidationError({"supplier": _("Name the supplier of a third-party component.")})
