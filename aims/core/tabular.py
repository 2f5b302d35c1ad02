"""CSV and XLSX writers shared by every export.

Both take a header list and an iterable of row lists, so a caller can stream rows from a
chunked queryset. Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
tab, carriage return) is prefixed with an apostrophe: an export never executes anything.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
PDF_CONTENT_TYPE = "application/pdf"


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text; other values pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """UTF-8 CSV (with a byte-order mark so Excel reads accents), one encoded line at a time."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield (BOM + writer.writerow(headers)).encode("utf-8")
    for row in rows:
        yield writer.writerow([safe_cell("" if v is None else v) for v in row]).encode("utf-8")


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    return b"".join(csv_lines(headers, rows))


@dataclass
class Sheet:
    """One worksheet: a title, column headers with widths (characters), rows.

    ``wrap`` names the columns (0-based) whose text wraps; ``table`` makes the first row a
    bold, frozen header with an autofilter (the data sheets); a plain sheet (the summary)
    just lists label/value pairs.
    """

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()
    wrap: frozenset[int] = field(default_factory=frozenset)
    table: bool = True


HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E5E7EB")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook written in openpyxl's streaming (write-only) mode: memory stays flat for
    thousands of rows."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        ws = workbook.create_sheet(title=sheet.title[:31])
        for index, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        row_count = 0
        if sheet.table:
            ws.freeze_panes = "A2"
        header_cells = []
        for label in sheet.headers:
            cell = WriteOnlyCell(ws, value=label)
            cell.font = HEADER_FONT
            if sheet.table:
                cell.fill = HEADER_FILL
            header_cells.append(cell)
        ws.append(header_cells)
        for row in sheet.rows:
            cells = []
            for index, value in enumerate(row):
                cell = WriteOnlyCell(ws, value=safe_cell(value))
                cell.alignment = WRAP if index in sheet.wrap else TOP
                cells.append(cell)
            ws.append(cells)
            row_count += 1
        if sheet.table and sheet.headers:
            last = get_column_letter(len(sheet.headers))
            ws.auto_filter.ref = f"A1:{last}{row_count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
