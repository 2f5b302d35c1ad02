"""Evidence test data: real (tiny) files of each kind, and a factory for stored versions."""

from __future__ import annotations

import hashlib
import itertools
import struct
import zlib

import factory
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import EvidenceItemFactory

_counter = itertools.count(1)


def pdf_bytes(text: str = "") -> bytes:
    """A minimal valid PDF; ``text`` makes it unique (distinct hashes)."""
    text = text or f"evidence {next(_counter)}"
    body = (
        b"%PDF-1.4\n"
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
        b"% " + text.encode() + b"\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    return body


def png_bytes(width: int = 1, height: int = 1) -> bytes:
    """A minimal valid PNG (signature, IHDR, IDAT, IEND)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


# Executable headers: an ELF (Linux) and a PE ("MZ", Windows) binary.
ELF_BYTES = (
    b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x00" * 200
)
PE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x80\x00\x00\x00"
    + b"\x00" * 64
    + b"PE\x00\x00"
    + b"\x00" * 100
)


def upload(name: str = "", content: bytes | None = None, content_type: str = "application/pdf"):
    """An uploaded file as a browser would send it; a fresh PDF unless ``content`` is given."""
    content = pdf_bytes() if content is None else content
    return SimpleUploadedFile(name or f"report-{next(_counter)}.pdf", content, content_type)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class FileEvidenceItemFactory(EvidenceItemFactory):
    kind = "file"
    url = ""


class EvidenceFileFactory(factory.django.DjangoModelFactory):
    """A stored version with a unique PDF; it becomes its item's current file."""

    class Meta:
        model = "evidence.EvidenceFile"
        skip_postgeneration_save = True

    class Params:
        content = factory.LazyFunction(pdf_bytes)

    item = factory.SubFactory(FileEvidenceItemFactory)
    number = factory.LazyAttribute(lambda o: o.item.files.count() + 1)
    original_name = factory.Sequence(lambda n: f"report-{n}.pdf")
    extension = ".pdf"
    sha256 = factory.LazyAttribute(lambda o: sha256(o.content))
    size = factory.LazyAttribute(lambda o: len(o.content))
    content_type = "application/pdf"
    file = factory.LazyAttribute(lambda o: ContentFile(o.content, name=o.original_name))

    @factory.post_generation
    def make_current(obj, create, extracted, **kwargs):
        if create:
            obj.item.current_file = obj
            obj.item.save(update_fields=["current_file"])
