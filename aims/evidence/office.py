"""Finding macros in Office files, so that evidence never carries code that runs when opened.

Evidence is opened by auditors and reviewers on their own machines; a macro-enabled file
is a way in. Such content is refused (not stored with a warning): evidence is read, never
run, and a document can always be saved without its macros.

What counts as macro content:

- the macro-enabled extensions (``MACRO_EXTENSIONS``: ``.docm``, ``.xlsm``, ``.pptm``…),
  whatever the allowed list says;
- inside an OOXML archive (``.docx``, ``.xlsx``, ``.pptx``): a VBA project
  (``vbaProject.bin``, ``vbaData.xml``), a macro-enabled or VBA content type in
  ``[Content_Types].xml``, an Excel 4 macro sheet (``xl/macrosheets/``);
- inside an OpenDocument archive: Basic or script code (``Basic/``, ``Scripts/``);
- an OLE compound file (legacy ``.doc``/``.xls``/``.ppt``, or an object embedded in an
  OOXML file) whose directory names a VBA project (``_VBA_PROJECT``, ``Macros``);
- any of the above inside a ``.zip`` (archives within archives are opened two levels deep).

An archive that cannot be opened is refused too: what cannot be inspected is not vouched for.
Reading is bounded (``MAX_INSPECTED_BYTES`` decompressed), so a zip bomb costs little.
"""

from __future__ import annotations

import io
import zipfile
from typing import IO

from django.utils.translation import gettext as _

MACRO_EXTENSIONS = frozenset(
    {"docm", "dotm", "xlsm", "xltm", "xlsb", "xlam", "pptm", "potm", "ppsm", "ppam", "sldm"}
)
ARCHIVE_EXTENSIONS = frozenset({"docx", "xlsx", "pptx", "odt", "ods", "odp", "zip"})
OFFICE_ARCHIVE_EXTENSIONS = ARCHIVE_EXTENSIONS - {"zip"} | {"dotx", "xltx", "potx"}
OLE_EXTENSIONS = frozenset({"doc", "dot", "xls", "xlt", "ppt", "pot", "bin"})
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
OLE_MACRO_NAMES = tuple(name.encode("utf-16-le") for name in ("_VBA_PROJECT", "Macros"))
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin")
MACRO_FOLDERS = ("xl/macrosheets/",)
ODF_MACRO_FOLDERS = ("basic/", "scripts/")  # only in an OpenDocument file: a .zip may hold scripts/
MACRO_CONTENT_TYPES = (b"macroenabled", b"vbaproject", b"ms-excel.intl.macrosheet")
MAX_INSPECTED_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 2


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_INSPECTED_BYTES

    def read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        with archive.open(info) as member:
            data = member.read(self.left + 1)
        self.left -= len(data)
        if self.left < 0:
            raise _TooLarge
        return data


class _TooLarge(Exception):
    pass


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[1].lower() if "." in name.rsplit("/", 1)[-1] else ""


def _ole_has_macros(data: bytes) -> bool:
    return data.startswith(OLE_MAGIC) and any(name in data for name in OLE_MACRO_NAMES)


def _is_odf(archive: zipfile.ZipFile, budget: _Budget) -> bool:
    try:
        info = archive.getinfo("mimetype")
    except KeyError:
        return False
    return budget.read(archive, info).startswith(b"application/vnd.oasis.opendocument")


def _archive_macros(stream: IO[bytes], budget: _Budget, depth: int) -> str | None:
    with zipfile.ZipFile(stream) as archive:
        is_odf = _is_odf(archive, budget)
        for info in archive.infolist():
            name = info.filename.replace("\\", "/")
            lower = name.lower()
            base = lower.rsplit("/", 1)[-1]
            extension = _extension(lower)
            if base in MACRO_PARTS or lower.startswith(MACRO_FOLDERS):
                return name
            if is_odf and lower.startswith(ODF_MACRO_FOLDERS):
                return name
            if extension in MACRO_EXTENSIONS:
                return name
            if info.is_dir():
                continue
            if lower == "[content_types].xml":
                data = budget.read(archive, info).lower()
                if any(marker in data for marker in MACRO_CONTENT_TYPES):
                    return name
                continue
            if extension in OLE_EXTENSIONS or "embeddings/" in lower or "oleobject" in base:
                data = budget.read(archive, info)
                if _ole_has_macros(data):
                    return name
                if data.startswith(b"PK") and depth < MAX_DEPTH:
                    found = _archive_macros(io.BytesIO(data), budget, depth + 1)
                    if found:
                        return f"{name}/{found}"
                continue
            if extension in ARCHIVE_EXTENSIONS | OFFICE_ARCHIVE_EXTENSIONS and depth < MAX_DEPTH:
                data = budget.read(archive, info)
                try:
                    found = _archive_macros(io.BytesIO(data), budget, depth + 1)
                except zipfile.BadZipFile:
                    continue  # a damaged file inside an archive runs nothing by itself
                if found:
                    return f"{name}/{found}"
    return None


def macro_refusal(*, stream: IO[bytes], extension: str) -> str | None:
    """Why the file in ``stream`` (read from its start; an ``extension`` in lower case,
    without the dot) is refused as macro-enabled or uninspectable content, or ``None``."""
    if extension in MACRO_EXTENSIONS:
        return _(
            "Macro-enabled Office files (.%(ext)s) are not accepted as evidence: macros run "
            "code when the file is opened. Save it without macros (e.g. as .docx, .xlsx or "
            ".pptx, or as PDF) and upload that."
        ) % {"ext": extension}
    if extension not in ARCHIVE_EXTENSIONS:
        head = stream.read(len(OLE_MAGIC))
        if head == OLE_MAGIC:
            stream.seek(0)
            if _ole_has_macros(stream.read(MAX_INSPECTED_BYTES)):
                return _macro_inside(extension, extension)
        return None
    try:
        found = _archive_macros(stream, _Budget(), 1)
    # zipfile raises NotImplementedError for a compression method it cannot read: such a
    # file cannot be checked, so it is refused like a damaged one.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, _TooLarge, EOFError, NotImplementedError):
        return _(
            "The .%(ext)s file could not be opened to check it for macros: it may be damaged "
            "or too large unpacked. Save it again and upload the new copy."
        ) % {"ext": extension}
    except (RuntimeError, ValueError):  # encrypted members, corrupt headers
        return _(
            "The .%(ext)s file could not be opened to check it for macros (it is encrypted or "
            "damaged). Upload a copy without a password."
        ) % {"ext": extension}
    return _macro_inside(extension, found) if found else None


def _macro_inside(extension: str, part: str) -> str:
    return _(
        "The .%(ext)s file contains macros (%(part)s), which run code when the file is "
        "opened, so it is not accepted as evidence. Save it without macros (e.g. as .docx, "
        ".xlsx or .pptx, or as PDF) and upload that."
    ) % {"ext": extension, "part": part[:120]}
