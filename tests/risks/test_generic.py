"""The generic permission, change-log and query-count suite for risk management."""

from __future__ import annotations

from django.urls import reverse

from risks.forms import RiskAssessmentForm, RiskForm, TreatmentActionForm
from risks.models import Risk, RiskAssessment, RiskCriteria, TreatmentAction
from risks.services import risk_assessment_approve
from tests import factories
from tests.generic import EDIT_ROLES, READ_ROLES, GenericModelTests, ModelCase
from tests.risks.factories import CUSTOM_3X4, criteria_post_data, old_version


def _url(name, ctx, **kwargs):
    return reverse(name, kwargs={"org": ctx.org.slug, **kwargs})


def _own_risk(risk, user):
    risk.owner = user
    risk.save()


def _new_risk(ctx):
    return factories.RiskFactory(organization=ctx.org)


RISK = ModelCase(
    model=Risk,
    make=_new_risk,
    owner_of=_own_risk,
    api_basename="risk",
    create_payload=lambda ctx: {
        "organization": factories.criteria_for(ctx.org).organization_id,
        "kind": "risk",
        "title": "Chatbot invents refund rules",
        "description": "The assistant states refund terms that do not exist.",
        "consequences_organization": "Refunds paid that were never owed.",
        "consequences_individuals": "Customers act on terms that do not exist.",
        "consequences_society": "Less trust in automated customer service.",
        "impact_organization": 3,
        "impact_individuals": 2,
        "impact_society": 1,
        "inherent_likelihood": 4,
        "inherent_impact": 3,
    },
    update_payload=lambda ctx, obj: {
        "title": "Renamed risk",
        "kind": "opportunity",
        "inherent_likelihood": 2,
        "impact_organization": 2,
        "impact_individuals": 4,
        "impact_society": None,
        "consequences_society": "Wider trust in the service.",
    },
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("risks:risk_list", ctx),
    ui_detail=lambda ctx, obj: _url("risks:risk_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("risks:risk_add", ctx),
    ui_add_data=lambda ctx: {
        "kind": "risk",
        "title": factories.criteria_for(ctx.org) and "Chatbot invents refund rules",
        "description": "The assistant states refund terms that do not exist.",
        "consequences_organization": "Refunds paid that were never owed.",
        "consequences_individuals": "Customers act on terms that do not exist.",
        "consequences_society": "Less trust in automated customer service.",
        "impact_organization": 3,
        "impact_individuals": 2,
        "impact_society": 1,
        "inherent_likelihood": 4,
        "inherent_impact": 3,
        "status": "identified",
        "review_interval_months": 12,
    },
    ui_edit=lambda ctx, obj: _url("risks:risk_edit", ctx, pk=obj.pk),
    ui_form=RiskForm,
    ui_changes={"title": "Renamed risk", "kind": "opportunity", "impact_society": 5},
    ui_delete=lambda ctx, obj: _url("risks:risk_delete", ctx, pk=obj.pk),
)

ACTION = ModelCase(
    model=TreatmentAction,
    make=lambda ctx: factories.TreatmentActionFactory(risk__organization=ctx.org),
    # Adding an action needs the right to change its risk (contributors: their own).
    add_roles=EDIT_ROLES,
    create_target_visible=READ_ROLES,
    owner_of=lambda obj, user: _own_risk(obj.risk, user),
    api_basename="treatmentaction",
    create_payload=lambda ctx: {"risk": _new_risk(ctx).pk, "title": "Add a human review step"},
    owner_of_create=lambda ctx, data, user: _own_risk(Risk.objects.get(pk=data["risk"]), user),
    update_payload=lambda ctx, obj: {"title": "Renamed step"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_detail=lambda ctx, obj: _url("risks:action_history", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("risks:action_add", ctx, parent_pk=_new_risk(ctx).pk),
    ui_add_data=lambda ctx: {"title": "Add a human review step", "status": "planned"},
    ui_edit=lambda ctx, obj: _url("risks:action_edit", ctx, pk=obj.pk),
    ui_form=TreatmentActionForm,
    ui_changes={"title": "Renamed step"},
    ui_delete=lambda ctx, obj: _url("risks:action_delete", ctx, pk=obj.pk),
)


def _approved_assessment(ctx):
    """Approved by the service, over an AI system with no risks yet (nothing to assess)."""
    assessment = factories.RiskAssessmentFactory(organization=ctx.org)
    assessment.ai_systems.add(factories.AISystemFactory(organization=ctx.org))
    return risk_assessment_approve(assessment=assessment, user=ctx.users.admin)


ASSESSMENT = ModelCase(
    model=RiskAssessment,
    make=lambda ctx: factories.RiskAssessmentFactory(organization=ctx.org),
    make_shown=_approved_assessment,  # auditors read approved assessments only
    api_basename="riskassessment",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "title": "Annual assessment 2026",
        "scope": "All customer-facing AI systems.",
    },
    update_payload=lambda ctx, obj: {"title": "Renamed assessment"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("risks:assessment_list", ctx),
    ui_detail=lambda ctx, obj: _url("risks:assessment_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("risks:assessment_add", ctx),
    ui_add_data=lambda ctx: {
        "title": "Annual assessment 2026",
        "scope": "All customer-facing AI systems.",
        "assessed_on": "2026-03-01",
    },
    ui_edit=lambda ctx, obj: _url("risks:assessment_edit", ctx, pk=obj.pk),
    ui_form=RiskAssessmentForm,
    ui_changes={"title": "Renamed assessment"},
    ui_delete=lambda ctx, obj: _url("risks:assessment_delete", ctx, pk=obj.pk),
)


def _criteria_add_url(ctx):
    factories.criteria_for(ctx.org)  # a current version exists; a new one supersedes it
    return _url("risks:criteria_edit", ctx)


def _criteria_payload(ctx):
    factories.criteria_for(ctx.org)
    return {"organization": ctx.org.pk, **CUSTOM_3X4, "change_summary": "Simpler scale."}


# Criteria versions never change: the API creates a new current version (which also marks the
# previous one as no longer current — one more change-log row) and refuses update/delete.
CRITERIA = ModelCase(
    model=RiskCriteria,
    make=lambda ctx: old_version(ctx.org),
    add_roles=EDIT_ROLES,
    api_basename="riskcriteria",
    api_update=False,
    api_delete=False,
    create_payload=_criteria_payload,
    create_other_rows=1,
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_detail=lambda ctx, obj: _url("risks:criteria", ctx) + f"?version={obj.number}",
    detail_shows=lambda response, obj: response.context["criteria"].pk == obj.pk,
    ui_add=_criteria_add_url,
    ui_add_data=lambda ctx: criteria_post_data(CUSTOM_3X4),
)


class TestRisk(GenericModelTests):
    case = RISK


class TestTreatmentAction(GenericModelTests):
    case = ACTION


class TestRiskAssessment(GenericModelTests):
    case = ASSESSMENT


class TestRiskCriteria(GenericModelTests):
    case = CRITERIA
