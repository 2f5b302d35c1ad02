"""Macro-enabled Office content is refused as evidence (issue 8, item 14).

A ``.docx`` holding a VBA project was accepted. The files are built here: an Office file
is a zip archive, and a macro shows as ``vbaProject.bin``, a macro-enabled content type,
an Excel 4 macro sheet, an embedded OLE object holding a VBA project, or ODF Basic code.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from aims.evidence.models import EvidenceFile, EvidenceItem
from aims.evidence.services import evidence_create

DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "{extra}</Types>"
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
VBA_TYPE = '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# A compound file whose directory names a VBA project stream (names are UTF-16LE).
OLE_WITH_VBA = OLE_MAGIC + b"\x00" * 504 + "_VBA_PROJECT".encode("utf-16-le") + b"\x00" * 64
OLE_PLAIN = OLE_MAGIC + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 64


def archive(entries: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def docx(*, main: str = DOCX_MAIN, extra_types: str = "", **parts: bytes | str) -> bytes:
    """A minimal .docx; ``word__vbaProject_bin=...`` adds the part ``word/vbaProject.bin``."""
    entries: dict[str, bytes | str] = {
        "[Content_Types].xml": DOCX_TYPES.format(main=main, extra=extra_types),
        "word/document.xml": "<w:document/>",
    }
    for key, value in parts.items():
        path, _, ext = key.replace("__", "/").rpartition("_")
        entries[f"{path}.{ext}"] = value
    return archive(entries)


def create(org, user, name: str, content: bytes):
    return evidence_create(
        organization=org,
        user=user,
        title="Policy",
        kind="file",
        upload=ContentFile(content, name=name),
    )


def test_it_accepts_a_plain_docx(org, users):
    item = create(org, users.officer, "policy.docx", docx())
    assert item.current_file.extension.lstrip(".") == "docx"


MACRO_FILES = [
    pytest.param(
        "policy.docx",
        docx(main=DOCM_MAIN, extra_types=VBA_TYPE, word__vbaProject_bin=OLE_WITH_VBA),
        id="vba-project",
    ),
    pytest.param("policy.docx", docx(word__vbaProject_bin=OLE_WITH_VBA), id="vba-bin-only"),
    pytest.param("policy.docx", docx(main=DOCM_MAIN), id="macro-enabled-type"),
    pytest.param(
        "book.xlsx",
        archive(
            {
                "[Content_Types].xml": "<Types/>",
                "xl/workbook.xml": "<workbook/>",
                "xl/macrosheets/sheet1.xml": "<xm:macrosheet/>",
            }
        ),
        id="excel4-macro-sheet",
    ),
    pytest.param(
        "policy.docx",
        docx(word__embeddings__oleObject1_bin=OLE_WITH_VBA),
        id="embedded-ole-with-vba",
    ),
    pytest.param(
        "sheet.ods",
        archive(
            {
                "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                "content.xml": "<office:document-content/>",
                "Basic/Standard/Module1.xml": "<script:module/>",
            }
        ),
        id="odf-basic",
    ),
    pytest.param(
        "bundle.zip", archive({"inner/policy.docm": docx(main=DOCM_MAIN)}), id="zip-with-docm"
    ),
    pytest.param(
        "bundle.zip",
        archive({"policy.docx": docx(word__vbaProject_bin=OLE_WITH_VBA)}),
        id="zip-with-docx-with-vba",
    ),
    pytest.param("bundle.zip", archive({"old.doc": OLE_WITH_VBA}), id="zip-with-ole-doc-macros"),
]


@pytest.mark.parametrize(("name", "content"), MACRO_FILES)
def test_it_refuses_macro_content(org, users, settings, name, content):
    with pytest.raises(ValidationError) as caught:
        create(org, users.officer, name, content)
    message = " ".join(caught.value.message_dict["file"])
    assert "macro" in message.lower()
    assert not EvidenceItem.objects.exists() and not EvidenceFile.objects.exists()


def test_it_accepts_an_embedded_ole_object_without_macros(org, users):
    item = create(
        org, users.officer, "policy.docx", docx(word__embeddings__oleObject1_bin=OLE_PLAIN)
    )
    assert item.current_file is not None


@pytest.mark.parametrize("extension", ["docm", "xlsm", "pptm", "dotm", "xlam"])
def test_it_refuses_macro_enabled_extensions_by_name(org, users, settings, extension):
    settings.AIMS_EVIDENCE_ALLOWED_TYPES = [*settings.AIMS_EVIDENCE_ALLOWED_TYPES, extension]
    with pytest.raises(ValidationError) as caught:
        create(org, users.officer, f"file.{extension}", docx(main=DOCM_MAIN))
    assert "macro" in " ".join(caught.value.message_dict["file"]).lower()


def test_it_refuses_a_damaged_office_archive(org, users):
    damaged = docx()[:200]  # the zip's directory is cut off
    with pytest.raises(ValidationError) as caught:
        create(org, users.officer, "policy.docx", damaged)
    assert "could not be opened" in " ".join(caught.value.message_dict["file"])


def test_the_api_answers_400_on_the_file_field(org, users, api_client_for):
    content = docx(main=DOCM_MAIN, extra_types=VBA_TYPE, word__vbaProject_bin=OLE_WITH_VBA)
    response = api_client_for(users.officer).post(
        "/api/v1/evidence/",
        {
            "organization": org.pk,
            "title": "Policy",
            "kind": "file",
            "file": SimpleUploadedFile("policy.docx", content),
        },
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert "macro" in " ".join(response.json()["file"]).lower()
    assert not EvidenceItem.objects.exists()
