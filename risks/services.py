"""Risk workflows: criteria versions, scoring, acceptance, point-in-time assessments."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.documents import require_another_approver
from aims.core.permissions import (
    Action,
    UserPurpose,
    can,
    can_add,
    restrict,
    users_choosable,
)
from aims.core.transactions import lock_series_owner, next_number
from aims.organizations.models import Organization
from controls.models import ControlImplementation, Requirement
from risks.library import LIBRARY, LibraryRisk
from risks.models import (
    IMPACT_FIELDS,
    AssessmentStatus,
    Risk,
    RiskAssessment,
    RiskCriteria,
    RiskKind,
    RiskStatus,
    risk_impact_from_consequences,
)

# The default 5×5: likelihood rows (rare → almost certain) × impact columns (negligible →
# severe), banded low / medium / high / critical.
DEFAULT_LIKELIHOOD = [
    {
        "label": "Rare",
        "description": "Not expected in the life of the system; would need an unusual chain of events.",
    },
    {
        "label": "Unlikely",
        "description": "Could happen, but there is no sign it has happened here or at peers.",
    },
    {
        "label": "Possible",
        "description": "Has happened at peers or in testing; could happen here within a few years.",
    },
    {"label": "Likely", "description": "Expected to happen within a year of operation."},
    {"label": "Almost certain", "description": "Happening already, or expected within months."},
]
DEFAULT_IMPACT = [
    {
        "label": "Negligible",
        "description": "Noticed by few; no lasting effect on people or the organisation.",
    },
    {
        "label": "Minor",
        "description": "Short inconvenience for some people; small, recoverable cost.",
    },
    {
        "label": "Moderate",
        "description": "Real harm to some people or a reportable incident; recovery takes weeks.",
    },
    {
        "label": "Major",
        "description": "Serious harm to many people, regulatory action or a large financial loss.",
    },
    {
        "label": "Severe",
        "description": "Lasting harm to people's rights, health or livelihoods; threatens the organisation.",
    },
]
DEFAULT_BANDS = [
    {"key": "low", "label": "Low", "colour": "#2e7d32"},
    {"key": "medium", "label": "Medium", "colour": "#b7791f"},
    {"key": "high", "label": "High", "colour": "#c2410c"},
    {"key": "critical", "label": "Critical", "colour": "#b91c1c"},
]
_L, _M, _H, _C = "low", "medium", "high", "critical"
DEFAULT_MATRIX = [
    [_L, _L, _L, _M, _M],
    [_L, _L, _M, _M, _H],
    [_L, _M, _M, _H, _H],
    [_M, _M, _H, _H, _C],
    [_M, _H, _H, _C, _C],
]


def risk_criteria_current(*, organization: Organization) -> RiskCriteria:
    """The organisation's current criteria; the default 5×5 is created on first use."""
    current = RiskCriteria.objects.filter(organization=organization, is_current=True).first()
    if current:
        return current
    with transaction.atomic():
        # Two first uses at once: the second waits here, then finds the first one's.
        lock_series_owner(organization)
        current = RiskCriteria.objects.filter(organization=organization, is_current=True).first()
        if current:
            return current
        criteria = RiskCriteria(
            organization=organization,
            number=1,
            is_current=True,
            name=str(_("Default 5 × 5 risk criteria")),
            likelihood_levels=DEFAULT_LIKELIHOOD,
            impact_levels=DEFAULT_IMPACT,
            bands=DEFAULT_BANDS,
            matrix=DEFAULT_MATRIX,
            acceptance_band="medium",
            change_summary=str(_("Default criteria provided with the platform.")),
        )
        criteria.full_clean()
        criteria.save()
    return criteria


CRITERIA_FIELDS = (
    "name",
    "likelihood_levels",
    "impact_levels",
    "bands",
    "matrix",
    "acceptance_band",
    "acceptance_approver",
    "impact_rule",
    "change_summary",
)


