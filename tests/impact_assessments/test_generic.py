"""The generic permission, change-log and query-count suite for EU AI Act classifications."""

from __future__ import annotations

from django.urls import reverse

from aims.core.documents import document_approve
from impact_assessments.forms import AffectedPartyForm, ImpactAssessmentForm, ImpactForm
from impact_assessments.models import (
    ASSESSMENT_SECTIONS,
    AffectedParty,
    AIActClassification,
    Impact,
    ImpactAssessment,
    UseThresholds,
)
from impact_assessments.services import assessment_submit
from tests import factories
from tests.generic import EDIT_ROLES, READ_ROLES, GenericModelTests, ModelCase


def _url(name, ctx, **kwargs):
    return reverse(name, kwargs={"org": ctx.org.slug, **kwargs})


def _classification(ctx):
    system = factories.AISystemFactory(organization=ctx.org)
    return AIActClassification.objects.create(
        organization=ctx.org,
        ai_system=system,
        role="provider",
        annex_iii_areas=[4],
        profiles_people=True,
        classified_by=ctx.users.officer,
    )


CLASSIFICATION = ModelCase(
    model=AIActClassification,
    make=_classification,
    view_roles=READ_ROLES,
    add_roles=EDIT_ROLES,
    change_roles=frozenset(),
    delete_roles=frozenset(),
    # The AI system a classification names is out of an auditor's reach without an engagement.
    create_target_visible=READ_ROLES,
    create_other_rows=1,  # the AI system takes the new tier and role
    api_basename="aiactclassification",
    api_update=False,
    api_delete=False,
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "ai_system": factories.AISystemFactory(organization=ctx.org).pk,
        "role": "deployer",
        "transparency_duties": ["deep_fake"],
    },
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("impact_assessments:classification_list", ctx),
    ui_detail=lambda ctx, obj: _url("impact_assessments:classification_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url(
        "impact_assessments:classify",
        ctx,
        parent_pk=factories.AISystemFactory(organization=ctx.org).pk,
    ),
    ui_add_data=lambda ctx: {"role": "deployer", "transparency_duties": ["deep_fake"]},
)


class TestClassification(GenericModelTests):
    case = CLASSIFICATION


def _assessment(ctx):
    system = factories.AISystemFactory(organization=ctx.org)
    return ImpactAssessment.objects.create(
        organization=ctx.org, ai_system=system, author=ctx.users.officer, scope="The whole system."
    )


def _party(ctx):
    return AffectedParty.objects.create(
        assessment=_assessment(ctx), name="Loan applicants", kind="individuals"
    )


def _impact(ctx):
    party = _party(ctx)
    return Impact.objects.create(
        assessment=party.assessment,
        party=party,
        nature="harm",
        area="fundamental_rights",
        description="Applicants from some postcodes are refused more often.",
        severity=4,
        likelihood=3,
    )


def _approved(ctx):
    """A complete assessment approved through the services: what auditors may read."""
    fields = {
        name: "Written for the test."
        for _key, _label, names in ASSESSMENT_SECTIONS
        for name in names
    }
    system = factories.AISystemFactory(organization=ctx.org)
    assessment = ImpactAssessment.objects.create(
        organization=ctx.org, ai_system=system, author=ctx.users.officer, **fields
    )
    party = AffectedParty.objects.create(
        assessment=assessment, name="Applicants", kind="individuals"
    )
    Impact.objects.create(
        assessment=assessment,
        party=party,
        nature="harm",
        area="privacy",
        description="Personal data kept too long.",
        severity=2,
        likelihood=2,
    )
    assessment_submit(assessment=assessment, actor=ctx.users.officer)
    return document_approve(version=assessment, user=ctx.users.admin)


