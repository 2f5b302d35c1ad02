"""The auditor access log: what auditors opened, downloaded and called, per engagement."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from aims.core.permissions import forget_roles
from engagements import middleware
from engagements.models import AuditorAccess
from tests import factories
from tests.evidence.factories import EvidenceFileFactory, pdf_bytes

LOG = "engagement_access:access_log"


@pytest.fixture
def evidence(org):
    return EvidenceFileFactory(
        item__organization=org, item__title="Model card", content=pdf_bytes("card")
    )


@pytest.fixture
def audit(org, users):
    return factories.engage(org, users.auditor, whole_aims=True, name="Stage 1 audit")


def detail(org, evidence):
    return reverse("evidence:evidence_detail", kwargs={"org": org.slug, "pk": evidence.item.pk})


def download(org, evidence):
    return reverse("evidence:evidence_download", kwargs={"org": org.slug, "pk": evidence.pk})


def test_it_records_an_auditors_page_view_for_the_engagement(
    org, users, audit, evidence, client_for
):
    response = client_for(users.auditor).get(detail(org, evidence))
    assert response.status_code == 200
    row = AuditorAccess.objects.get()
    assert (row.organization_id, row.engagement_id, row.user_id) == (
        org.pk,
        audit.pk,
        users.auditor.pk,
    )
    assert row.engagement_name == "Stage 1 audit"
    assert (row.kind, row.method, row.status) == ("page", "GET", 200)
    assert row.path == detail(org, evidence)
    assert row.object_label == f"evidence.evidenceitem:{evidence.item.pk}"
    assert row.request_id == response["X-Request-ID"]
    assert row.user_label == users.auditor.email


def test_it_records_an_evidence_download(org, users, audit, evidence, client_for):
    response = client_for(users.auditor).get(download(org, evidence))
    assert response.status_code == 200
    row = AuditorAccess.objects.get()
    assert (row.kind, row.engagement_id) == ("download", audit.pk)
    assert row.object_label == f"evidence.evidencefile:{evidence.pk}"


def test_it_records_one_row_per_open_engagement(org, users, audit, evidence, client_for):
    second = factories.engage(org, users.auditor, whole_aims=True, name="Stage 2 audit")
    factories.engage(org, users.auditor, name="Closed", starts_in_days=-30, ends_in_days=-2)
    client_for(users.auditor).get(detail(org, evidence))
    assert set(AuditorAccess.objects.values_list("engagement_id", flat=True)) == {
        audit.pk,
        second.pk,
    }


def test_it_records_what_was_refused_too(org, users, evidence, client_for):
    """A record outside the engagement's scope is a 404, and the attempt is on the log."""
    audit = factories.engage(
        org, users.auditor, systems=[factories.AISystemFactory(organization=org)]
    )
    client_for(users.auditor).get(detail(org, evidence))
    row = AuditorAccess.objects.get()
    assert (row.engagement_id, row.status) == (audit.pk, 404)


def test_an_auditor_with_no_open_engagement_is_not_logged(org, users, evidence, client_for):
    factories.engage(org, users.auditor, name="Over", starts_in_days=-30, ends_in_days=-2)
    client_for(users.auditor).get(detail(org, evidence))
    assert not AuditorAccess.objects.exists()


@pytest.mark.parametrize("role", ["admin", "officer", "contributor", "viewer"])
def test_the_organisations_people_are_not_logged(role, org, users, audit, evidence, client_for):
    client = client_for(users[role])
    assert client.get(detail(org, evidence)).status_code == 200
    assert client.get(download(org, evidence)).status_code == 200
    assert not AuditorAccess.objects.exists()


def test_an_auditor_elsewhere_is_not_logged_as_an_officer_here(
    org, other_org, users, evidence, client_for
):
    """Role in the organisation viewed decides: the auditor of another organisation who is
    an officer here reads this one unlogged."""
    officer = users.officer
    factories.MembershipFactory(organization=other_org, user=officer, role="auditor")
    factories.engage(other_org, officer, whole_aims=True)
    client_for(officer).get(detail(org, evidence))
    assert not AuditorAccess.objects.exists()


def test_it_records_an_auditors_api_call(org, users, audit, evidence, api_client_for):
    api = api_client_for(users.auditor, scope="read")
    url = reverse("evidenceitem-detail", args=[evidence.item.pk])
    assert api.get(url).status_code == 200
    row = AuditorAccess.objects.get()
    assert (row.kind, row.engagement_id, row.organization_id) == ("api", audit.pk, org.pk)
    assert row.object_label == f"evidence.evidenceitem:{evidence.item.pk}"


def test_an_api_call_naming_another_organisation_is_not_logged_here(
    org, other_org, users, audit, api_client_for
):
    api = api_client_for(users.auditor, scope="read")
    api.get(reverse("evidenceitem-list"), {"organization": other_org.pk})
    assert not AuditorAccess.objects.exists()
    api.get(reverse("evidenceitem-list"), {"organization": org.pk})
    assert AuditorAccess.objects.count() == 1


# ==== The officer's list and the API ======================================================


def test_the_officer_lists_the_log_and_filters_it(org, users, audit, evidence, client_for):
    auditor = client_for(users.auditor)
    auditor.get(detail(org, evidence))
    auditor.get(download(org, evidence))
    officer = client_for(users.officer)
    url = reverse(LOG, kwargs={"org": org.slug})
    response = officer.get(url)
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 2
    assert "Stage 1 audit" in response.content.decode()
    downloads = officer.get(url, {"kind": "download"}).context["page_obj"].object_list
    assert [row.kind for row in downloads] == ["download"]
    today = timezone.localdate()
    assert len(officer.get(url, {"engagement": audit.pk, "since": today}).context["page_obj"]) == 2
    tomorrow = today + datetime.timedelta(days=1)
    assert not officer.get(url, {"since": tomorrow}).context["page_obj"].object_list
    assert not AuditorAccess.objects.filter(path=url).exists()  # the officer is not logged


