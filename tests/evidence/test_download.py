"""Downloads only through the authorised view, as attachments that browsers will not render."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from tests.evidence.factories import EvidenceFileFactory, pdf_bytes


@pytest.fixture
def version(org):
    return EvidenceFileFactory(
        item__organization=org, original_name="Access review Q3.pdf", content=pdf_bytes("dl")
    )


def _ui(org, version):
    return reverse("evidence:evidence_download", kwargs={"org": org.slug, "pk": version.pk})


def _api(version):
    return reverse("evidencefile-download", args=[version.pk])


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("role", ["admin", "officer", "contributor", "viewer"])
def test_it_serves_the_file_as_an_attachment_with_nosniff(role, org, users, client_for, version):
    response = client_for(users[role]).get(_ui(org, version))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="Access review Q3.pdf"' in response["Content-Disposition"]
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert _body(response) == version.file.open("rb").read()


def test_it_serves_the_file_through_the_api(users, api_client_for, version):
    response = api_client_for(users.viewer, scope="read").get(_api(version))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert _body(response).startswith(b"%PDF-")


def test_it_hides_the_file_from_other_organisations(
    org, other_org, users, client_for, api_client_for, version
):
    outsider = users.outsider
    # Through the outsider's own organisation too: the version is simply not there.
    assert client_for(outsider).get(_ui(org, version)).status_code == 404
    other_url = reverse(
        "evidence:evidence_download", kwargs={"org": other_org.slug, "pk": version.pk}
    )
    assert client_for(outsider).get(other_url).status_code == 404
    assert api_client_for(outsider).get(_api(version)).status_code == 404


def test_it_hides_the_file_from_an_auditor_without_an_open_engagement(
    org, users, client_for, api_client_for, version
):
    auditor = users.auditor
    assert client_for(auditor).get(_ui(org, version)).status_code == 404
    assert api_client_for(auditor).get(_api(version)).status_code == 404
    ended = factories.engage(org, auditor, whole_aims=True, starts_in_days=-30, ends_in_days=-1)
    assert client_for(auditor).get(_ui(org, version)).status_code == 404
    assert api_client_for(auditor).get(_api(version)).status_code == 404
    ended.delete()
    factories.engage(org, auditor, whole_aims=True)
    assert client_for(auditor).get(_ui(org, version)).status_code == 200
    assert api_client_for(auditor).get(_api(version)).status_code == 200


def test_it_sends_anonymous_callers_to_sign_in(org, client_for, api_client_for, version):
    response = client_for(None).get(_ui(org, version))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert api_client_for(None).get(_api(version)).status_code == 401


def test_it_never_serves_files_from_the_media_url(client_for, users, version, settings):
    """Evidence is not reachable by its storage path: there is no public media route."""
    response = client_for(users.admin).get(f"{settings.MEDIA_URL}{version.file.name}")
    assert response.status_code == 404


def test_an_evidence_item_in_scope_lets_the_auditor_download_every_version(
    org, other_org, users, client_for, api_client_for, version
):
    auditor = users.auditor
    later = EvidenceFileFactory(item=version.item, content=pdf_bytes("later"))
    unrelated = EvidenceFileFactory(item__organization=org, content=pdf_bytes("other item"))
    control = factories.ControlImplementationFactory(organization=org)
    version.item.controls.add(control)
    factories.engage(org, auditor, controls=[control])
    for file in (version, later):
        assert client_for(auditor).get(_ui(org, file)).status_code == 200
        assert api_client_for(auditor).get(_api(file)).status_code == 200
    # Only that item's files; and the engagement gives nothing beyond seeing them.
    assert client_for(auditor).get(_ui(org, unrelated)).status_code == 404
    assert api_client_for(auditor).get(_api(unrelated)).status_code == 404
    assert api_client_for(auditor).delete(_api(version)).status_code in (403, 405)