ASSESSMENT = ModelCase(
    model=ImpactAssessment,
    make=_assessment,
    make_shown=_approved,  # auditors read approved versions only
    add_roles=EDIT_ROLES,
    create_target_visible=READ_ROLES,
    api_basename="impactassessment",
    api_delete=False,
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "ai_system": factories.AISystemFactory(organization=ctx.org).pk,
        "conclusion": "Fit for use with the listed measures.",
    },
    create_actions=("create", "update"),  # the prefilled draft, then what the request adds
    update_payload=lambda ctx, obj: {"conclusion": "Fit for use with the listed measures."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("impact_assessments:assessment_list", ctx),
    ui_detail=lambda ctx, obj: _url("impact_assessments:assessment_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url(
        "impact_assessments:system_assessments",
        ctx,
        pk=factories.AISystemFactory(organization=ctx.org).pk,
    ),
    ui_add_get=False,  # the system's tab has a "start" button, no form
    ui_add_data=lambda ctx: {"kind": "impact"},
    ui_create_actions=("create",),
    ui_edit=lambda ctx, obj: _url("impact_assessments:assessment_edit", ctx, pk=obj.pk),
    ui_form=ImpactAssessmentForm,
    ui_changes={"conclusion": "Fit for use with the listed measures."},
)

PARTY = ModelCase(
    model=AffectedParty,
    make=_party,
    make_shown=lambda ctx: _approved(ctx).parties.get(),
    add_roles=EDIT_ROLES,
    create_target_visible=READ_ROLES,
    api_basename="affectedparty",
    create_payload=lambda ctx: {
        "assessment": _assessment(ctx).pk,
        "name": "Older applicants",
        "kind": "group",
        "vulnerable": True,
    },
    update_payload=lambda ctx, obj: {"name": "Applicants over 70"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_add=lambda ctx: _url("impact_assessments:party_add", ctx, parent_pk=_assessment(ctx).pk),
    ui_add_data=lambda ctx: {"name": "Older applicants", "kind": "group"},
    ui_edit=lambda ctx, obj: _url("impact_assessments:party_edit", ctx, pk=obj.pk),
    ui_form=AffectedPartyForm,
    ui_changes={"name": "Applicants over 70"},
    ui_delete=lambda ctx, obj: _url("impact_assessments:party_delete", ctx, pk=obj.pk),
)

IMPACT = ModelCase(
    model=Impact,
    make=_impact,
    make_shown=lambda ctx: _approved(ctx).impacts.get(),
    add_roles=EDIT_ROLES,
    create_target_visible=READ_ROLES,
    api_basename="impact",
    create_payload=lambda ctx: (
        lambda party: {
            "assessment": party.assessment_id,
            "party": party.pk,
            "nature": "benefit",
            "area": "economic",
            "description": "Faster answers to loan requests.",
        }
    )(_party(ctx)),
    update_payload=lambda ctx, obj: {"severity": 5},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_edit=lambda ctx, obj: _url("impact_assessments:impact_edit", ctx, pk=obj.pk),
    ui_form=ImpactForm,
    ui_changes={"severity": 5},
    ui_delete=lambda ctx, obj: _url("impact_assessments:impact_delete", ctx, pk=obj.pk),
)


class TestImpactAssessment(GenericModelTests):
    case = ASSESSMENT


class TestAffectedParty(GenericModelTests):
    case = PARTY


class TestImpact(GenericModelTests):
    case = IMPACT


def _thresholds(ctx):
    return UseThresholds.objects.create(
        organization=ctx.org, sensitive_review_months=6, decided_by=ctx.users.officer
    )


def _thresholds_in_force(ctx):
    found = UseThresholds.objects.filter(organization=ctx.org).order_by("-pk").first()
    return found.pk if found else ""


def _decisions_listed(response):
    shown = response.context["thresholds"]
    return {d.pk for d in response.context["earlier"]} | ({shown.pk} if shown.pk else set())


THRESHOLDS = ModelCase(
    model=UseThresholds,
    make=_thresholds,
    view_roles=READ_ROLES,
    add_roles=EDIT_ROLES,
    change_roles=frozenset(),
    delete_roles=frozenset(),
    api_basename="usethresholds",
    api_update=False,
    api_delete=False,
    create_payload=lambda ctx: {"organization": ctx.org.pk, "sensitive_review_months": 9},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("impact_assessments:thresholds", ctx),
    list_ids=_decisions_listed,
    ui_add=lambda ctx: _url("impact_assessments:thresholds_decide", ctx),
    ui_add_data=lambda ctx: {
        "based_on": _thresholds_in_force(ctx),
        "sensitive_tiers": ["high_risk"],
        "restricted_tiers": ["prohibited"],
        "sensitive_review_months": "9",
    },
)


class TestUseThresholds(GenericModelTests):
    case = THRESHOLDS
