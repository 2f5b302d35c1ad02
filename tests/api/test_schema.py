"""The OpenAPI schema says what the API really answers (issue 8 item 15).

The broad check is the fuzz run (tests/contract, ``make fuzz``); these pin the findings it
made: nullable fields, the documented error answers and their format, and the clause-status
PATCH answer."""

from __future__ import annotations

import warnings

import jsonschema
import pytest
from django.core.paginator import UnorderedObjectListWarning
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from aims.core.schema import error_codes
from tests import factories


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _props(schema: dict, component: str) -> dict:
    return schema["components"]["schemas"][component]["properties"]


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("ControlImplementation", "requirement"),
        ("EvidenceItem", "current_file"),
        ("EvidenceItem", "sha256"),
        ("EvidenceItem", "size"),
        ("EvidenceItem", "content_type"),
        ("EvidenceItem", "original_name"),
        ("Requirement", "parent"),
    ],
)
def test_fields_that_can_be_null_are_nullable(schema, component, field):
    assert _props(schema, component)[field].get("nullable") is True


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_documents_its_error_answers(schema):
    operations = list(_operations(schema))
    assert len(operations) > 100
    for path, method, operation in operations:
        responses = operation["responses"]
        assert {"401", "403"} <= set(responses), (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
        if method in {"post", "put", "patch", "delete"}:
            # Also a body-less workflow action or a delete: refused in this state.
            assert {"400", "409"} <= set(responses), (method, path)
        if method in {"put", "patch", "delete"} and "{" in path:
            assert "412" in responses, (method, path)


def test_error_answers_use_the_project_error_format(schema):
    patch = schema["paths"]["/api/v1/ai-systems/{id}/"]["patch"]["responses"]
    assert patch["400"]["content"]["application/json"]["schema"] == {
        "anyOf": [
            {"$ref": "#/components/schemas/ValidationError"},
            {"$ref": "#/components/schemas/ErrorDetail"},
        ]
    }
    assert patch["412"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorDetail"
    }
    components = schema["components"]["schemas"]
    assert components["ErrorDetail"]["required"] == ["detail"]
    assert "additionalProperties" in components["ValidationError"]


def test_a_list_without_parameters_documents_no_400_or_404():
    assert error_codes("get", {"parameters": []}) == ["401", "403"]


def test_428_and_429_are_documented_only_where_the_view_gives_them(schema):
    class Throttled:
        throttle_classes = [object]
        precondition_required = True

    one = {"parameters": [{"in": "path", "name": "id"}], "requestBody": {}}
    assert error_codes("patch", one, Throttled) == [
        "400",
        "401",
        "403",
        "404",
        "409",
        "412",
        "415",
        "428",
        "429",
        "503",
    ]
    assert "428" not in error_codes("post", {"parameters": []}, Throttled)
    documented = {code for _p, _m, op in _operations(schema) for code in op["responses"]}
    assert documented.isdisjoint({"428", "429"})  # no view is throttled or needs If-Match


@pytest.fixture
def officer_api(users, api_client_for):
    return api_client_for(users.officer)


def test_clause_status_patch_answers_with_its_evidence_count(org, officer_api):
    clause = factories.ClauseStatusFactory(organization=org)
    url = reverse("clausestatus-detail", args=[clause.pk])
    shown = officer_api.get(url).json()
    response = officer_api.patch(url, {"notes": "Reviewed."}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["evidence_count"] == shown["evidence_count"] == 0
    assert set(body) == set(shown)


def test_a_refusal_without_a_field_uses_non_field_errors(org, users, officer_api):
    version = factories.SoAVersionFactory(organization=org, author=users.officer)
    type(version).objects.filter(pk=version.pk).update(
        status="approved", approved_by=users.admin, approved_at=timezone.now()
    )
    url = reverse("soaversion-detail", args=[version.pk])
    response = officer_api.patch(url, {"change_summary": "x"}, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert isinstance(body, dict)
    assert "non_field_errors" in body


def _validate(schema: dict, response_schema: dict, body) -> None:
    jsonschema.validate(
        body,
        {**response_schema, "components": schema["components"]},
        cls=jsonschema.Draft7Validator,
    )


def test_a_duplicate_upload_answers_409_as_documented(schema, org, users, api_client_for):
    from tests.evidence.factories import pdf_bytes, upload

    content = pdf_bytes("documented 409")
    client = api_client_for(users.officer)
    url = reverse("evidenceitem-list")
    payload = {"organization": org.pk, "title": "First", "kind": "file"}
    assert (
        client.post(
            url, {**payload, "file": upload("a.pdf", content)}, format="multipart"
        ).status_code
        == 201
    )
    response = client.post(url, {**payload, "file": upload("b.pdf", content)}, format="multipart")
    assert response.status_code == 409
    documented = schema["paths"]["/api/v1/evidence/"]["post"]["responses"]["409"]
    _validate(schema, documented["content"]["application/json"]["schema"], response.json())


@pytest.mark.parametrize(
    "until",
    [
        "0356-12-24T10:02:21+23:03",  # an offset Postgres refuses
        "0001-01-01T00:00:00+05:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-05:00",  # after year 9999 in UTC
    ],
)
def test_a_change_log_filter_outside_the_calendar_is_a_400_not_a_500(officer_api, until):
    response = officer_api.get(reverse("changelogentry-list"), {"until": until})
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert "until" in response.json()


def test_a_change_log_filter_with_an_offset_means_that_moment(org, officer_api):
    response = officer_api.get(
        reverse("changelogentry-list"), {"since": "2020-01-01T12:00:00+14:00"}
    )
    assert response.status_code == 200


def test_a_sort_that_names_no_field_still_pages_in_a_stable_order(org, officer_api):
    systems = [factories.AISystemFactory(organization=org) for _ in range(3)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        response = officer_api.get(reverse("aisystem-list"), {"ordering": ","})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [s.pk for s in systems]
