"""The parts of an impact assessment, editable only while it is a draft: the affected
parties and the benefits and harms for each."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aims.core.documents import ImmutableVersionError
from aims.core.models import TrackedModel
from aims.core.permissions import AccessPolicy
from aims.core.text import shorten
from impact_assessments.models.assessments import (
    ImpactArea,
    ImpactAssessment,
    ImpactNature,
    PartyKind,
    Reach,
    Reversibility,
)


class AssessmentPartMixin(models.Model):
    """A part of an impact assessment: changed only while the assessment is a draft."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self.assessment.is_editable:
            raise ImmutableVersionError(_("Only a draft assessment can be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not self.assessment.is_editable:
            raise ImmutableVersionError(_("Only a draft assessment can be changed."))
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        assessment = getattr(self, "assessment", None)
        if assessment is not None and not assessment.is_editable:
            raise ValidationError(
                _("Version %(n)s is no longer a draft: start a new version to change it.")
                % {"n": assessment.number}
            )


class AffectedParty(AssessmentPartMixin, TrackedModel):
    """Someone or something the AI system can affect (42005: relevant interested parties)."""

    assessment = models.ForeignKey(
        ImpactAssessment,
        on_delete=models.CASCADE,
        related_name="parties",
        verbose_name=_("assessment"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=PartyKind.choices)
    vulnerable = models.BooleanField(
        _("vulnerable group"), default=False, help_text=_("Children, older people, people in need…")
    )
    notes = models.TextField(_("notes"), blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="assessment__organization", parent_path="assessment"
    )

    class Meta:
        ordering = ("assessment", "pk")
        verbose_name = _("affected party")
        verbose_name_plural = _("affected parties")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PartyKind.values), name="affectedparty_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.assessment.get_absolute_url()


class Impact(AssessmentPartMixin, TrackedModel):
    """A benefit or harm for one party, rated so that harms can be compared and treated."""

    assessment = models.ForeignKey(
        ImpactAssessment,
        on_delete=models.CASCADE,
        related_name="impacts",
        verbose_name=_("assessment"),
    )
    party = models.ForeignKey(
        AffectedParty,
        on_delete=models.CASCADE,
        related_name="impacts",
        verbose_name=_("affected party"),
    )
    nature = models.CharField(_("benefit or harm"), max_length=8, choices=ImpactNature.choices)
    area = models.CharField(_("area"), max_length=20, choices=ImpactArea.choices)
    description = models.TextField(_("description"))
    severity = models.PositiveSmallIntegerField(
        _("severity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    reach = models.CharField(_("scale and reach"), max_length=12, choices=Reach.choices, blank=True)
    reversibility = models.CharField(
        _("reversibility"), max_length=12, choices=Reversibility.choices, blank=True
    )
    measures = models.TextField(_("measures"), blank=True, help_text=_("What addresses this harm."))
    controls = models.ManyToManyField(
        "controls.ControlImplementation",
        blank=True,
        related_name="impacts",
        verbose_name=_("controls"),
    )
    risks = models.ManyToManyField(
        "risks.Risk", blank=True, related_name="impacts", verbose_name=_("risks")
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="assessment__organization", parent_path="assessment"
    )

    class Meta:
        ordering = ("assessment", "pk")
        verbose_name = _("impact")
        constraints = [
            models.CheckConstraint(
                condition=Q(nature__in=ImpactNature.values), name="impact_nature_valid"
            ),
            models.CheckConstraint(
                condition=Q(area__in=ImpactArea.values), name="impact_area_valid"
            ),
            models.CheckConstraint(
                condition=Q(severity__isnull=True) | Q(severity__gte=1, severity__lte=5),
                name="impact_severity_range",
            ),
            models.CheckConstraint(
                condition=Q(likelihood__isnull=True) | Q(likelihood__gte=1, likelihood__lte=5),
                name="impact_likelihood_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()}: {shorten(self.description, 60)}"

    def get_absolute_url(self) -> str:
        return self.assessment.get_absolute_url()

    def clean(self) -> None:
        super().clean()
        if self.party_id and self.assessment_id and self.party.assessment_id != self.assessment_id:
            raise ValidationError({"party": _("Choose a party of this assessment.")})


__all__ = [
    "AffectedParty",
    "AssessmentPartMixin",
    "Impact",
]
