"""The process and role registers: starter roles, reporting lines without circles, links
within the organisation, record types from the list; bad input changes nothing."""

from __future__ import annotations

from django.urls import reverse

from policies.models import AIMSProcess, AIMSRole
from policies.services.roles import STARTER_ROLES, role_adopt_starters
from tests.policies.roles_helpers import make_process, make_role


def test_starter_roles_are_added_once_and_report_to_the_aims_owner(org, users, client_for):
    make_role(org, name="Data steward", responsibilities="Ours already.")
    added = role_adopt_starters(organization=org, actor=users.officer)
    assert {r.name for r in added} == {s["name"] for s in STARTER_ROLES} - {"Data steward"}
    assert AIMSRole.objects.get(name="Data steward").responsibilities == "Ours already."
    assert AIMSRole.objects.get(name="AI risk owner").reports_to.name == "AIMS owner"
    assert role_adopt_starters(organization=org, actor=users.officer) == []
    response = client_for(users.officer).post(
        reverse("policies:role_starters", kwargs={"org": org.slug})
    )
    assert response.status_code == 302
    assert AIMSRole.objects.filter(organization=org).count() == len(STARTER_ROLES)
    viewer = client_for(users.viewer).post(
        reverse("policies:role_starters", kwargs={"org": org.slug})
    )
    assert viewer.status_code == 403


def test_a_reporting_circle_is_refused(org, users, api_client_for):
    top = make_role(org, name="Top")
    middle = make_role(org, name="Middle", reports_to=top)
    response = api_client_for(users.officer).patch(
        reverse("aimsrole-detail", args=[top.pk]), {"reports_to": middle.pk}, format="json"
    )
    assert response.status_code == 400
    assert "circle" in response.json()["reports_to"][0]
    top.refresh_from_db()
    assert top.reports_to is None
    itself = api_client_for(users.officer).patch(
        reverse("aimsrole-detail", args=[top.pk]), {"reports_to": top.pk}, format="json"
    )
    assert itself.status_code == 400


def test_a_process_links_only_processes_of_its_organisation(org, other_org, users, api_client_for):
    from tests import factories

    factories.MembershipFactory(organization=other_org, user=users.officer, role="officer")
    process = make_process(org)
    foreign = make_process(other_org)
    client = api_client_for(users.officer)
    url = reverse("aimsprocess-detail", args=[process.pk])
    response = client.patch(url, {"interacts_with": [foreign.pk]}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["interacts_with"]
    response = client.patch(url, {"interacts_with": [process.pk]}, format="json")
    assert response.status_code == 400
    assert not process.interacts_with.exists()


def test_an_unknown_record_type_is_refused(org, users, api_client_for, client_for):
    response = api_client_for(users.officer).post(
        reverse("aimsprocess-list"),
        {"organization": org.pk, "name": "X", "purpose": "Y", "record_types": ["spreadsheets"]},
        format="json",
    )
    assert response.status_code == 400 and "record_types" in response.json()
    page = client_for(users.officer).post(
        reverse("policies:process_add", kwargs={"org": org.slug}),
        {"name": "X", "purpose": "Y", "record_types": ["spreadsheets"]},
    )
    assert page.status_code == 400
    assert not AIMSProcess.objects.exists()


def test_a_duplicate_process_name_gets_a_message(org, users, api_client_for):
    make_process(org, name="Internal audit")
    response = api_client_for(users.officer).post(
        reverse("aimsprocess-list"),
        {"organization": org.pk, "name": "Internal audit", "purpose": "Again."},
        format="json",
    )
    assert response.status_code == 400
    assert "already recorded" in str(response.json())
    assert AIMSProcess.objects.count() == 1


def test_the_process_page_links_the_records_it_produces(org, users, client_for):
    process = make_process(org, record_types=["risk_register", "policies"])
    page = client_for(users.viewer).get(process.get_absolute_url())
    records = dict(page.context["records"])
    assert records["Risk register and treatment plans"] == reverse(
        "risks:risk_list", kwargs={"org": org.slug}
    )
    assert "Policies and procedures" in records  # linked once its register exists
