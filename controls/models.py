"""Reference catalog (ISO/IEC 42001, NIST AI RMF, EU AI Act, crosswalks).

Per-organisation control implementation (the Statement of Applicability) and clause
readiness point at ``Requirement`` rows, which is why a requirement is never deleted by a
catalog reload, only marked withdrawn.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.documents import ControlledVersion, controlled_version_constraints
from aims.core.models import OrganizationScopedModel, TrackedModel
from aims.core.permissions import AccessPolicy, EngagementScope

CATALOG_ACCESS = AccessPolicy(global_read=True, read_only=True, nullable_org=True)


class Framework(TrackedModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    edition = models.CharField(_("edition"), max_length=40)
    title = models.CharField(_("title"), max_length=250, blank=True)
    notice = models.TextField(_("notice"), blank=True)
    extra = models.JSONField(_("further reference data"), default=dict, blank=True)

    access: ClassVar[AccessPolicy] = CATALOG_ACCESS

    class Meta:
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.name} {self.edition}"


class RequirementKind(models.TextChoices):
    CLAUSE = "clause", _("Clause")
    CONTROL_OBJECTIVE = "control_objective", _("Control objective")
    CONTROL = "control", _("Annex A control")
    ANNEX_C_OBJECTIVE = "annex_c_objective", _("AI objective (Annex C)")
    ANNEX_C_RISK_SOURCE = "annex_c_risk_source", _("Risk source (Annex C)")
    FUNCTION = "function", _("Function")
    CATEGORY = "category", _("Category")
    SUBCATEGORY = "subcategory", _("Subcategory")
    ARTICLE = "article", _("Article")


class DocumentedInformation(models.TextChoices):
    NONE = "none", _("None named")
    MAINTAIN = "maintain", _("Maintain (a current document)")
    RETAIN = "retain", _("Retain (records)")
    BOTH = "maintain_and_retain", _("Maintain and retain")


class Requirement(TrackedModel):
    """One item of a framework: a clause, control, subcategory, article…"""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="requirements")
    ref = models.CharField(_("reference"), max_length=40)
    kind = models.CharField(_("kind"), max_length=24, choices=RequirementKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    title = models.TextField(_("title"))
    description = models.TextField(_("description"), blank=True)
    assessable = models.BooleanField(_("assessable"), default=False)
    documented_information = models.CharField(
        _("documented information"),
        max_length=20,
        choices=DocumentedInformation.choices,
        default=DocumentedInformation.NONE,
    )
    documented_information_note = models.CharField(
        _("documented information note"), max_length=200, blank=True
    )
    sort_key = models.CharField(max_length=80, editable=False, db_index=True)
    withdrawn = models.BooleanField(
        _("withdrawn"),
        default=False,
        help_text=_("Not in the latest loaded edition; kept so existing links stay intact."),
    )
    extra = models.JSONField(default=dict, blank=True)
    evidence = models.ManyToManyField(
        "evidence.EvidenceItem",
        blank=True,
        related_name="clauses",
        verbose_name=_("evidence"),
        # The link table evidence created when it declared the link (no data moved).
        db_table="evidence_evidenceitem_clauses",
    )

    access: ClassVar[AccessPolicy] = CATALOG_ACCESS

    class Meta:
        ordering = ("framework__code", "sort_key")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "ref"], name="requirement_ref_unique_in_framework"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RequirementKind.values), name="requirement_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.ref} {self.title}" if len(self.title) < 90 else f"{self.ref} {self.title[:87]}…"
        )


class MappingRelationship(models.TextChoices):
    POINTER = "pointer", _("Points to")
    RELATED = "related", _("Related")
    PARTIAL = "partial", _("Partly addresses")
    SUPPORTS = "supports", _("Supports")


class RequirementMapping(TrackedModel):
    """A crosswalk pair: ``source`` relates to ``target`` (e.g. GOVERN 1.1 → 4.1)."""

    crosswalk = models.CharField(_("crosswalk"), max_length=60, db_index=True)
    source = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="mappings_out")
    target = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="mappings_in")
    relationship = models.CharField(
        _("relationship"), max_length=12, choices=MappingRelationship.choices
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    access: ClassVar[AccessPolicy] = CATALOG_ACCESS

    class Meta:
        ordering = ("crosswalk", "source__sort_key", "target__sort_key")
        constraints = [
            models.UniqueConstraint(
                fields=["crosswalk", "source", "target"], name="mapping_pair_unique"
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="mapping_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.ref} → {self.target.ref}"


# --- Per-organisation implementation: the Statement of Applicability (6.1.3, 8.1, Annex A) ---


class Applicability(models.TextChoices):
    UNDECIDED = "undecided", _("Not yet decided")
    APPLICABLE = "applicable", _("Applicable")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ImplementationStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    PLANNED = "planned", _("Planned")
    PARTIAL = "partial", _("Partially implemented")
    IMPLEMENTED = "implemented", _("Implemented")


ANNEX_A_KEPT = _(
    "Annex A controls stay in the Statement of Applicability; mark the control not applicable "
    "(with a justification) instead of deleting it."
)
ANNEX_A_GROUPS = ("A.2", "A.3", "A.4", "A.5", "A.6", "A.7", "A.8", "A.9", "A.10")
ORGANIZATION_GROUP = "ORG"


class ControlImplementation(OrganizationScopedModel):
    """How one organisation handles one control: an SoA row.

    Every organisation has one row per Annex A control (``controls_ensure_for`` creates any
    missing row after a catalog load and whenever the SoA is read, so it is always complete); it may add its own controls,
    which have no catalog ``requirement`` and carry their own reference and title.
    """

    requirement = models.ForeignKey(
        Requirement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implementations",
        limit_choices_to={"kind": RequirementKind.CONTROL},
        verbose_name=_("Annex A control"),
    )
    ref = models.CharField(
        _("reference"),
        max_length=40,
        help_text=_("For a control of your own, an identifier such as ORG-1."),
    )
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("For a control of your own: what it requires."),
    )
    group = models.CharField(_("group"), max_length=8, editable=False, db_index=True)
    applicability = models.CharField(
        _("applicability"),
        max_length=16,
        choices=Applicability.choices,
        default=Applicability.UNDECIDED,
    )
    justification = models.TextField(
        _("justification"),
        blank=True,
        help_text=_(
            "Why the control is included (the risks, obligations or objectives it answers) "
            "or why it can be left out. Needed either way."
        ),
    )
    status = models.CharField(
        _("implementation status"),
        max_length=12,
        choices=ImplementationStatus.choices,
        default=ImplementationStatus.NOT_STARTED,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_controls",
        verbose_name=_("owner"),
    )
    implementation = models.TextField(
        _("how it is implemented"),
        blank=True,
        help_text=_("Processes, tools and records through which the control operates."),
    )
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        _("review every (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    next_review_date = models.DateField(_("next review"), null=True, blank=True, db_index=True)
    sort_key = models.CharField(max_length=80, editable=False, db_index=True)
    evidence = models.ManyToManyField(
        "evidence.EvidenceItem",
        blank=True,
        related_name="controls",
        verbose_name=_("evidence"),
        # The link table evidence created when it declared the link (no data moved).
        db_table="evidence_evidenceitem_controls",
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        owner_paths=("owner",),
        # The SoA rows chosen, and the controls that treat the chosen AI systems' risks.
        engagement=EngagementScope(
            controls=("pk",), systems=("risks__ai_systems",), clause_refs=("6.1.3",)
        ),
    )

    class Meta:
        ordering = ("sort_key",)
        verbose_name = _("control implementation")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "requirement"],
                condition=Q(requirement__isnull=False),
                name="control_impl_one_per_control",
            ),
            models.UniqueConstraint(
                fields=["organization", "ref"], name="control_impl_ref_unique_in_org"
            ),
            models.CheckConstraint(
                condition=Q(applicability__in=Applicability.values),
                name="control_impl_applicability_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ImplementationStatus.values),
                name="control_impl_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(review_interval_months__gte=1) & Q(review_interval_months__lte=60),
                name="control_impl_review_interval_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "controls:implementation_detail",
            kwargs={"org": self.organization.slug, "pk": self.pk},
        )

    @property
    def is_annex_a(self) -> bool:
        return self.requirement_id is not None

    @property
    def is_review_overdue(self) -> bool:
        return bool(self.next_review_date and self.next_review_date < timezone.localdate())

    def clean(self) -> None:
        if self.requirement_id and self.requirement.kind != RequirementKind.CONTROL:
            raise ValidationError({"requirement": _("Choose an Annex A control.")})
        if not self.requirement_id and self.ref.upper().startswith("A."):
            raise ValidationError(
                {"ref": _("References starting with “A.” are kept for Annex A controls.")}
            )
        errors: dict[str, Any] = {}
        if self.applicability != Applicability.UNDECIDED and not self.justification.strip():
            errors["justification"] = (
                _(
                    "Say why the control is included: the risks, obligations or objectives it answers."
                )
                if self.applicability == Applicability.APPLICABLE
                else _("Say why the control can be left out; an auditor will ask.")
            )
        if self.applicability == Applicability.NOT_APPLICABLE and self.status not in (
            ImplementationStatus.NOT_STARTED,
        ):
            errors["status"] = _(
                "A control marked not applicable has no implementation status; "
                "leave it at “Not started”."
            )
        if errors:
            raise ValidationError(errors)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_annex_a:
            raise ValidationError(ANNEX_A_KEPT)
        return super().delete(*args, **kwargs)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.requirement_id:
            requirement = self.requirement
            self.ref, self.title = requirement.ref, requirement.title
            self.group = annex_a_group(requirement.ref)
            self.sort_key = requirement.sort_key
        else:
            self.group = ORGANIZATION_GROUP
            self.sort_key = f"zz-{self.ref.lower()}"
        super().save(*args, **kwargs)

    def gaps(self, *, risk_count: int, evidence_count: int) -> list[str]:
        """What an auditor would question about this row (the SoA's gap flags)."""
        found = []
        if self.applicability == Applicability.UNDECIDED:
            found.append(str(_("Applicability not decided")))
        if not self.justification.strip():
            found.append(str(_("No justification")))
        if self.applicability == Applicability.NOT_APPLICABLE and risk_count:
            found.append(str(_("Linked to a risk but marked not applicable")))
        if self.applicability == Applicability.APPLICABLE and not evidence_count:
            found.append(str(_("Applicable but no evidence")))
        return found


def annex_a_group(ref: str) -> str:
    """``A.6.2.4`` → ``A.6``; an organisation's own reference → ``ORG``."""
    parts = ref.split(".")
    if len(parts) >= 2 and parts[0] == "A":
        return f"A.{parts[1]}"
    return ORGANIZATION_GROUP


class SoAVersion(ControlledVersion):
    """An approved Statement of Applicability: a frozen copy of every row at approval."""

    rows = models.JSONField(_("rows"), default=list, blank=True, editable=False)
    summary = models.JSONField(_("summary"), default=dict, blank=True, editable=False)

    content_fields: ClassVar[tuple[str, ...]] = ("rows", "summary")
    series_fields: ClassVar[tuple[str, ...]] = ("organization",)

    class Meta(ControlledVersion.Meta):
        verbose_name = _("SoA version")
        constraints = controlled_version_constraints("soaversion", series=("organization",))

    def __str__(self) -> str:
        return f"Statement of Applicability v{self.number}"

    def approval_blockers(self) -> list[str]:
        """An SoA is approved only when every frozen row has a decision and a reason."""
        undecided = [r["ref"] for r in self.rows if r["applicability"] == Applicability.UNDECIDED]
        unjustified = [
            r["ref"]
            for r in self.rows
            if r["applicability"] != Applicability.UNDECIDED
            and not str(r.get("justification", "")).strip()
        ]
        blockers = []
        if undecided:
            blockers.append(
                _("Not yet decided whether it applies: %(refs)s.") % {"refs": ", ".join(undecided)}
            )
        if unjustified:
            blockers.append(
                _("No justification for the decision: %(refs)s.") % {"refs": ", ".join(unjustified)}
            )
        if blockers:
            blockers.append(
                _("Decide these controls in the SoA, then refresh this draft from the live SoA.")
            )
        return blockers

    def get_absolute_url(self) -> str:
        return reverse(
            "controls:soa_version", kwargs={"org": self.organization.slug, "pk": self.pk}
        )


# --- Clause readiness (4–10) ---


class ReadinessStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    READY = "ready", _("Ready")


class ClauseStatus(OrganizationScopedModel):
    """An organisation's own judgement of one assessable clause, next to what the platform finds."""

    requirement = models.ForeignKey(
        Requirement,
        on_delete=models.PROTECT,
        related_name="clause_statuses",
        limit_choices_to={"kind": RequirementKind.CLAUSE, "assessable": True},
        verbose_name=_("clause"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ReadinessStatus.choices,
        default=ReadinessStatus.NOT_STARTED,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_clauses",
        verbose_name=_("owner"),
    )
    notes = models.TextField(
        _("notes"),
        blank=True,
        help_text=_("How the organisation meets the clause, and what is still open."),
    )
    # Who marked the clause ready (with the notes as their statement) and when: for a clause
    # no module checks, "ready" is a person's declaration, and the page names that person.
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("declared ready by"),
        editable=False,
    )
    declared_at = models.DateTimeField(
        _("declared ready on"), null=True, blank=True, editable=False
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        owner_paths=("owner",), engagement=EngagementScope(clauses=("requirement",))
    )

    class Meta:
        ordering = ("requirement__sort_key",)
        verbose_name = _("clause status")
        verbose_name_plural = _("clause statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "requirement"], name="clause_status_one_per_clause"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReadinessStatus.values), name="clause_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requirement.ref} {self.requirement.title}"

    def get_absolute_url(self) -> str:
        return reverse("readiness:readiness", kwargs={"org": self.organization.slug})

    def record_declaration(self, *, user: Any, changed: Iterable[str]) -> None:
        """Before saving an edit by ``user``: marking the clause ready, or rewording the
        statement of a ready clause, declares it in that person's name; leaving "ready"
        withdraws the declaration."""
        if self.status != ReadinessStatus.READY:
            self.declared_by, self.declared_at = None, None
        elif {"status", "notes"} & set(changed) or self.declared_at is None:
            self.declared_by, self.declared_at = user, timezone.now()
