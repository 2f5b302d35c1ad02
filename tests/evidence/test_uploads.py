"""Uploads: what is recorded for a good file, and bad files refused with nothing kept."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from aims.evidence import services
from aims.evidence.models import EvidenceFile, EvidenceItem
from tests.evidence.factories import (
    ELF_BYTES,
    PE_BYTES,
    FileEvidenceItemFactory,
    pdf_bytes,
    png_bytes,
    upload,
)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def create(org, user, up, **kwargs):
    """Call the service directly (as an import or a task would: the name is not pre-cleaned)."""
    return services.evidence_create(
        organization=org, user=user, title="Access review", kind="file", upload=up, **kwargs
    )


# --- good uploads -------------------------------------------------------------------------


def test_it_records_hash_size_type_and_uploader(org, users, settings):
    content = pdf_bytes("hash me")
    item = create(org, users.officer, upload("Access review.pdf", content))
    version = item.current_file
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.size == len(content)
    assert version.content_type == "application/pdf"
    assert version.extension == ".pdf"
    assert version.original_name == "Access review.pdf"
    assert version.uploaded_by == users.officer
    assert version.number == 1
    # Stored under a name made of the hash only, inside MEDIA_ROOT, with the same bytes.
    assert version.file.name == f"evidence/{org.pk}/{version.sha256[:2]}/{version.sha256}.pdf"
    (path,) = stored_files(settings)
    assert path.read_bytes() == content
    assert hashlib.sha256(path.read_bytes()).hexdigest() == version.sha256


def test_it_accepts_png_and_utf8_text(org, users):
    png = create(org, users.admin, upload("diagram.png", png_bytes(), "image/png"))
    assert png.current_file.content_type == "image/png"
    text = services.evidence_create(
        organization=org,
        user=users.admin,
        title="Minutes",
        kind="file",
        upload=upload("minutes.md", "# Réunion\n\nDécisions prises.\n".encode(), "text/markdown"),
    )
    assert text.current_file.content_type == "text/markdown"


def test_it_hashes_a_file_larger_than_one_chunk(org, users):
    content = pdf_bytes() + b"%" + b"x" * (3 * 1024 * 1024)  # several upload chunks
    item = create(org, users.admin, upload("big.pdf", content))
    assert item.current_file.sha256 == hashlib.sha256(content).hexdigest()
    assert item.current_file.size == len(content)


def test_it_cleans_the_display_name():
    assert services.evidence_clean_name(name="..hidden.pdf") == "hidden.pdf"
    assert services.evidence_clean_name(name="re\x00po\x1brt\u202e.pdf") == "report.pdf"
    assert services.evidence_clean_name(name="  a   b .pdf ") == "a b .pdf"
    long = services.evidence_clean_name(name="x" * 400 + ".pdf")
    assert len(long) == services.MAX_NAME_LENGTH and long.endswith(".pdf")


# --- refused uploads: a clear message, no row, no file --------------------------------------

REFUSALS = [
    pytest.param("empty.pdf", b"", "The file is empty.", id="empty"),
    pytest.param(
        "setup.pdf", ELF_BYTES, "is named .pdf but its content is an ELF file", id="elf-as-pdf"
    ),
    pytest.param(
        "setup.pdf", PE_BYTES, "is named .pdf but its content is an EXE file", id="exe-as-pdf"
    ),
    pytest.param("notes.txt", PE_BYTES, "not plain UTF-8 text", id="exe-as-txt"),
    pytest.param("notes.txt", png_bytes(), "not plain UTF-8 text", id="binary-as-txt"),
    pytest.param("data.csv", "naïve".encode("latin-1"), "not plain UTF-8 text", id="latin1-csv"),
    pytest.param("scan.pdf", png_bytes(), "its content is a PNG file", id="png-as-pdf"),
    pytest.param("tool.exe", PE_BYTES, "Files of type .exe are not accepted", id="extension"),
    pytest.param("notes", b"hello", "needs a name with an extension", id="no-extension"),
    pytest.param("../../etc/passwd.pdf", pdf_bytes(), "contains a folder path", id="traversal"),
    pytest.param("..\\..\\boot.pdf", pdf_bytes(), "contains a folder path", id="traversal-windows"),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSALS)
def test_it_refuses_bad_uploads_and_keeps_nothing(org, users, settings, name, content, message):
    with pytest.raises(ValidationError) as caught:
        create(org, users.admin, ContentFile(content, name=name))
    assert message in " ".join(caught.value.message_dict["file"])
    assert not EvidenceItem.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert stored_files(settings) == []


def test_it_refuses_an_oversize_file(org, users, settings):
    settings.AIMS_EVIDENCE_MAX_MB = 1
    content = pdf_bytes() + b"%" + b"x" * (1024 * 1024)
    with pytest.raises(ValidationError) as caught:
        create(org, users.admin, upload("huge.pdf", content))
    assert caught.value.message_dict["file"] == [
        "The file is larger than the 1 MB limit for evidence."
    ]
    assert not EvidenceItem.objects.exists()
    assert stored_files(settings) == []


def test_it_refuses_an_oversize_stream_whose_size_is_not_declared(org, users, settings):
    """The limit holds while streaming, whatever size the upload claims."""
    settings.AIMS_EVIDENCE_MAX_MB = 1
    up = upload("huge.pdf", pdf_bytes() + b"%" + b"x" * (1024 * 1024))
    up.size = 10
    with pytest.raises(ValidationError, match="larger than the 1 MB limit"):
        create(org, users.admin, up)
    assert stored_files(settings) == []


def test_it_refuses_a_type_removed_from_the_allowed_list(org, users, settings):
    settings.AIMS_EVIDENCE_ALLOWED_TYPES = ["png"]
    with pytest.raises(
        ValidationError, match=r"Files of type \.pdf are not accepted as evidence\. Accepted: png\."
    ):
        create(org, users.admin, upload("a.pdf"))


def test_it_deletes_the_stored_file_when_the_transaction_fails(org, users, settings, monkeypatch):
    """A failure after the bytes were written (here: saving the item) leaves no file behind."""

    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(EvidenceItem, "save", explode, raising=True)
    item = FileEvidenceItemFactory.build(organization=org)
    monkeypatch.undo()
    item.save()
    monkeypatch.setattr(EvidenceItem, "save", explode)
    with pytest.raises(RuntimeError):
        services.evidence_upload(item=item, user=users.admin, upload=upload())
    monkeypatch.undo()
    assert not EvidenceFile.objects.exists()
    assert stored_files(settings) == []


# --- the same refusals through the UI and the API -----------------------------------------


HTTP_REFUSALS = [
    pytest.param(*p.values[:2], "The submitted file is empty", id=p.id) if p.id == "empty" else p
    for p in REFUSALS
    if "traversal" not in p.id
]


def ui_add(client, org, name, content, **extra):
    return client.post(
        reverse("evidence:evidence_add", kwargs={"org": org.slug}),
        {"title": "Access review", "kind": "file", "file": upload(name, content), **extra},
    )


@pytest.mark.parametrize(("name", "content", "message"), HTTP_REFUSALS)
def test_it_shows_the_refusal_next_to_the_file_field(
    org, users, client_for, settings, name, content, message
):
    response = ui_add(client_for(users.admin), org, name, content)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert message.split(" ")[0] in response.content.decode()
    assert not EvidenceItem.objects.exists()
    assert stored_files(settings) == []


def test_it_keeps_only_the_last_part_of_a_path_sent_over_http(org, users, client_for, settings):
    """Django's upload parser already strips folders from a multipart file name; what is
    kept is the bare name, and the bytes land only under the hash-named path."""
    response = ui_add(client_for(users.admin), org, "../../etc/passwd.pdf", pdf_bytes())
    assert response.status_code == 302
    version = EvidenceFile.objects.get()
    assert version.original_name == "passwd.pdf"
    (path,) = stored_files(settings)
    assert path.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve() / "evidence")
    assert path.name == f"{version.sha256}.pdf"


@pytest.mark.parametrize(("name", "content", "message"), HTTP_REFUSALS)
def test_it_answers_400_with_the_message_in_the_api(
    org, users, api_client_for, settings, name, content, message
):
    response = api_client_for(users.admin).post(
        reverse("evidenceitem-list"),
        {
            "organization": org.pk,
            "title": "Access review",
            "kind": "file",
            "file": upload(name, content),
        },
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()["file"])
    assert not EvidenceItem.objects.exists()
    assert stored_files(settings) == []


def test_it_refuses_an_oversize_upload_in_the_api(org, users, api_client_for, settings):
    settings.AIMS_EVIDENCE_MAX_MB = 1
    response = api_client_for(users.admin).post(
        reverse("evidenceitem-list"),
        {
            "organization": org.pk,
            "title": "Big",
            "kind": "file",
            "file": upload("big.pdf", pdf_bytes() + b"%" + b"x" * (1024 * 1024)),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {"file": ["The file is larger than the 1 MB limit for evidence."]}
    assert stored_files(settings) == []


def test_it_creates_a_file_item_through_the_api(org, users, api_client_for):
    content = pdf_bytes("api")
    response = api_client_for(users.officer).post(
        reverse("evidenceitem-list"),
        {
            "organization": org.pk,
            "title": "Policy",
            "kind": "file",
            "file": upload("policy.pdf", content),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["size"] == len(content)
    assert body["content_type"] == "application/pdf"
    assert body["status"] == "valid"
    assert "file" not in body


def test_it_requires_a_file_for_a_file_item(org, users, api_client_for):
    response = api_client_for(users.admin).post(
        reverse("evidenceitem-list"),
        {"organization": org.pk, "title": "Policy", "kind": "file"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"file": ["Choose the file to upload."]}
