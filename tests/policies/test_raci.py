"""The RACI matrix: one accountable role per process (refused twice, flagged when none), the
matrix saved all or nothing, officers only, and never over someone else's changes."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from policies.models import RACIAssignment
from policies.services.roles import raci_matrix, raci_save
from tests.policies.roles_helpers import make_process, make_role


@pytest.fixture
def grid(org):
    process = make_process(org, name="Risk assessment")
    owner, risk_owner = make_role(org, name="AIMS owner"), make_role(org, name="AI risk owner")
    return process, owner, risk_owner


def _url(org):
    return reverse("policies:raci", kwargs={"org": org.slug})


def test_it_refuses_a_second_accountable_role_in_the_database(org, grid):
    process, owner, risk_owner = grid
    RACIAssignment.objects.create(organization=org, process=process, role=owner, responsibility="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        RACIAssignment.objects.create(
            organization=org, process=process, role=risk_owner, responsibility="A"
        )


def test_the_api_refuses_a_second_accountable_with_a_message(org, users, grid, api_client_for):
    process, owner, risk_owner = grid
    client = api_client_for(users.officer)
    url = reverse("raciassignment-list")
    first = {"organization": org.pk, "process": process.pk, "role": owner.pk}
    assert client.post(url, {**first, "responsibility": "A"}, format="json").status_code == 201
    second = {**first, "role": risk_owner.pk, "responsibility": "A"}
    response = client.post(url, second, format="json")
    assert response.status_code == 400
    assert "exactly one" in str(response.json())
    assert RACIAssignment.objects.count() == 1


def test_the_matrix_flags_a_process_without_accountable(org, users, grid, client_for):
    process, owner, _risk_owner = grid
    RACIAssignment.objects.create(organization=org, process=process, role=owner, responsibility="R")
    page = client_for(users.viewer).get(_url(org))
    assert page.status_code == 200
    assert [p.pk for p in page.context["without_accountable"]] == [process.pk]
    assert "1 process has no accountable role" in page.content.decode()


def test_saving_the_matrix_writes_letters_and_moves_the_accountable(org, users, grid):
    process, owner, risk_owner = grid
    RACIAssignment.objects.create(organization=org, process=process, role=owner, responsibility="A")
    matrix = raci_matrix(organization=org, user=users.officer)
    changed = raci_save(
        organization=org,
        actor=users.officer,
        letters={(process.pk, owner.pk): "C", (process.pk, risk_owner.pk): "a"},
        fingerprint=matrix.fingerprint,
    )
    assert changed == 2
    letters = dict(RACIAssignment.objects.values_list("role__name", "responsibility"))
    assert letters == {"AIMS owner": "C", "AI risk owner": "A"}


def test_two_accountable_roles_in_the_form_save_nothing(org, users, grid, client_for):
    process, owner, risk_owner = grid
    client = client_for(users.officer)
    page = client.get(_url(org))
    data = {
        "fingerprint": page.context["matrix"].fingerprint,
        f"cell-{process.pk}-{owner.pk}": "A",
        f"cell-{process.pk}-{risk_owner.pk}": "A",
    }
    response = client.post(_url(org), data)
    assert response.status_code == 400
    assert "“Risk assessment” has 2 accountable roles" in response.content.decode()
    assert not RACIAssignment.objects.exists()


def test_an_unknown_letter_saves_nothing(org, users, grid):
    process, owner, risk_owner = grid
    matrix = raci_matrix(organization=org, user=users.officer)
    with pytest.raises(ValidationError) as refused:
        raci_save(
            organization=org,
            actor=users.officer,
            letters={(process.pk, owner.pk): "R", (process.pk, risk_owner.pk): "X"},
            fingerprint=matrix.fingerprint,
        )
    assert "“X” is not a RACI letter" in refused.value.messages[0]
    assert not RACIAssignment.objects.exists()


def test_a_matrix_changed_meanwhile_is_refused(org, users, grid, client_for):
    process, owner, _risk_owner = grid
    client = client_for(users.officer)
    fingerprint = client.get(_url(org)).context["matrix"].fingerprint
    RACIAssignment.objects.create(organization=org, process=process, role=owner, responsibility="I")
    response = client.post(
        _url(org), {"fingerprint": fingerprint, f"cell-{process.pk}-{owner.pk}": "R"}
    )
    assert response.status_code == 409
    assert "Someone else changed the RACI matrix" in response.content.decode()
    assert RACIAssignment.objects.get().responsibility == "I"


@pytest.mark.parametrize("role", ["contributor", "viewer", "auditor"])
def test_only_officers_change_the_matrix(org, users, grid, client_for, role):
    process, owner, _risk_owner = grid
    client = client_for(getattr(users, role))
    response = client.post(_url(org), {"fingerprint": "", f"cell-{process.pk}-{owner.pk}": "A"})
    assert response.status_code == 403
    assert not RACIAssignment.objects.exists()
    with pytest.raises(PermissionDenied):
        raci_save(
            organization=org,
            actor=getattr(users, role),
            letters={(process.pk, owner.pk): "A"},
            fingerprint="",
        )
