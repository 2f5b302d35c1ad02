"""The evidence pages: came-from links, link editing, deleting, and constant query counts."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aims.evidence import services
from aims.evidence.models import EvidenceFile, EvidenceItem
from tests import factories
from tests.evidence.factories import EvidenceFileFactory, FileEvidenceItemFactory, upload
from tests.evidence.test_uploads import stored_files
from tests.generic import QUERY_BUDGET


def _url(name, org, **kwargs):
    return reverse(f"evidence:{name}", kwargs={"org": org.slug, **kwargs})


def test_it_pre_links_the_record_the_user_came_from(org, users, client_for):
    risk = factories.RiskFactory(organization=org)
    clause = factories.ClauseFactory()
    client = client_for(users.contributor)
    add = _url("evidence_add", org)
    form = client.get(add, {"risk": risk.pk, "clause": clause.pk}).context["form"]
    assert form.initial["risks"] == [risk.pk]
    assert form.initial["clauses"] == [clause.pk]
    assert form.initial["owner"] == users.contributor.pk  # the uploader, unless they choose
    response = client.post(
        f"{add}?risk={risk.pk}",
        {
            "title": "Red-team report",
            "kind": "file",
            "file": upload(),
            "risks": [risk.pk],
            "clauses": [clause.pk],
            "owner": users.contributor.pk,
        },
    )
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    assert list(item.risks.all()) == [risk]
    assert list(item.clauses.all()) == [clause]
    assert item.owner == users.contributor
    assert item.current_file.uploaded_by == users.contributor


def test_it_refuses_links_to_another_organisations_records(org, other_org, users, client_for):
    foreign = factories.ControlImplementationFactory(organization=other_org)
    response = client_for(users.admin).post(
        _url("evidence_add", org),
        {"title": "X", "kind": "link", "url": "https://example.com/x", "controls": [foreign.pk]},
    )
    assert response.status_code == 400
    assert "controls" in response.context["form"].errors
    assert not EvidenceItem.objects.exists()


def test_it_edits_the_links(org, users, client_for):
    item = factories.EvidenceItemFactory(organization=org)
    control = factories.ControlImplementationFactory(organization=org)
    client = client_for(users.officer)
    url = _url("evidence_links", org, pk=item.pk)
    assert client.get(url).status_code == 200
    response = client.post(url, {"controls": [control.pk], "_version": item.version})
    assert response.status_code == 302
    assert response["Location"] == _url("evidence_linked", org, pk=item.pk)
    assert list(item.controls.all()) == [control]
    page = client.get(_url("evidence_linked", org, pk=item.pk))
    assert str(control) in page.content.decode()
    assert client_for(users.viewer).get(url).status_code == 403


def test_it_edits_a_file_item_without_a_link_field(org, users, client_for):
    version = EvidenceFileFactory(item__organization=org)
    form = (
        client_for(users.admin).get(_url("evidence_edit", org, pk=version.item.pk)).context["form"]
    )
    assert "url" not in form.fields
    assert "kind" not in form.fields


def test_it_deletes_the_stored_files_with_the_item(
    org, users, client_for, settings, django_capture_on_commit_callbacks
):
    item = services.evidence_create(
        organization=org, user=users.admin, title="Old", kind="file", upload=upload()
    )
    services.evidence_upload(item=item, user=users.admin, upload=upload())
    assert len(stored_files(settings)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users.admin).post(_url("evidence_delete", org, pk=item.pk))
    assert response.status_code == 302
    assert not EvidenceFile.objects.exists()
    assert stored_files(settings) == []


def test_a_delete_rolled_back_keeps_its_files(org, users, client_for, settings):
    item = services.evidence_create(
        organization=org, user=users.admin, title="Model card", kind="file", upload=upload()
    )

    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        response = client_for(users.admin).post(_url("evidence_delete", org, pk=item.pk))
        assert response.status_code == 302 and not EvidenceFile.objects.exists()
        raise RolledBack  # the deletion is undone: its rows come back
    assert EvidenceFile.objects.filter(item=item).count() == 1
    assert len(stored_files(settings)) == 1  # and so must their files


def test_it_keeps_the_files_when_a_delete_is_refused(org, users, client_for, settings):
    item = services.evidence_create(
        organization=org, user=users.admin, title="Kept", kind="file", upload=upload()
    )
    assert (
        client_for(users.viewer).post(_url("evidence_delete", org, pk=item.pk)).status_code == 403
    )
    assert len(stored_files(settings)) == 1


def test_it_lets_only_who_may_change_the_item_upload_versions(org, users, client_for):
    item = FileEvidenceItemFactory(organization=org)
    url = _url("evidence_upload", org, pk=item.pk)
    assert client_for(users.contributor).get(url).status_code == 403
    item.owner = users.contributor
    item.save()
    assert client_for(users.contributor).get(url).status_code == 200
    assert client_for(users.viewer).post(url, {"file": upload()}).status_code == 403
    assert client_for(users.auditor).get(url).status_code == 404
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize(
    "page", ["evidence_detail", "evidence_versions", "evidence_linked", "evidence_history"]
)
def test_it_shows_detail_tabs_in_a_constant_number_of_queries(page, org, users, client_for):
    item = FileEvidenceItemFactory(organization=org)
    EvidenceFileFactory(item=item)
    client = client_for(users.admin)
    url = _url(page, org, pk=item.pk)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = count()
    for _ in range(10):
        EvidenceFileFactory(item=item)
    item.controls.add(*[factories.ControlImplementationFactory(organization=org) for _ in range(5)])
    item.risks.add(*[factories.RiskFactory(organization=org) for _ in range(5)])
    many = count()
    assert one == many, f"{one} queries with 1 version, {many} with 11"
    assert many <= QUERY_BUDGET


def test_it_lists_files_in_the_api_in_a_constant_number_of_queries(org, users, api_client_for):
    client = api_client_for(users.admin)
    url = reverse("evidenceitem-list")
    item = FileEvidenceItemFactory(organization=org)
    item.controls.add(factories.ControlImplementationFactory(organization=org))
    EvidenceFileFactory(item=item)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = count()
    for _ in range(10):
        other = EvidenceFileFactory(item__organization=org).item
        other.risks.add(factories.RiskFactory(organization=org))
    assert count() == one
