"""An organisation holds a set of ISO/IEC 22989 roles for a system, and an EU AI Act role
of its own: in the model, the form, the API, the one filter set, the detail page, the
export and the data migration from the old single role."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from aims.core.jobs import JobContext
from aims.core.models import Job
from aims.inventory.filters import AISystemFilterSet
from aims.inventory.forms import AISystemForm
from aims.inventory.models import AISystem
from aims.inventory.services import inventory_export_run
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_system_holds_several_roles_in_one_order_without_repeats(org):
    system = factories.AISystemFactory(organization=org)
    system.ai_roles = ["provider", "developer", "provider"]
    system.full_clean()
    assert system.ai_roles == ["provider", "developer"]
    assert system.get_ai_roles_display() == ["AI provider", "AI developer"]


@pytest.mark.parametrize(
    "roles",
    [[], ["deployer"], ["overlord"], "provider", [["provider"]], None],
)
def test_the_roles_are_a_non_empty_list_of_iso_roles(org, roles):
    system = factories.AISystemFactory(organization=org)
    system.ai_roles = roles
    with pytest.raises(ValidationError) as caught:
        system.full_clean()
    assert "ai_roles" in caught.value.message_dict


def test_the_form_offers_checkboxes_and_saves_two_roles(org, users):
    form = AISystemForm(organization=org, user=users.officer)
    html = str(form["ai_roles"])
    assert 'type="checkbox"' in html
    assert 'value="deployer"' not in html  # the EU AI Act's term is not an ISO role
    assert 'value="deployer"' in str(form["eu_ai_act_role"])
    data = {
        "name": "Fraud model",
        "description": "Flags transactions.",
        "purpose": "Stop fraud.",
        "intended_use": "Analysts check every flag.",
        "ai_roles": ["developer", "provider"],
        "eu_ai_act_role": "provider",
        "lifecycle_stage": "deployment",
        "status": "active",
        "eu_ai_act_tier": "minimal",
        "review_interval_months": 12,
    }
    form = AISystemForm(data=data, organization=org, user=users.officer)
    assert form.is_valid(), form.errors
    form.instance.organization = org
    system = form.save()
    assert (system.ai_roles, system.eu_ai_act_role) == (["provider", "developer"], "provider")
    form = AISystemForm(data={**data, "ai_roles": []}, organization=org, user=users.officer)
    assert not form.is_valid()
    assert "ai_roles" in form.errors


def _systems(org):
    both = factories.AISystemFactory(
        organization=org,
        name="Built and sold",
        ai_roles=["provider", "developer"],
        eu_ai_act_role="",
    )
    built = factories.AISystemFactory(
        organization=org, name="Built", ai_roles=["developer"], eu_ai_act_role=""
    )
    bought = factories.AISystemFactory(
        organization=org, name="Bought", ai_roles=["customer"], eu_ai_act_role="deployer"
    )
    return both, built, bought


def test_one_filter_set_finds_the_systems_holding_a_role(org):
    both, built, bought = _systems(org)

    def found(**params):
        return set(AISystemFilterSet(params, queryset=AISystem.objects.all()).qs)

    assert found(ai_role="developer") == {both, built}
    assert found(ai_role="provider") == {both}
    assert found(ai_role="customer") == {bought}
    assert found(eu_ai_act_role="deployer") == {bought}
    assert not AISystemFilterSet(
        {"ai_role": "deployer"}, queryset=AISystem.objects.all()
    ).is_valid()


def test_the_api_reads_and_writes_a_list_and_filters_by_role(org, users, api_client_for):
    both, built, _bought = _systems(org)
    api = api_client_for(users.officer)
    listed = api.get(reverse("aisystem-list"), {"organization": org.pk, "ai_role": "developer"})
    assert listed.status_code == 200
    body = {row["name"]: row for row in listed.json()["results"]}
    assert set(body) == {both.name, built.name}
    assert body[both.name]["ai_roles"] == ["provider", "developer"]
    assert body[both.name]["eu_ai_act_role"] == ""
    payload = {
        "organization": org.pk,
        "name": "Claims triage",
        "description": "Sorts claims.",
        "purpose": "Speed.",
        "intended_use": "Handlers review.",
        "lifecycle_stage": "deployment",
    }
    # An old client sending the single role is told what is missing, and nothing is saved.
    old = api.post(reverse("aisystem-list"), {**payload, "ai_role": "deployer"}, format="json")
    assert old.status_code == 400
    assert list(old.json()) == ["ai_roles"]
    new = api.post(
        reverse("aisystem-list"),
        {**payload, "ai_roles": ["customer", "partner"], "eu_ai_act_role": "deployer"},
        format="json",
    )
    assert new.status_code == 201, new.json()
    assert new.json()["ai_roles"] == ["customer", "partner"]


def test_the_detail_page_and_the_list_show_every_role(org, users, client):
    both, _built, bought = _systems(org)
    client.force_login(users.viewer)
    detail = client.get(both.get_absolute_url()).content.decode()
    assert "AI provider, AI developer" in detail
    assert "Not determined" in detail
    assert "Deployer" in client.get(bought.get_absolute_url()).content.decode()
    listing = client.get(reverse("inventory:aisystem_list", kwargs={"org": org.slug}))
    assert "AI provider, AI developer" in listing.content.decode()


def test_the_export_lists_the_roles_and_the_eu_ai_act_role(org, users):
    _systems(org)
    job = Job.objects.create(kind="inventory_export", organization=org, created_by=users.officer)
    inventory_export_run(job, JobContext(job))
    job.refresh_from_db()
    rows = list(csv.DictReader(io.StringIO(job.result_file.read().decode("utf-8-sig"))))
    by_name = {row["Name"]: row for row in rows}
    assert by_name["Built and sold"]["Our AI roles"] == "AI provider, AI developer"
    assert by_name["Bought"]["EU AI Act role"] == "Deployer"
    assert "Our AI role" not in rows[0]


BEFORE = [("inventory", "0004_ai_roles_add")]
OLD = [("inventory", "0003_review_interval_range")]
AFTER = [("inventory", "0006_remove_aisystem_ai_role")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_old_single_role_moves_to_the_set_and_deployer_to_the_eu_ai_act_role(org):
    deployer = factories.AISystemFactory(organization=org, name="Deployed")
    developer = factories.AISystemFactory(organization=org, name="Developed")
    try:
        old = _migrate(OLD)
        OldSystem = old.get_model("inventory", "AISystem")
        OldSystem.objects.filter(pk=deployer.pk).update(ai_role="deployer")
        OldSystem.objects.filter(pk=developer.pk).update(ai_role="developer")
        new = _migrate(AFTER)
        NewSystem = new.get_model("inventory", "AISystem")
        moved = {s.pk: (s.ai_roles, s.eu_ai_act_role) for s in NewSystem.objects.all()}
        assert moved[deployer.pk] == (["customer"], "deployer")
        assert moved[developer.pk] == (["developer"], "")
        # And back: a deployer stays a deployer, the others keep their first role.
        back = _migrate(OLD).get_model("inventory", "AISystem")
        assert dict(back.objects.values_list("pk", "ai_role")) == {
            deployer.pk: "deployer",
            developer.pk: "developer",
        }
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
