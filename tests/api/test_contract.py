"""The REST API contract integrations rely on (DESIGN §5)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aims.api.models import ApiToken
from aims.core.models import ChangeLogEntry
from aims.inventory.models import AISystem
from tests import factories

SYSTEMS = reverse("aisystem-list")


def _system_payload(org, **extra):
    return {
        "organization": org.pk,
        "name": "Claims triage",
        "description": "Sorts claims.",
        "purpose": "Speed.",
        "intended_use": "Handlers review every suggestion.",
        "ai_roles": ["customer"],
        "lifecycle_stage": "deployment",
        **extra,
    }


@pytest.fixture
def admin_api(users, api_client_for):
    return api_client_for(users.admin)


def test_it_paginates_with_count_next_previous_results(org, admin_api):
    for _ in range(3):
        factories.AISystemFactory(organization=org)
    body = admin_api.get(SYSTEMS, {"page_size": 2}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["previous"] is None
    second = admin_api.get(body["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    assert second["previous"] is not None


def test_it_caps_page_size_at_500(org, admin_api):
    template = factories.AISystemFactory.build(organization=org)
    AISystem.objects.bulk_create(
        [
            AISystem(
                **{
                    **{
                        f.attname: getattr(template, f.attname)
                        for f in AISystem._meta.concrete_fields
                        if f.attname != "id"
                    },
                    "name": f"System {n:03d}",
                }
            )
            for n in range(501)
        ]
    )
    body = admin_api.get(SYSTEMS, {"page_size": 10000}).json()
    assert body["count"] == 501
    assert len(body["results"]) == 500
    assert body["next"] is not None
    assert len(admin_api.get(SYSTEMS).json()["results"]) == 50  # the default
    assert len(admin_api.get(SYSTEMS, {"page_size": "lots"}).json()["results"]) == 50


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"lifecycle_stage": "sunset"}, "lifecycle_stage"),
        ({"ai_roles": ["overlord"]}, "ai_roles"),
        ({"ai_roles": []}, "ai_roles"),
        ({"eu_ai_act_role": "overlord"}, "eu_ai_act_role"),
        ({"name": ""}, "name"),
        ({"review_interval_months": 0}, "review_interval_months"),
        ({"review_interval_months": 61}, "review_interval_months"),
        (
            {"status": "retired"},
            "lifecycle_stage",
        ),  # a retired system belongs in the retirement stage
    ],
)
def test_it_answers_400_field_messages_for_bad_values(extra, field, org, admin_api):
    count = ChangeLogEntry.objects.count()
    response = admin_api.post(SYSTEMS, _system_payload(org, **extra), format="json")
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field]
    assert all(isinstance(m, str) and m for m in body[field])
    assert not AISystem.objects.exists()
    assert ChangeLogEntry.objects.count() == count


def test_it_names_a_missing_field(org, admin_api):
    payload = _system_payload(org)
    del payload["name"]
    response = admin_api.post(SYSTEMS, payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["This field is required."]}


def test_it_refuses_a_duplicate_name_within_the_organisation(
    org, other_org, users, admin_api, api_client_for
):
    factories.AISystemFactory(organization=org, name="Claims triage")
    response = admin_api.post(SYSTEMS, _system_payload(org), format="json")
    assert response.status_code == 400
    # On the field that clashes (the organisation is where it lives, not what to change).
    (messages,) = response.json().values()
    assert list(response.json()) == ["name"] and "already exists" in messages[0]
    assert AISystem.objects.filter(name="Claims triage").count() == 1
    # The same name in another organisation is fine.
    other = api_client_for(users.outsider)
    assert other.post(SYSTEMS, _system_payload(other_org), format="json").status_code == 201


def test_it_refuses_special_category_data_that_is_not_personal(org, admin_api):
    system = factories.AISystemFactory(organization=org)
    payload = {
        "ai_system": system.pk,
        "name": "Health notes",
        "purpose": "training",
        "source": "Clinic",
        "special_category_data": True,
        "contains_personal_data": False,
    }
    response = admin_api.post(reverse("aisystemdataset-list"), payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["contains_personal_data"]
    payload["contains_personal_data"] = True
    assert (
        admin_api.post(reverse("aisystemdataset-list"), payload, format="json").status_code == 201
    )


def test_it_refuses_an_update_that_breaks_a_rule_and_keeps_the_record(org, admin_api):
    system = factories.AISystemFactory(organization=org)
    response = admin_api.patch(
        reverse("aisystem-detail", args=[system.pk]), {"status": "retired"}, format="json"
    )
    assert response.status_code == 400
    system.refresh_from_db()
    assert (system.status, system.version) == ("active", 1)


def test_it_answers_401_without_credentials_and_names_the_scheme(db, api_client_for):
    response = api_client_for().get(SYSTEMS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "detail" in response.json()


def test_it_answers_404_for_a_record_out_of_reach_and_403_for_a_visible_one(
    org, users, api_client_for
):
    system = factories.AISystemFactory(organization=org)
    url = reverse("aisystem-detail", args=[system.pk])
    assert api_client_for(users.outsider).get(url).status_code == 404
    assert (
        api_client_for(users.outsider).get(reverse("aisystem-detail", args=[999999])).status_code
        == 404
    )
    response = api_client_for(users.viewer).patch(url, {"name": "x"}, format="json")
    assert response.status_code == 403
    assert "detail" in response.json()


def test_it_gives_a_read_only_token_read_access_only(org, users, api_client_for):
    client = api_client_for(users.admin, scope="read")
    system = factories.AISystemFactory(organization=org)
    assert client.get(SYSTEMS).status_code == 200
    response = client.post(SYSTEMS, _system_payload(org), format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "This token is read-only."}
    assert (
        client.patch(
            reverse("aisystem-detail", args=[system.pk]), {"name": "x"}, format="json"
        ).status_code
        == 403
    )
    assert client.delete(reverse("aisystem-detail", args=[system.pk])).status_code == 403
    assert AISystem.objects.count() == 1


def _bearer(client, raw):
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_it_refuses_an_expired_token(users, api_client_for):
    token, raw = factories.api_token(users.admin)
    factories.expired(token)
    response = _bearer(api_client_for(), raw).get(SYSTEMS)
    assert response.status_code == 401
    assert response.json()["detail"] == "This token has expired."


def test_it_refuses_a_revoked_token(users, api_client_for):
    from aims.api.services import api_token_revoke

    token, raw = factories.api_token(users.admin)
    client = _bearer(api_client_for(), raw)
    assert client.get(SYSTEMS).status_code == 200
    api_token_revoke(token=token, user=users.admin)
    response = client.get(SYSTEMS)
    assert response.status_code == 401
    assert response.json()["detail"] == "This token was revoked."


@pytest.mark.parametrize(
    "header", ["Bearer aims_nothing_here", "Bearer not-ours", "Bearer a b", "Bearer"]
)
def test_it_refuses_unknown_or_malformed_tokens(header, db, api_client_for):
    client = api_client_for()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get(SYSTEMS).status_code == 401


def test_it_refuses_a_token_of_a_deactivated_user(users, api_client_for):
    _, raw = factories.api_token(users.viewer)
    users.viewer.is_active = False
    users.viewer.save()
    assert _bearer(api_client_for(), raw).get(SYSTEMS).status_code == 401


def test_it_stores_tokens_hashed_only(users, api_client_for):
    token, raw = factories.api_token(users.admin)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in str(stored)
    assert stored["key_hash"] != raw and len(stored["key_hash"]) == 64
    assert raw.split("_")[1] == stored["key_prefix"]
    assert not any(raw in str(row.after) for row in ChangeLogEntry.objects.all())
    _bearer(api_client_for(), raw).get(SYSTEMS)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_it_caps_token_lifetime(users, client_for, settings):
    response = client_for(users.admin).post(
        reverse("api_tokens"),
        {"name": "Forever", "scope": "write", "expires_in_days": settings.API_TOKEN_MAX_DAYS + 1},
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
    token, _ = factories.api_token(users.admin, expires_in_days=30)
    assert token.expires_at - timezone.now() < datetime.timedelta(days=30, minutes=1)


def test_it_serves_the_schema_and_the_docs(db, client_for, users):
    response = client_for().get("/api/schema/")
    assert response.status_code == 200
    schema = response.content.decode()
    assert schema.startswith("openapi: 3")
    for path in (
        "/api/v1/ai-systems/",
        "/api/v1/requirements/",
        "/api/v1/scope-statements/{id}/approve/",
    ):
        assert path in schema
    assert "bearerAuth" in schema
    assert (
        client_for().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").status_code
        == 200
    )
    assert client_for().get("/api/docs/").status_code == 200


def test_it_generates_the_schema_without_warnings(db):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache, list(GENERATOR_STATS._warn_cache)
    assert not GENERATOR_STATS._error_cache, list(GENERATOR_STATS._error_cache)


def test_it_filters_requirements(catalog, admin_api):
    url = reverse("requirement-list")
    body = admin_api.get(url, {"framework": "iso42001", "kind": "control", "page_size": 100}).json()
    assert body["count"] == 38
    assert {row["framework"] for row in body["results"]} == {"iso42001"}
    assert all(row["ref"].startswith("A.") for row in body["results"])
    body = admin_api.get(url, {"ref": "A.6.2.4"}).json()
    assert body["count"] == 1
    (row,) = body["results"]
    assert (row["ref"], row["kind"], row["framework"], row["parent"]) == (
        "A.6.2.4",
        "control",
        "iso42001",
        "A.6.2",
    )
    assert row["title"]
    assert (
        admin_api.get(url, {"framework": "nist-ai-rmf", "kind": "subcategory"}).json()["count"]
        == 72
    )
    assert admin_api.get(url, {"framework": "nowhere"}).status_code == 400


def test_it_filters_organisation_records_by_organisation(org, other_org, users, api_client_for):
    factories.MembershipFactory(organization=other_org, user=users.admin, role="viewer")
    mine = factories.AISystemFactory(organization=org)
    theirs = factories.AISystemFactory(organization=other_org)
    client = api_client_for(users.admin)
    assert {r["id"] for r in client.get(SYSTEMS).json()["results"]} == {mine.pk, theirs.pk}
    assert [r["id"] for r in client.get(SYSTEMS, {"organization": org.pk}).json()["results"]] == [
        mine.pk
    ]
    assert [
        r["id"] for r in client.get(SYSTEMS, {"organization": other_org.pk}).json()["results"]
    ] == [theirs.pk]


def test_it_echoes_a_well_formed_request_id(users, api_client_for, org):
    client = api_client_for(users.admin)
    response = client.post(
        SYSTEMS, _system_payload(org), format="json", HTTP_X_REQUEST_ID="ticket-123"
    )
    assert response["X-Request-ID"] == "ticket-123"
    assert (
        ChangeLogEntry.objects.filter(
            request_id="ticket-123", content_type__model="aisystem"
        ).count()
        == 1
    )
    response = client.get(SYSTEMS, HTTP_X_REQUEST_ID="bad id; drop table")
    assert response["X-Request-ID"] != "bad id; drop table"
    assert len(response["X-Request-ID"]) == 32
