"""Who may be chosen as a record's owner, approver or participant: one selector
(``aims.core.permissions.users_choosable``) decides for forms, serializers and filters.

The reproduction of the finding: an officer who belongs to two organisations could make the
other organisation's administrator the owner of a risk, an AI system or a control (API 201).
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aims.core.api import NOT_CHOOSABLE
from aims.core.permissions import Role, UserPurpose, users_choosable
from aims.inventory.forms import AISystemForm
from aims.inventory.models import AISystem
from aims.organizations.filters import MembershipFilterSet
from controls.models import ControlImplementation
from risks.forms import RiskCriteriaForm, RiskForm
from risks.models import Risk
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_of_both(users, other_org):
    """The officer of ``org`` is also an officer of ``other_org`` (whose admin is the outsider)."""
    factories.MembershipFactory(organization=other_org, user=users.officer, role=Role.OFFICER)
    return users.officer


def chosen(organization, purpose=UserPurpose.OWNER, **kwargs):
    return set(users_choosable(organization=organization, purpose=purpose, **kwargs))


# --- the selector ------------------------------------------------------------------------


def test_it_offers_active_members_but_not_auditors(org, users):
    assert chosen(org) == {users.admin, users.officer, users.contributor, users.viewer}


def test_it_leaves_out_other_organisations_and_the_platform_operator(org, users):
    operator = factories.UserFactory(email="root@platform.test", is_superuser=True)
    assert users.outsider not in chosen(org)
    assert operator not in chosen(org)


def test_it_leaves_out_memberships_not_valid_today_and_inactive_accounts(org, users):
    today = timezone.localdate()
    ended = factories.UserFactory(email="ended@acme.test")
    factories.MembershipFactory(
        organization=org, user=ended, role=Role.OFFICER, valid_until=today - datetime.timedelta(1)
    )
    future = factories.UserFactory(email="future@acme.test")
    factories.MembershipFactory(
        organization=org, user=future, role=Role.OFFICER, valid_from=today + datetime.timedelta(1)
    )
    users.viewer.is_active = False
    users.viewer.save()
    assert chosen(org) == {users.admin, users.officer, users.contributor}


def test_a_filter_lists_auditors_too_but_only_what_the_viewer_may_see(org, users):
    everyone = {users.admin, users.officer, users.contributor, users.viewer, users.auditor}
    assert chosen(org, UserPurpose.FILTER, viewer=users.viewer) == everyone
    # An auditor sees no memberships unless granted, so no people either.
    assert chosen(org, UserPurpose.FILTER, viewer=users.auditor) == set()


def test_roles_narrow_the_choice(org, users):
    assert chosen(org, UserPurpose.APPROVER, roles={Role.ADMIN, Role.AUDITOR}) == {users.admin}


# --- the API: the record's organisation decides --------------------------------------------


def _create(api_client_for, user, basename, payload):
    return api_client_for(user).post(reverse(f"{basename}-list"), payload, format="json")


def test_api_create_refuses_an_owner_from_another_organisation_of_the_caller(
    org, users, officer_of_both, api_client_for, catalog
):
    payloads = {
        "risk": (
            Risk,
            {
                "organization": factories.criteria_for(org).organization_id,
                "title": "Chatbot invents refund rules",
                "description": "The assistant states refund terms that do not exist.",
                "inherent_likelihood": 4,
                "inherent_impact": 3,
            },
        ),
        "aisystem": (
            AISystem,
            {
                "organization": org.pk,
                "name": "Claims triage",
                "description": "Sorts claims.",
                "purpose": "Faster claims.",
                "intended_use": "Handlers review.",
                "ai_roles": ["customer"],
                "lifecycle_stage": "deployment",
            },
        ),
        "controlimplementation": (
            ControlImplementation,
            {"organization": org.pk, "ref": "ORG-900", "title": "Model cards"},
        ),
    }
    for basename, (model, payload) in payloads.items():
        before = model.objects.count()
        response = _create(
            api_client_for, officer_of_both, basename, {**payload, "owner": users.outsider.pk}
        )
        assert response.status_code == 400, (basename, response.content)
        assert response.json() == {"owner": [NOT_CHOOSABLE]}
        assert model.objects.count() == before
        response = _create(
            api_client_for, officer_of_both, basename, {**payload, "owner": users.contributor.pk}
        )
        assert response.status_code == 201, (basename, response.content)


@pytest.mark.parametrize(
    ("basename", "make"),
    [
        ("risk", lambda org: factories.RiskFactory(organization=org)),
        ("aisystem", lambda org: factories.AISystemFactory(organization=org)),
        (
            "controlimplementation",
            lambda org: factories.ControlImplementationFactory(organization=org),
        ),
    ],
)
def test_api_update_refuses_an_owner_from_another_organisation_of_the_caller(
    basename, make, org, users, officer_of_both, api_client_for
):
    record = make(org)
    version = record.version
    response = api_client_for(officer_of_both).patch(
        reverse(f"{basename}-detail", args=[record.pk]),
        {"owner": users.outsider.pk},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json() == {"owner": [NOT_CHOOSABLE]}
    record.refresh_from_db()
    assert record.owner_id is None
    assert record.version == version


def test_api_update_refuses_an_auditor_as_owner(org, users, api_client_for):
    risk = factories.RiskFactory(organization=org)
    response = api_client_for(users.officer).patch(
        reverse("risk-detail", args=[risk.pk]), {"owner": users.auditor.pk}, format="json"
    )
    assert response.status_code == 400, response.content
    risk.refresh_from_db()
    assert risk.owner_id is None


def test_api_a_user_unknown_to_the_caller_reads_as_invalid_not_as_a_server_error(
    org, users, api_client_for
):
    risk = factories.RiskFactory(organization=org)
    stranger = factories.UserFactory(email="nobody@nowhere.test")
    for value in (users.outsider.pk, stranger.pk, 999999):
        response = api_client_for(users.officer).patch(
            reverse("risk-detail", args=[risk.pk]), {"owner": value}, format="json"
        )
        assert response.status_code == 400, response.content


# --- forms --------------------------------------------------------------------------------


def test_forms_offer_and_accept_only_members_of_the_organisation(org, users, officer_of_both):
    factories.criteria_for(org)
    for form_class in (RiskForm, AISystemForm):
        form = form_class(organization=org, user=officer_of_both)
        offered = set(form.fields["owner"].queryset)
        assert offered == {users.admin, users.officer, users.contributor, users.viewer}
    system = factories.AISystemFactory(organization=org)
    data = {
        "name": system.name,
        "description": system.description,
        "purpose": system.purpose,
        "intended_use": system.intended_use,
        "ai_roles": system.ai_roles,
        "lifecycle_stage": system.lifecycle_stage,
        "status": "active",
        "eu_ai_act_tier": "unclassified",
        "review_interval_months": 12,
        "owner": users.outsider.pk,
    }
    form = AISystemForm(data, instance=system, organization=org, user=officer_of_both)
    assert not form.is_valid()
    assert "owner" in form.errors


# --- the People page filter ----------------------------------------------------------------


def test_people_filter_offers_only_members_of_the_current_organisation(
    org, users, client_for, other_org
):
    factories.UserFactory(email="root@platform.test", is_superuser=True)
    response = client_for(users.viewer).get(
        reverse("organizations:member_list", kwargs={"org": org.slug})
    )
    assert response.status_code == 200
    offered = set(response.context["filterset"].form.fields["user"].queryset)
    assert offered == {users.admin, users.officer, users.contributor, users.viewer, users.auditor}


def test_people_filter_offers_an_auditor_nobody_it_may_not_see(org, users, client_for):
    response = client_for(users.auditor).get(
        reverse("organizations:member_list", kwargs={"org": org.slug})
    )
    assert response.status_code == 200
    assert set(response.context["filterset"].form.fields["user"].queryset) == set()
    assert list(response.context["page_obj"].object_list) == []


def test_people_filter_refuses_a_person_of_another_organisation(org, users, client_for):
    url = reverse("organizations:member_list", kwargs={"org": org.slug})
    response = client_for(users.admin).get(url, {"user": users.outsider.pk})
    assert response.context["filterset"].errors
    assert list(response.context["page_obj"].object_list) == []


def test_api_membership_filter_without_request_lists_nobody(users):
    assert not MembershipFilterSet(data={}).form.fields["user"].queryset.exists()


# --- moves, part records, the criteria's designated approver -------------------------------


def test_api_moving_a_record_checks_the_people_it_already_names(
    org, other_org, users, officer_of_both, api_client_for
):
    system = factories.AISystemFactory(organization=org, owner=users.contributor)
    url = reverse("aisystem-detail", args=[system.pk])
    client = api_client_for(officer_of_both)
    response = client.patch(url, {"organization": other_org.pk}, format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {"owner": [NOT_CHOOSABLE]}
    assert AISystem.objects.get(pk=system.pk).organization == org
    # Moving with an owner of the new organisation is fine.
    response = client.patch(
        url, {"organization": other_org.pk, "owner": users.outsider.pk}, format="json"
    )
    assert response.status_code == 200, response.content


def test_api_a_part_is_checked_against_its_parents_organisation(
    org, users, officer_of_both, api_client_for
):
    action = factories.TreatmentActionFactory(risk__organization=org)
    response = api_client_for(officer_of_both).patch(
        reverse("treatmentaction-detail", args=[action.pk]),
        {"owner": users.outsider.pk},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json() == {"owner": [NOT_CHOOSABLE]}


def test_risk_criteria_approver_is_a_member_but_never_an_auditor(org, users, officer_of_both):
    current = factories.criteria_for(org)
    form = RiskCriteriaForm(organization=org, current=current)
    offered = set(form.fields["acceptance_approver"].queryset)
    assert offered == {users.admin, users.officer, users.contributor, users.viewer}
