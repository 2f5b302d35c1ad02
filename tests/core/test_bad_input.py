"""Bad input is a 400 on the field, nothing saved, never a 500 (issue 8, item 11).

Each reproduction of the report is a case here; the rules behind them are generic
(``aims.core.parsers.SafeJSONParser``, ``aims.core.api.CleanInputMixin`` and
``TrackedSerializer``, ``aims.core.forms.CleanInputFormMixin``), so the last tests check
that every serializer and form of the product carries them. Run on Postgres too: it is
the database that refuses NUL characters and enforces the check constraints.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.urls import reverse
from rest_framework import serializers

from aims.core.api import CleanInputMixin
from aims.core.forms import VERSION_FIELD, CleanInputFormMixin, SectionedFormMixin
from aims.core.models import ChangeLogEntry
from aims.core.parsers import MAX_JSON_DEPTH
from aims.inventory.models import AISystem
from controls.models import ControlImplementation
from risks.models import ActionStatus, RiskCriteria, TreatmentAction
from tests import factories
from tests.generic import form_data
from tests.risks.factories import CUSTOM_3X4

PROJECT_PACKAGES = (
    "aims",
    "controls",
    "risks",
    "readiness",
    "policies",
    "audits",
    "impact_assessments",
    "reminders",
)


def _action(org, **fields):
    return factories.TreatmentActionFactory(risk=factories.RiskFactory(organization=org), **fields)


def _changes() -> int:
    return ChangeLogEntry.objects.count()


# --- A done treatment action without a completion date (a database check) -------------------


@pytest.mark.parametrize("method", ["put", "patch"])
def test_api_refuses_a_done_action_without_a_date_on_update(method, org, users, api_client_for):
    action = _action(org)
    client = api_client_for(users.officer)
    before = _changes()
    payload = {"status": "done", "completed_on": None}
    if method == "put":
        payload |= {"risk": action.risk_id, "title": action.title}
    response = getattr(client, method)(
        f"/api/v1/treatment-actions/{action.pk}/", payload, format="json"
    )
    assert response.status_code == 400, response.content
    assert "completed_on" in response.json()
    action.refresh_from_db()
    assert (action.status, action.completed_on, action.version) == (ActionStatus.PLANNED, None, 1)
    assert _changes() == before


def test_api_refuses_a_done_action_without_a_date_on_create(org, users, api_client_for):
    risk = factories.RiskFactory(organization=org)
    response = api_client_for(users.officer).post(
        "/api/v1/treatment-actions/",
        {"risk": risk.pk, "title": "Retrain", "status": "done", "completed_on": None},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "completed_on" in response.json()
    assert not TreatmentAction.objects.exists()


def test_api_clears_the_completion_date_of_an_action_reopened(org, users, api_client_for):
    """What the model's clean() sets is saved through the API too, as through a form."""
    action = _action(org, status=ActionStatus.DONE, completed_on="2026-01-05")
    response = api_client_for(users.officer).patch(
        f"/api/v1/treatment-actions/{action.pk}/", {"status": "in_progress"}, format="json"
    )
    assert response.status_code == 200, response.content
    action.refresh_from_db()
    assert (action.status, action.completed_on) == (ActionStatus.IN_PROGRESS, None)


def test_form_refuses_a_done_action_without_a_date(org, users, client_for):
    action = _action(org)
    url = reverse("risks:action_edit", kwargs={"org": org.slug, "pk": action.pk})
    form_class = type(client_for(users.officer).get(url).context["form"])
    data = form_data(form_class, action, _ctx(org, users), users.officer, {"status": "done"})
    data.pop("completed_on", None)
    response = client_for(users.officer).post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["completed_on"]
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED


def _ctx(org, users):
    from tests.generic import Ctx

    return Ctx(org=org, other_org=None, users=users)


# --- Another control's reference on PATCH (a unique constraint) -----------------------------


def test_api_refuses_another_controls_ref_on_patch(org, users, api_client_for):
    taken = factories.ControlImplementationFactory(organization=org, ref="ORG-1")
    mine = factories.ControlImplementationFactory(organization=org, ref="ORG-2")
    client = api_client_for(users.officer)
    for method in ("patch", "put"):
        payload = {"ref": taken.ref, "title": mine.title}
        response = getattr(client, method)(
            f"/api/v1/control-implementations/{mine.pk}/", payload, format="json"
        )
        assert response.status_code == 400, response.content
        assert "ref" in response.json()
    mine.refresh_from_db()
    assert (mine.ref, mine.version) == ("ORG-2", 1)