@transaction.atomic
def risk_criteria_revise(*, organization: Organization, user: Any, **values: Any) -> RiskCriteria:
    """Save changed criteria as a new current version; earlier versions stay as they were,
    and risks keep the version they were scored with until re-scored."""
    if not can_add(user, RiskCriteria, organization.pk):
        raise PermissionDenied(_("Your role does not allow changing the risk criteria."))
    unknown = set(values) - set(CRITERIA_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown criteria fields: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    # The organisation first (the criteria's numbers are its sequence), then the current row.
    lock_series_owner(organization)
    current = risk_criteria_current(organization=organization)
    current = RiskCriteria.objects.select_for_update().get(pk=current.pk)
    data = {f: getattr(current, f) for f in CRITERIA_FIELDS}
    data.update(values)
    if not str(data.get("change_summary") or "").strip() or "change_summary" not in values:
        raise ValidationError({"change_summary": _("Say briefly what changed and why.")})
    approver = data.get("acceptance_approver")
    if (
        approver is not None
        and not users_choosable(organization=organization, purpose=UserPurpose.APPROVER)
        .filter(pk=approver.pk)
        .exists()
    ):
        raise ValidationError(
            {"acceptance_approver": _("The approver must be a member of the organisation.")}
        )
    number = next_number(RiskCriteria.objects.filter(organization=organization), owner=organization)
    new = RiskCriteria(
        organization=organization, number=number, is_current=True, created_by=user, **data
    )
    new.full_clean(exclude=["is_current"])
    current.is_current = False
    current.save(update_fields=["is_current"])
    new.save()
    return new


def _person(user: Any) -> str:
    return getattr(user, "full_name", "") or user.get_full_name() or user.email


def risk_prepare(*, organization: Organization, risk: Risk) -> Risk:
    """Attach the current criteria to a new risk before validation (forms and the API)."""
    if not risk.criteria_id:
        risk.criteria = risk_criteria_current(organization=organization)
    return risk


@transaction.atomic
def risk_rescore(
    *,
    risk: Risk,
    user: Any,
    inherent_likelihood: int,
    inherent_impact: int | None = None,
    residual_likelihood: int | None = None,
    residual_impact: int | None = None,
    residual_rationale: str | None = None,
    **consequence_scores: int | None,
) -> Risk:
    """Score a risk again against the organisation's current criteria. Consequence scores
    (``impact_organization``, ``impact_individuals``, ``impact_society``) not given keep
    their values; when any is scored, the inherent impact follows from them."""
    unknown = set(consequence_scores) - set(IMPACT_FIELDS)
    if unknown:
        raise TypeError(f"risk_rescore() got unexpected arguments {sorted(unknown)}")
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    if not can(user, Action.CHANGE, risk):
        raise PermissionDenied(_("You may not change this risk."))
    previous_impact = risk.inherent_impact
    risk.criteria = risk_criteria_current(organization=risk.organization)
    for name, value in consequence_scores.items():
        setattr(risk, name, value)
    impact = risk_impact_from_consequences(
        risk.criteria,
        risk.consequence_scores(),
        requested=inherent_impact,
        previous=previous_impact,
    )
    if impact is None:
        raise ValidationError({"inherent_impact": _("Score the inherent impact.")})
    risk.inherent_likelihood, risk.inherent_impact = inherent_likelihood, impact
    risk.residual_likelihood, risk.residual_impact = residual_likelihood, residual_impact
    if residual_rationale is not None:
        risk.residual_rationale = residual_rationale
    if risk.accepted_by_id:
        # An acceptance was given for the old scores; it does not carry over.
        _clear_acceptance(risk)
    risk.full_clean()
    risk.save()
    return risk


def _clear_acceptance(risk: Risk) -> None:
    risk.accepted_by = None
    risk.accepted_at = None
    risk.acceptance_rationale = ""
    risk.acceptance_expires = None
    if risk.status == RiskStatus.MONITORED:
        risk.status = RiskStatus.ASSESSED


@transaction.atomic
def risk_accept(
    *, risk: Risk, user: Any, rationale: str, expires: datetime.date | None = None
) -> Risk:
    """Record acceptance of the residual risk. Above the acceptance threshold only the
    criteria's designated approver may accept."""
    risk = Risk.objects.select_for_update(of=("self",)).select_related("criteria").get(pk=risk.pk)
    if not can(user, Action.CHANGE, risk):
        raise PermissionDenied(_("You may not change this risk."))
    if risk.kind == RiskKind.OPPORTUNITY:
        raise ValidationError(
            {"kind": _("An opportunity is pursued, not accepted: acceptance is for risks.")}
        )
    errors: dict[str, Any] = {}
    if not rationale.strip():
        errors["acceptance_rationale"] = _("Give the reason the residual risk is acceptable.")
    if risk.residual_rank is None:
        errors["residual_likelihood"] = _("Score the residual risk before accepting it.")
    if expires and expires <= timezone.localdate():
        errors["acceptance_expires"] = _("The acceptance must expire in the future.")
    if errors:
        raise ValidationError(errors)
    criteria = risk.criteria
    if not criteria.is_current:
        raise ValidationError(
            _("The risk criteria have changed since this risk was scored; re-score it first.")
        )
    if risk.residual_rank > criteria.acceptance_rank and user.pk != criteria.acceptance_approver_id:
        who = criteria.acceptance_approver
        raise PermissionDenied(
            _(
                "This residual risk is %(level)s, above the acceptance threshold (%(threshold)s). "
                "Only the designated approver%(who)s may accept it."
            )
            % {
                "level": criteria.band(risk.residual_level)["label"],
                "threshold": criteria.band(criteria.acceptance_band)["label"],
                "who": f" ({_person(who)})" if who else "",
            }
        )
    risk.accepted_by = user
    risk.accepted_at = timezone.now()
    risk.acceptance_rationale = rationale.strip()
    risk.acceptance_expires = expires
    risk.status = RiskStatus.MONITORED
    risk.full_clean()
    risk.save()
    return risk


@transaction.atomic
def risk_acceptance_withdraw(*, risk: Risk, user: Any) -> Risk:
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    if not can(user, Action.CHANGE, risk):
        raise PermissionDenied(_("You may not change this risk."))
    if not risk.accepted_by_id:
        raise ValidationError(_("This risk has not been accepted."))
    _clear_acceptance(risk)
    risk.save()
    return risk


def library_item(code: str) -> LibraryRisk:
    for item in LIBRARY:
        if item.code == code:
            return item
    raise ValidationError(_("There is no library risk %(code)s.") % {"code": code})


def risk_initial_from_library(*, organization: Organization, code: str) -> dict[str, Any]:
    """Initial values for a new risk started from a library item (the user reviews them)."""
    item = library_item(code)
    refs = [*item.risk_sources, *item.objectives]
    requirements = {
        r.ref: r.pk for r in Requirement.objects.filter(framework__code="iso42001", ref__in=refs)
    }
    controls = list(
        ControlImplementation.objects.filter(
            organization=organization, ref__in=item.controls
        ).values_list("pk", flat=True)
    )
    return {
        "title": item.title,
        "description": item.description,
        "consequences_organization": item.consequences_organization,
        "consequences_individuals": item.consequences_individuals,
        "risk_sources": [requirements[r] for r in item.risk_sources if r in requirements],
        "objectives": [requirements[r] for r in item.objectives if r in requirements],
        "controls": controls,
        "treatment_option": "modify",
        "library_code": item.code,
    }


# --- Point-in-time assessments ---------------------------------------------------------------


def _register_snapshot(assessment: RiskAssessment) -> tuple[list[dict[str, Any]], dict]:
    """The register's rows as they stand, and the bands their levels name (by key, from the
    criteria version each risk was scored with)."""
    risks = Risk.objects.filter(organization=assessment.organization)
    systems = list(assessment.ai_systems.values_list("pk", flat=True))
    if systems:
        risks = risks.filter(ai_systems__in=systems).distinct()
    rows = []
    bands: dict[str, dict[str, Any]] = {}
    for risk in (
        risks.select_related("owner", "criteria")
        .prefetch_related("ai_systems", "controls")
        .order_by("number")
    ):
        rows.append(
            {
                "id": risk.pk,
                "reference": risk.reference,
                "kind": risk.kind,
                "title": risk.title,
                "status": risk.status,
                "owner": _person(risk.owner) if risk.owner else "",
                "ai_systems": sorted(s.name for s in risk.ai_systems.all()),
                "criteria_version": risk.criteria.number if risk.criteria_id else None,
                "consequences": [getattr(risk, name) for name in IMPACT_FIELDS],
                "inherent": [risk.inherent_likelihood, risk.inherent_impact, risk.inherent_level],
                "residual": [risk.residual_likelihood, risk.residual_impact, risk.residual_level],
                "treatment_option": risk.treatment_option,
                "controls": sorted(c.ref for c in risk.controls.all()),
                "accepted": risk.accepted_by_id is not None,
            }
        )
        for key in (risk.inherent_level, risk.residual_level):
            if key and key not in bands and risk.criteria_id:
                try:
                    bands[key] = dict(risk.criteria.band(key))
                except KeyError:
                    bands[key] = {"key": key, "label": key, "colour": "#6b7280"}
    return rows, bands


def assessment_summary(
    rows: list[dict[str, Any]], *, criteria: RiskCriteria, bands: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """What an approved assessment reports: the risks and opportunities in scope, and the
    open risks by level. A level is counted by the band key of the criteria version the risk
    was scored with, so a band renamed or dropped in a later version keeps its risks;
    opportunities are not risks and are counted apart, never among the levels."""
    shown = {b["key"]: dict(b) for b in criteria.bands}
    by_level: dict[str, int] = dict.fromkeys(shown, 0)
    risks = [row for row in rows if row.get("kind", RiskKind.RISK) == RiskKind.RISK]
    for row in risks:
        key = row["residual"][2] or row["inherent"][2]
        if row["status"] != RiskStatus.CLOSED and key:
            by_level[key] = by_level.get(key, 0) + 1
    for key in by_level:
        shown.setdefault(key, bands.get(key) or {"key": key, "label": key, "colour": "#6b7280"})
    return {
        "risks": len(risks),
        "opportunities": len(rows) - len(risks),
        "open_by_level": by_level,
        "bands": {key: shown[key] for key in by_level},
    }


@transaction.atomic
def risk_assessment_approve(*, assessment: RiskAssessment, user: Any) -> RiskAssessment:
    """Freeze the assessment: its scope, participants and the register as it stands now."""
    assessment = RiskAssessment.objects.select_for_update().get(pk=assessment.pk)
    if not can(user, Action.APPROVE, assessment):
        raise PermissionDenied(_("Your role does not allow approving risk assessments."))
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(_("This assessment is already approved."))
    require_another_approver(
        author_id=assessment.author_id, user=user, organization=assessment.organization
    )
    rows, bands = _register_snapshot(assessment)
    # A risk still "identified" has not been analysed and evaluated (6.1.2 d–e): the
    # assessment would freeze a register that was not assessed.
    unassessed = [row["reference"] for row in rows if row["status"] == RiskStatus.IDENTIFIED]
    if unassessed:
        raise ValidationError(
            _(
                "Assess every risk in scope before approving: these are only identified, "
                "not yet analysed and evaluated: %(refs)s."
            )
            % {"refs": ", ".join(unassessed)},
            code="unassessed",
        )
    criteria = risk_criteria_current(organization=assessment.organization)
    assessment.snapshot = {
        "risks": rows,
        "participants": sorted(_person(u) for u in assessment.participants.all()),
        "ai_systems": sorted(s.name for s in assessment.ai_systems.all()),
        "bands": bands,
    }
    assessment.summary = assessment_summary(rows, criteria=criteria, bands=bands)
    assessment.criteria = criteria
    assessment.status = AssessmentStatus.APPROVED
    assessment.approved_by = user
    assessment.approved_at = timezone.now()
    assessment.save()
    return assessment


def risk_assessments_compare(*, old: RiskAssessment, new: RiskAssessment) -> dict[str, list[Any]]:
    """New, closed and changed risks between two approved assessments."""
    if not (old.is_frozen and new.is_frozen):
        raise ValidationError(_("Only approved assessments can be compared."))
    before = {row["id"]: row for row in old.snapshot.get("risks", [])}
    after = {row["id"]: row for row in new.snapshot.get("risks", [])}
    compared = (
        "kind",
        "title",
        "status",
        "owner",
        "inherent",
        "residual",
        "treatment_option",
        "controls",
        "accepted",
    )
    changed = []
    for pk, row in after.items():
        if pk in before:
            # Snapshots taken before entries had a kind hold only risks.
            was, now = {"kind": RiskKind.RISK, **before[pk]}, {"kind": RiskKind.RISK, **row}
            diffs = [
                {"field": f, "before": was.get(f), "after": now.get(f)}
                for f in compared
                if was.get(f) != now.get(f)
            ]
            if diffs and not (
                row["status"] == RiskStatus.CLOSED and before[pk]["status"] != RiskStatus.CLOSED
            ):
                changed.append({"risk": row, "fields": diffs})
    closed = [
        row
        for pk, row in before.items()
        if pk not in after
        or (after[pk]["status"] == RiskStatus.CLOSED and row["status"] != RiskStatus.CLOSED)
    ]
    return {
        "new": [row for pk, row in after.items() if pk not in before],
        "closed": closed,
        "changed": changed,
    }


def visible_risks(*, user: Any, organization: Organization) -> QuerySet:
    return restrict(Risk.objects.filter(organization=organization), user, Action.VIEW)


@dataclass
class CriteriaVersions:
    by_id: dict[int, RiskCriteria]
    current: RiskCriteria


def criteria_versions(request: Any) -> CriteriaVersions:
    """Every criteria version of the request's organisation, loaded once per request
    (cached on the request: the register's filters and its rows both read them)."""
    cached = getattr(request, "_risk_criteria_versions", None)
    if cached is not None:
        return cached
    org = request.organization
    versions = list(RiskCriteria.objects.filter(organization=org))
    current = next((c for c in versions if c.is_current), None)
    if current is None:
        current = risk_criteria_current(organization=org)
        versions.append(current)
    result = CriteriaVersions({c.pk: c for c in versions}, current)
    request._risk_criteria_versions = result
    return result
