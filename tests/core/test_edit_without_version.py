"""An edit form posted without its hidden ``_version`` is refused, not saved unchecked
(issue 8, item 13): the stale-edit check cannot run without it."""

from __future__ import annotations

from django.urls import reverse

from aims.core.forms import VERSION_FIELD
from aims.inventory.forms import AISystemForm
from tests import factories
from tests.generic import Ctx, form_data


def _edit(org, system):
    return reverse("inventory:aisystem_edit", kwargs={"org": org.slug, "pk": system.pk})


def _data(org, users, system, **changes):
    ctx = Ctx(org=org, other_org=None, users=users)
    return form_data(AISystemForm, system, ctx, users.officer, changes)


def test_it_refuses_an_edit_without_the_version(org, users, client_for):
    system = factories.AISystemFactory(organization=org, name="Ranker")
    data = _data(org, users, system, name="Renamed")
    del data[VERSION_FIELD]
    response = client_for(users.officer).post(_edit(org, system), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert any("reload" in error.lower() for error in form.non_field_errors())
    assert form["name"].value() == "Renamed"  # what was typed is kept
    system.refresh_from_db()
    assert (system.name, system.version) == ("Ranker", 1)


def test_it_refuses_an_edit_with_an_empty_version(org, users, client_for):
    system = factories.AISystemFactory(organization=org, name="Ranker")
    data = _data(org, users, system, name="Renamed") | {VERSION_FIELD: ""}
    response = client_for(users.officer).post(_edit(org, system), data)
    assert response.status_code == 400
    system.refresh_from_db()
    assert system.name == "Ranker"


def test_it_saves_an_edit_with_the_current_version(org, users, client_for):
    system = factories.AISystemFactory(organization=org, name="Ranker")
    data = _data(org, users, system, name="Renamed")
    assert data[VERSION_FIELD] == system.version
    response = client_for(users.officer).post(_edit(org, system), data)
    assert response.status_code == 302
    system.refresh_from_db()
    assert (system.name, system.version) == ("Renamed", 2)


def test_a_new_record_needs_no_version(org, users, client_for):
    new = factories.AISystemFactory.build(organization=org, name="New system")
    data = _data(org, users, new)
    assert VERSION_FIELD not in data
    url = reverse("inventory:aisystem_add", kwargs={"org": org.slug})
    response = client_for(users.officer).post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