def test_api_refuses_another_controls_ref_on_post(org, users, api_client_for):
    factories.ControlImplementationFactory(organization=org, ref="ORG-1")
    response = api_client_for(users.officer).post(
        "/api/v1/control-implementations/",
        {"organization": org.pk, "ref": "ORG-1", "title": "Copy"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "ref" in response.json()
    assert ControlImplementation.objects.filter(ref="ORG-1").count() == 1


def test_api_lets_another_organisation_reuse_a_ref(org, other_org, users, api_client_for):
    factories.ControlImplementationFactory(organization=other_org, ref="ORG-1")
    mine = factories.ControlImplementationFactory(organization=org, ref="ORG-2")
    response = api_client_for(users.officer).patch(
        f"/api/v1/control-implementations/{mine.pk}/", {"ref": "ORG-1"}, format="json"
    )
    assert response.status_code == 200, response.content


# --- A body nested 5,000 levels deep --------------------------------------------------------


@pytest.mark.parametrize("depth", [5000, MAX_JSON_DEPTH + 1])
def test_api_refuses_a_deeply_nested_body(depth, org, users, api_client_for):
    nested = "[" * depth + "]" * depth
    body = f'{{"organization": {org.pk}, "name": "Deep", "notes": {nested}}}'
    response = api_client_for(users.officer).generic(
        "POST", "/api/v1/ai-systems/", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "deep" in response.json()["detail"]


def test_api_takes_a_body_within_the_depth_limit(org, users, api_client_for):
    risk_body = {"organization": org.pk, "change_summary": "3 × 4", **CUSTOM_3X4}
    response = api_client_for(users.admin).post("/api/v1/risk-criteria/", risk_body, format="json")
    assert response.status_code == 201, response.content


# --- Infinite and huge numbers in id fields ------------------------------------------------


@pytest.mark.parametrize("number", ["1e999", "-1e999", "1e300", "99999999999999999999999999"])
def test_api_refuses_an_impossible_organisation_id(number, org, users, api_client_for):
    body = f'{{"organization": {number}, "name": "Huge"}}'
    response = api_client_for(users.officer).generic(
        "POST", "/api/v1/ai-systems/", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "organization" in response.json()


def test_api_refuses_an_infinite_number_anywhere_in_the_body(org, users, api_client_for):
    """The parser refuses it even where no serializer field would read it."""
    body = f'{{"organization": {org.pk}, "name": "Inf", "extra": [{{"weight": 1e999}}]}}'
    response = api_client_for(users.officer).generic(
        "POST", "/api/v1/ai-systems/", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "extra" in response.json()
    assert not AISystem.objects.exists()


# --- NUL characters ------------------------------------------------------------------------


def test_api_refuses_a_nul_character_inside_likelihood_levels(org, users, api_client_for):
    levels = [dict(level) for level in CUSTOM_3X4["likelihood_levels"]]
    levels[1]["description"] = "About once\x00 a year."
    payload = {
        "organization": org.pk,
        "change_summary": "NUL",
        **CUSTOM_3X4,
        "likelihood_levels": levels,
    }
    response = api_client_for(users.admin).post("/api/v1/risk-criteria/", payload, format="json")
    assert response.status_code == 400, response.content
    assert "likelihood_levels" in response.json()
    assert not RiskCriteria.objects.filter(change_summary="NUL").exists()


def test_api_refuses_a_nul_character_in_a_key_or_an_action_note(org, users, api_client_for):
    client = api_client_for(users.officer)
    bands = [{**band, "x\x00": 1} for band in CUSTOM_3X4["bands"]]
    payload = {"organization": org.pk, "change_summary": "NUL", **CUSTOM_3X4, "bands": bands}
    response = api_client_for(users.admin).post("/api/v1/risk-criteria/", payload, format="json")
    assert response.status_code == 400 and "bands" in response.json()
    draft = factories.ScopeStatementFactory(organization=org, author=users.officer)
    response = client.post(
        f"/api/v1/scope-statements/{draft.pk}/return/", {"note": "x\x00"}, format="json"
    )
    assert response.status_code == 400 and "note" in response.json()


def test_api_refuses_a_nul_character_in_a_form_encoded_body(org, users, api_client_for):
    response = api_client_for(users.officer).post(
        "/api/v1/ai-systems/",
        {"organization": org.pk, "name": "Form\x00"},
        format="multipart",
    )
    assert response.status_code == 400 and "name" in response.json()


# --- Implausible dates ---------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"])
def test_api_refuses_an_implausible_date(day, org, users, api_client_for):
    control = factories.ControlImplementationFactory(organization=org)
    response = api_client_for(users.officer).patch(
        f"/api/v1/control-implementations/{control.pk}/",
        {"next_review_date": day},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "next_review_date" in response.json()
    control.refresh_from_db()
    assert control.next_review_date is None


@pytest.mark.parametrize("day", ["1900-01-01", "2200-12-31"])
def test_api_takes_the_edges_of_the_plausible_range(day, org, users, api_client_for):
    control = factories.ControlImplementationFactory(organization=org)
    response = api_client_for(users.officer).patch(
        f"/api/v1/control-implementations/{control.pk}/",
        {"next_review_date": day},
        format="json",
    )
    assert response.status_code == 200, response.content


def test_api_refuses_an_implausible_date_outside_a_model_serializer(org, users, api_client_for):
    risk = factories.RiskFactory(organization=org, owner=users.officer)
    response = api_client_for(users.admin).post(
        f"/api/v1/risks/{risk.pk}/accept/",
        {"rationale": "Low", "expires": "9999-12-31"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "expires" in response.json()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_form_refuses_an_implausible_date(day, org, users, client_for):
    control = factories.ControlImplementationFactory(organization=org)
    url = reverse("controls:implementation_edit", kwargs={"org": org.slug, "pk": control.pk})
    client = client_for(users.officer)
    form_class = type(client.get(url).context["form"])
    data = form_data(
        form_class, control, _ctx(org, users), users.officer, {"next_review_date": day}
    )
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["next_review_date"]
    control.refresh_from_db()
    assert control.next_review_date is None and control.version == 1


def test_form_refuses_a_nul_character_in_decoded_json(org, users):
    class JsonForm(CleanInputFormMixin, forms.Form):
        payload = forms.JSONField()

    form = JsonForm({"payload": '{"a": "b\\u0000"}'})
    assert not form.is_valid() and "payload" in form.errors
    assert JsonForm({"payload": '{"a": "b"}'}).is_valid()


# --- Every serializer and form carries the rules --------------------------------------------


def _project_classes(base: type) -> list[type]:
    found = []
    for package_name in PROJECT_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if ".migrations" in info.name or info.name.endswith(("settings", "wsgi", "celery")):
                continue
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, base) and cls.__module__ == info.name:
                    found.append(cls)
    return found


def test_every_serializer_refuses_bad_input():
    found = _project_classes(serializers.BaseSerializer)
    assert len(found) > 10
    missing = [c.__qualname__ for c in found if not issubclass(c, CleanInputMixin)]
    assert not missing, f"add aims.core.api.CleanInputMixin to: {missing}"


def test_every_form_refuses_bad_input():
    found = [
        c
        for c in _project_classes(forms.BaseForm)
        if not c.__module__.endswith("filters")  # filter sets' forms read, never store
    ]
    assert len(found) > 10
    missing = [c.__qualname__ for c in found if not issubclass(c, CleanInputFormMixin)]
    assert not missing, f"add aims.core.forms.CleanInputFormMixin to: {missing}"
    assert VERSION_FIELD == "_version"


def test_every_form_shows_its_fields_in_the_shared_template():
    # core/_form_fields.html renders ``form.grouped_fields``: a form without it showed only
    # its button (the effectiveness check of a nonconformity did).
    found = [c for c in _project_classes(forms.BaseForm) if not c.__module__.endswith("filters")]
    missing = [c.__qualname__ for c in found if not issubclass(c, SectionedFormMixin)]
    assert not missing, f"add aims.core.forms.SectionedFormMixin to: {missing}"
