"""New uploads become versions; the same bytes twice are offered for linking instead."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aims.evidence import services
from aims.evidence.models import EvidenceFile, EvidenceItem
from tests import factories
from tests.evidence.factories import pdf_bytes, upload
from tests.evidence.test_uploads import stored_files


def _file_item(org, user, content=None, **kwargs):
    return services.evidence_create(
        organization=org,
        user=user,
        title=kwargs.pop("title", "Access review"),
        kind="file",
        upload=upload("review.pdf", content or pdf_bytes()),
        **kwargs,
    )


def test_it_makes_each_upload_a_new_version(org, users):
    item = _file_item(org, users.officer)
    first = item.current_file
    second = services.evidence_upload(
        item=item, user=users.admin, upload=upload("review-v2.pdf"), note="Signed"
    )
    item.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert item.current_file == second
    assert second.uploaded_by == users.admin
    assert second.note == "Signed"
    assert list(item.files.values_list("number", flat=True)) == [2, 1]
    assert first.file.name != second.file.name


def test_it_uploads_a_version_through_the_ui(org, users, client_for):
    item = _file_item(org, users.admin)
    response = client_for(users.officer).post(
        reverse("evidence:evidence_upload", kwargs={"org": org.slug, "pk": item.pk}),
        {"file": upload("review-v2.pdf"), "note": "Re-signed"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.current_file.number == 2
    page = client_for(users.viewer).get(
        reverse("evidence:evidence_versions", kwargs={"org": org.slug, "pk": item.pk})
    )
    assert page.status_code == 200
    assert [v.number for v in page.context["versions"]] == [2, 1]
    assert "Upload a new version" not in page.content.decode()  # a viewer cannot


def test_it_refuses_a_version_for_a_link_item(org, users, settings):
    item = factories.EvidenceItemFactory(organization=org)
    with pytest.raises(services.ValidationError, match="This item is a link"):
        services.evidence_upload(item=item, user=users.admin, upload=upload())
    assert stored_files(settings) == []


def test_it_detects_a_duplicate_and_stores_nothing(org, users, settings):
    content = pdf_bytes("same bytes")
    existing = _file_item(org, users.admin, content)
    with pytest.raises(services.DuplicateEvidence) as caught:
        _file_item(org, users.officer, content, title="Again")
    assert caught.value.item == existing
    assert "already evidence: “Access review”" in caught.value.message
    assert EvidenceItem.objects.count() == 1
    assert EvidenceFile.objects.count() == 1
    assert len(stored_files(settings)) == 1
    # ... also as a new version of another item.
    other = _file_item(org, users.admin, title="Other")
    with pytest.raises(services.DuplicateEvidence):
        services.evidence_upload(item=other, user=users.admin, upload=upload(content=content))
    assert other.files.count() == 1


def test_it_does_not_treat_another_organisations_file_as_a_duplicate(org, other_org, users):
    content = pdf_bytes("shared")
    _file_item(other_org, users.outsider, content)
    item = _file_item(org, users.admin, content)
    assert (
        item.current_file.sha256
        == EvidenceFile.objects.exclude(pk=item.current_file.pk).get().sha256
    )


def test_it_offers_to_link_the_existing_item_from_the_add_page(org, users, client_for):
    control = factories.ControlImplementationFactory(organization=org)
    content = pdf_bytes("dup")
    existing = _file_item(org, users.admin, content)
    client = client_for(users.officer)
    add = reverse("evidence:evidence_add", kwargs={"org": org.slug})
    # Came from a control page: the control is pre-selected.
    form = client.get(add, {"control": control.pk}).context["form"]
    assert form.initial["controls"] == [control.pk]
    response = client.post(
        f"{add}?control={control.pk}",
        {
            "title": "Copy",
            "kind": "file",
            "file": upload("copy.pdf", content),
            "controls": [control.pk],
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "This file is already evidence: “Access review”" in html
    link_url = reverse("evidence:evidence_link_add", kwargs={"org": org.slug, "pk": existing.pk})
    assert link_url in html
    assert EvidenceItem.objects.count() == 1
    # Accept the offer: the existing item is linked to the control.
    response = client.post(link_url, {"controls": [control.pk]})
    assert response.status_code == 302
    assert list(existing.controls.all()) == [control]


def test_it_answers_409_with_the_existing_item_in_the_api(org, users, api_client_for):
    content = pdf_bytes("dup api")
    existing = _file_item(org, users.admin, content)
    client = api_client_for(users.officer)
    response = client.post(
        reverse("evidenceitem-list"),
        {"organization": org.pk, "title": "Copy", "kind": "file", "file": upload("c.pdf", content)},
        format="multipart",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["existing_item"] == existing.pk
    assert body["existing_file"] == existing.current_file.pk
    assert "already evidence" in body["file"][0]
    response = client.post(
        reverse("evidencefile-list"),
        {"item": _file_item(org, users.admin).pk, "file": upload("c.pdf", content)},
        format="multipart",
    )
    assert response.status_code == 409
    assert response.json()["existing_item"] == existing.pk


def test_it_links_only_records_of_the_item_organisation(org, other_org, users, client_for):
    item = _file_item(org, users.admin)
    foreign = factories.ControlImplementationFactory(organization=other_org)
    response = client_for(users.admin).post(
        reverse("evidence:evidence_link_add", kwargs={"org": org.slug, "pk": item.pk}),
        {"controls": [foreign.pk]},
    )
    assert response.status_code == 302
    assert not item.controls.exists()


def test_it_refuses_linking_without_the_right_to_change_the_item(org, users, client_for):
    item = _file_item(org, users.admin)
    control = factories.ControlImplementationFactory(organization=org)
    url = reverse("evidence:evidence_link_add", kwargs={"org": org.slug, "pk": item.pk})
    assert client_for(users.viewer).post(url, {"controls": [control.pk]}).status_code == 403
    assert client_for(users.auditor).post(url, {"controls": [control.pk]}).status_code == 404
    assert not item.controls.exists()


def test_it_refuses_api_links_to_another_organisations_records(
    org, other_org, users, api_client_for
):
    """Even a caller who belongs to both organisations cannot link across them."""
    factories.MembershipFactory(organization=other_org, user=users.admin, role="admin")
    foreign = factories.ControlImplementationFactory(organization=other_org)
    client = api_client_for(users.admin)
    response = client.post(
        reverse("evidenceitem-list"),
        {
            "organization": org.pk,
            "title": "Cross",
            "kind": "link",
            "url": "https://example.com/x",
            "controls": [foreign.pk],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "controls" in response.json()
    item = factories.EvidenceItemFactory(organization=org)
    response = client.patch(
        reverse("evidenceitem-detail", args=[item.pk]), {"controls": [foreign.pk]}, format="json"
    )
    assert response.status_code == 400
    assert not item.controls.exists()
    mine = factories.ControlImplementationFactory(organization=org)
    response = client.patch(
        reverse("evidenceitem-detail", args=[item.pk]), {"controls": [mine.pk]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["controls"] == [mine.pk]