def test_an_auditor_cannot_read_the_log(org, users, audit, evidence, client_for, api_client_for):
    client_for(users.auditor).get(detail(org, evidence))
    response = client_for(users.auditor).get(reverse(LOG, kwargs={"org": org.slug}))
    assert response.status_code == 403
    api = api_client_for(users.auditor, scope="read")
    row = AuditorAccess.objects.order_by("pk").first()
    assert api.get(reverse("auditoraccess-list")).json()["count"] == 0
    assert api.get(reverse("auditoraccess-detail", args=[row.pk])).status_code == 404


def test_the_api_is_read_only(org, users, audit, evidence, client_for, api_client_for):
    client_for(users.auditor).get(detail(org, evidence))
    row = AuditorAccess.objects.get()
    api = api_client_for(users.admin)
    listed = api.get(reverse("auditoraccess-list"), {"engagement": audit.pk}).json()
    assert [r["id"] for r in listed["results"]] == [row.pk]
    assert listed["results"][0]["kind"] == "page"
    one = reverse("auditoraccess-detail", args=[row.pk])
    assert api.post(reverse("auditoraccess-list"), {}, format="json").status_code == 405
    assert api.put(one, {"path": "/x"}, format="json").status_code == 405
    assert api.patch(one, {"path": "/x"}, format="json").status_code == 405
    assert api.delete(one).status_code == 405
    assert AuditorAccess.objects.get().path == row.path


# ==== Append-only, and never in the way ===================================================


def test_rows_cannot_be_changed_or_deleted(org, users, audit, evidence, client_for):
    client_for(users.auditor).get(detail(org, evidence))
    row = AuditorAccess.objects.get()
    with pytest.raises(PermissionError):
        AuditorAccess.objects.update(path="/x")
    with pytest.raises(PermissionError):
        AuditorAccess.objects.all().delete()
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is Postgres's")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE engagements_auditoraccess SET path = '/x'",
        "DELETE FROM engagements_auditoraccess",
    ],
)
def test_the_database_refuses_a_change_or_a_removal(sql, org, users, audit, evidence, client_for):
    client_for(users.auditor).get(detail(org, evidence))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditorAccess.objects.get().path == detail(org, evidence)


def test_deleting_an_engagement_keeps_its_trail(org, users, audit, evidence, client_for):
    client_for(users.auditor).get(detail(org, evidence))
    pk = audit.pk
    audit.delete()
    row = AuditorAccess.objects.get()
    assert (row.engagement_id, row.engagement_name) == (pk, "Stage 1 audit")


def test_the_officers_list_costs_the_same_for_one_row_or_many(
    org, users, audit, evidence, client_for
):
    auditor, officer = client_for(users.auditor), client_for(users.officer)
    url = reverse(LOG, kwargs={"org": org.slug})
    auditor.get(detail(org, evidence))
    officer.get(url)  # warm up

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert officer.get(url).status_code == 200
        return len(queries)

    one = count()
    for _ in range(24):
        auditor.get(detail(org, evidence))
    assert count() == one


def test_a_failed_insert_never_breaks_the_request(
    org, users, audit, evidence, client_for, monkeypatch, caplog
):
    # Too long for its column: the database itself refuses the row.
    monkeypatch.setattr(middleware, "_object_label", lambda match: "x" * 500)
    client = client_for(users.auditor)
    response = client.get(download(org, evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == evidence.file.open("rb").read()
    assert "could not record an auditor's access" in caplog.text
    assert not AuditorAccess.objects.exists()
    # The connection is still usable: the next request is answered and logged.
    monkeypatch.undo()
    assert client.get(detail(org, evidence)).status_code == 200
    assert AuditorAccess.objects.count() == 1


def test_any_error_while_recording_is_swallowed(
    org, users, audit, evidence, client_for, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(middleware, "auditor_scopes_of", broken)
    assert client_for(users.auditor).get(detail(org, evidence)).status_code == 200


def test_the_log_costs_a_bounded_number_of_queries(
    org, users, audit, evidence, client_for, settings
):
    url = detail(org, evidence)

    def run(client) -> list[str]:
        client.get(url)  # warm up: content types, session
        forget_roles(users.auditor)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in queries.captured_queries]

    factories.engage(org, users.auditor, whole_aims=True, name="Stage 2 audit")
    logged = run(client_for(users.auditor))
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "AuditorAccess" not in m]
    unlogged = run(client_for(users.auditor))  # a new client loads the middleware anew
    # A savepoint, the INSERT, the release: the roles and engagements come from the view.
    assert len(logged) - len(unlogged) <= 3, (len(logged), len(unlogged))
    inserts = [sql for sql in logged if sql.startswith('INSERT INTO "engagements_auditoraccess"')]
    assert len(inserts) == 1  # two engagements, one statement
    assert AuditorAccess.objects.count() == 4  # two requests, two engagements


def test_a_page_outside_any_organisation_costs_no_query(
    users, audit, rf, django_assert_num_queries
):
    request = rf.get("/organizations/")
    request.user = users.auditor
    request.resolver_match = resolve("/organizations/")
    forget_roles(users.auditor)
    with django_assert_num_queries(0):
        assert middleware.record_access(request, HttpResponse()) == []
