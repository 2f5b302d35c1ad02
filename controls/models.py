"""Reference catalog (ISO/IEC 42001, NIST AI RMF, EU AI Act, crosswalks).

Per-organisation control implementation and the Statement of Applicability arrive with
the risk and controls work; they will point at ``Requirement`` rows, which is why a
requirement is never deleted by a catalog reload, only marked withdrawn.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aims.core.models import TrackedModel
from aims.core.permissions import AccessPolicy

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
