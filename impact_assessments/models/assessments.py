"""AI system impact assessments (6.1.4, 8.4; the structure of ISO/IEC 42005): the controlled
document per system and kind, its sections and the kinds its parts are rated with."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aims.core.documents import FROZEN_STATUSES, ControlledVersion, controlled_version_constraints
from aims.core.permissions import (
    EDIT_ROLES,
    READ_ROLES,
    AccessPolicy,
    Action,
    EngagementScope,
    Role,
    roles_of,
)


class AssessmentKind(models.TextChoices):
    IMPACT = "impact", _("AI system impact assessment")
    FUNDAMENTAL_RIGHTS = "fundamental_rights", _("Fundamental rights impact assessment (Art. 27)")


class PartyKind(models.TextChoices):
    INDIVIDUALS = "individuals", _("Individuals")
    GROUP = "group", _("A group or community")
    SOCIETY = "society", _("Society")
    ORGANISATION = "organisation", _("An organisation")
    ENVIRONMENT = "environment", _("The environment")


class ImpactNature(models.TextChoices):
    BENEFIT = "benefit", _("Benefit")
    HARM = "harm", _("Harm")


class ImpactArea(models.TextChoices):
    FUNDAMENTAL_RIGHTS = "fundamental_rights", _("Fundamental rights and fairness")
    PRIVACY = "privacy", _("Privacy and data protection")
    SAFETY = "safety", _("Health and safety")
    ECONOMIC = "economic", _("Economic situation and access to services")
    PSYCHOLOGICAL = "psychological", _("Psychological well-being and autonomy")
    SOCIETAL = "societal", _("Society, democracy and public trust")
    ENVIRONMENTAL = "environmental", _("Environment (energy, water, resources)")


class Reach(models.TextChoices):
    INDIVIDUAL = "individual", _("A few individuals")
    GROUP = "group", _("A whole group")
    SOCIETY = "society", _("Society at large")


class Reversibility(models.TextChoices):
    REVERSIBLE = "reversible", _("Easily reversed")
    DIFFICULT = "difficult", _("Reversed with difficulty")
    IRREVERSIBLE = "irreversible", _("Irreversible")


# The sections an assessment must fill before review: (key, label, fields that must not be
# empty). Parties and impacts are checked as records (see ``ImpactAssessment.missing``).
ASSESSMENT_SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("scope", _("Scope of the assessment"), ("scope",)),
    (
        "system",
        _("System information"),
        ("system_description", "purpose", "intended_uses", "unintended_uses"),
    ),
    ("data", _("Data information and quality"), ("data_information", "data_quality")),
    ("model", _("Algorithm and model information"), ("model_information",)),
    ("deployment", _("Deployment environment"), ("deployment_geographies", "deployment_context")),
    ("failures", _("Failures and misuse"), ("failures_and_misuse",)),
    ("oversight", _("Human oversight"), ("human_oversight",)),
    ("responsibilities", _("Responsibilities"), ("responsibilities",)),
    ("conclusion", _("Conclusion"), ("conclusion",)),
)
FRIA_SECTION = (
    "fria",
    _("Deployer's use (Art. 27)"),
    ("deployer_processes", "period_and_frequency", "complaint_mechanisms"),
)
# Optional fields shown with a section (never required for review).
OPTIONAL_SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "system": ("functionalities",),
    "deployment": ("deployment_languages",),
}


def _text(label: str, help_text: str = "") -> models.TextField:
    return models.TextField(label, blank=True, help_text=help_text)


class ImpactAssessmentQuerySet(models.QuerySet):
    def with_part_counts(self) -> models.QuerySet:
        """Annotate what ``missing()`` needs, so a list checks every row in one query."""
        unrated = Q(impacts__nature=ImpactNature.HARM) & (
            Q(impacts__severity__isnull=True) | Q(impacts__likelihood__isnull=True)
        )
        return self.annotate(
            parties_count=models.Count("parties", distinct=True),
            impacts_count=models.Count("impacts", distinct=True),
            unrated_harms_count=models.Count("impacts", filter=unrated, distinct=True),
        )


class ImpactAssessment(ControlledVersion):
    """What one AI system can do to people, groups, society and the environment: a
    controlled document per system and kind, reviewed and approved, every version kept."""

    ai_system = models.ForeignKey(
        "inventory.AISystem",
        on_delete=models.PROTECT,
        related_name="impact_assessments",
        verbose_name=_("AI system"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=AssessmentKind.choices, default=AssessmentKind.IMPACT
    )
    scope = _text(_("scope"), _("Which uses, versions and sites this assessment covers."))
    system_description = _text(_("description"))
    functionalities = _text(_("functionalities and capabilities"))
    purpose = _text(_("purpose"))
    intended_uses = _text(_("intended uses"))
    unintended_uses = _text(_("unintended uses and reasonably foreseeable misuse"))
    data_information = _text(_("data used"), _("Sources, kinds of data, personal data."))
    data_quality = _text(
        _("data quality"), _("Representativeness, errors, gaps and how they are handled.")
    )
    model_information = _text(_("algorithm and model"), _("Model type, training, known limits."))
    deployment_geographies = _text(_("geographies"))
    deployment_languages = _text(_("languages"))
    deployment_context = _text(
        _("complexity and constraints"), _("Where and how it runs, and what limits its use.")
    )
    failures_and_misuse = _text(
        _("failures and misuse"), _("What happens when it fails or is misused, and to whom.")
    )
    human_oversight = _text(_("human oversight"))
    responsibilities = _text(
        _("responsibilities"), _("Who answers for the system and the measures.")
    )
    conclusion = _text(
        _("conclusion"), _("Whether the system may be used, and on what conditions.")
    )
    deployer_processes = _text(_("the deployer's processes"), _("Art. 27(1)(a)."))
    period_and_frequency = _text(_("period and frequency of use"), _("Art. 27(1)(b)."))
    complaint_mechanisms = _text(
        _("governance and complaints if risks materialise"), _("Art. 27(1)(f).")
    )
    review_needed = models.BooleanField(_("review needed"), default=False, editable=False)
    objects = ImpactAssessmentQuerySet.as_manager()
    review_reason = models.CharField(
        _("why a review is needed"), max_length=300, blank=True, editable=False
    )

    content_fields: ClassVar[tuple[str, ...]] = (
        "scope",
        "system_description",
        "functionalities",
        "purpose",
        "intended_uses",
        "unintended_uses",
        "data_information",
        "data_quality",
        "model_information",
        "deployment_geographies",
        "deployment_languages",
        "deployment_context",
        "failures_and_misuse",
        "human_oversight",
        "responsibilities",
        "conclusion",
        "deployer_processes",
        "period_and_frequency",
        "complaint_mechanisms",
    )
    series_fields: ClassVar[tuple[str, ...]] = ("organization", "ai_system", "kind")

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: EDIT_ROLES,
            Action.DELETE: EDIT_ROLES,
            Action.APPROVE: EDIT_ROLES,
        },
        engagement=EngagementScope(
            systems=("ai_system",),
            clause_refs=("6.1.4", "8.4"),
            shown={"status__in": [s.value for s in FROZEN_STATUSES]},
        ),
    )

    class Meta(ControlledVersion.Meta):
        verbose_name = _("impact assessment")
        ordering = ("ai_system", "kind", "-number")
        constraints = [
            *controlled_version_constraints(
                "impactassessment", series=("organization", "ai_system", "kind")
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AssessmentKind.values), name="impactassessment_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.ai_system} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "impact_assessments:assessment_detail",
            kwargs={"org": self.organization.slug, "pk": self.pk},
        )

    def clean(self) -> None:
        super().clean()
        if self.ai_system_id and self.ai_system.organization_id != self.organization_id:
            raise ValidationError({"ai_system": _("Choose an AI system of this organisation.")})

    def sections(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        if self.kind == AssessmentKind.FUNDAMENTAL_RIGHTS:
            return (*ASSESSMENT_SECTIONS, FRIA_SECTION)
        return ASSESSMENT_SECTIONS

    def shown_sections(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """Every section with all its fields, optional ones included: what pages and PDFs show."""
        return [
            (key, label, (*fields, *OPTIONAL_SECTION_FIELDS.get(key, ())))
            for key, label, fields in self.sections()
        ]

    def missing(self) -> list[str]:
        """Each section still incomplete, as a sentence naming it (empty: ready for review)."""
        gaps = [
            str(
                _("%(section)s: %(fields)s.")
                % {
                    "section": label,
                    "fields": ", ".join(
                        str(self._meta.get_field(f).verbose_name)
                        for f in fields
                        if not getattr(self, f).strip()
                    ),
                }
            )
            for _key, label, fields in self.sections()
            if any(not getattr(self, f).strip() for f in fields)
        ]
        counts = self.part_counts()
        if not counts["parties"]:
            gaps.append(str(_("Interested parties: name at least one party the system affects.")))
        if not counts["impacts"]:
            gaps.append(str(_("Impacts: record at least one benefit or harm.")))
        elif counts["unrated_harms"]:
            gaps.append(str(_("Impacts: every harm needs its severity and likelihood.")))
        return gaps

    def use_category(self) -> Any:
        """The system's use category under the organisation's thresholds (``thresholds``)."""
        # selectors reads this module's models, so it is imported when first needed.
        from impact_assessments.selectors import use_categories

        return use_categories(organization=self.organization, system_ids=[self.ai_system_id])[
            self.ai_system_id
        ]

    def approval_blockers(self) -> list[str]:
        blockers = self.missing()
        if self.kind != AssessmentKind.IMPACT:
            return blockers
        category = self.use_category()
        # use_thresholds' model is declared after this one (its module is imported later).
        from impact_assessments.models.use_thresholds import UseThresholds

        months = (
            UseThresholds.objects.filter(organization=self.organization)
            .values_list("sensitive_review_months", flat=True)
            .first()
            or UseThresholds._meta.get_field("sensitive_review_months").default
        )
        if category.sensitive and self.review_interval_months > months:
            blockers.append(
                str(
                    _(
                        "This is a %(category)s: the thresholds want it reassessed at least "
                        "every %(months)s months, not every %(n)s."
                    )
                    % {
                        "category": category.label.lower(),
                        "months": months,
                        "n": self.review_interval_months,
                    }
                )
            )
        return blockers

    def approver_blockers(self, user: Any) -> list[str]:
        if self.kind != AssessmentKind.IMPACT or not self.use_category().restricted:
            return []
        if roles_of(user).get(self.organization_id) == Role.ADMIN:
            return []
        return [
            str(
                _(
                    "This is a restricted use under the organisation's impact thresholds: "
                    "top management (an administrator) must approve its assessment."
                )
            )
        ]

    def part_counts(self) -> dict[str, int]:
        """Parties, impacts and unrated harms: from ``with_part_counts()`` when annotated."""
        if hasattr(self, "parties_count"):
            return {
                "parties": self.parties_count,
                "impacts": self.impacts_count,
                "unrated_harms": self.unrated_harms_count,
            }
        if self.pk is None:
            return {"parties": 0, "impacts": 0, "unrated_harms": 0}
        return type(self).objects.with_part_counts().filter(pk=self.pk).get().part_counts()


__all__ = [
    "ASSESSMENT_SECTIONS",
    "FRIA_SECTION",
    "OPTIONAL_SECTION_FIELDS",
    "AssessmentKind",
    "ImpactArea",
    "ImpactAssessment",
    "ImpactAssessmentQuerySet",
    "ImpactNature",
    "PartyKind",
    "Reach",
    "Reversibility",
]
