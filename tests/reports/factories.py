"""Helpers for the export tests (the shared factories live in tests/factories.py)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from aims.core.documents import document_approve, document_submit
from controls.models import ControlImplementation, SoAVersion
from controls.services import controls_ensure_for, soa_version_start
from tests import factories


def full_soa(organization) -> None:
    """Every Annex A control row for the organisation (the catalog must be loaded)."""
    controls_ensure_for(organization=organization)


def approved_soa(organization, *, author, approver) -> SoAVersion:
    factories.decide_every_control(organization)
    version = soa_version_start(organization=organization, user=author, change_summary="First")
    version = document_submit(version=version, user=author)
    return document_approve(version=version, user=approver)


def control(organization, ref: str) -> ControlImplementation:
    return ControlImplementation.objects.get(organization=organization, ref=ref)


def risks(organization, count: int, **kwargs):
    return [factories.RiskFactory(organization=organization, **kwargs) for _ in range(count)]


def read_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 byte-order mark"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content: bytes):
    return load_workbook(io.BytesIO(content))


def sheet_rows(workbook, title: str) -> tuple[list[str], list[dict[str, object]]]:
    rows = list(workbook[title].iter_rows(values_only=True))
    headers = [str(h) for h in rows[0]]
    return headers, [dict(zip(headers, row, strict=False)) for row in rows[1:]]


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content
