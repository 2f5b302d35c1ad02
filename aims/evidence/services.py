"""Workflows on evidence: checking and storing uploads, versions, links, duplicates.

An upload must be of an accepted type whose content matches its name, and hold no macros
(``aims.evidence.office``: macro-enabled Office content is refused).

An upload is streamed once to check its size, sniff its type and hash it, then streamed
again into storage under a name made only of the hash. Nothing is kept when any step fails:
no row (the transaction rolls back) and no file (the stored file is deleted again).
"""

from __future__ import annotations

import codecs
import datetime
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from aims.core.permissions import Action, can_add, restrict
from aims.core.transactions import next_number
from aims.evidence.links import registry
from aims.evidence.models import EvidenceFile, EvidenceItem, EvidenceKind
from aims.evidence.office import MACRO_EXTENSIONS, macro_refusal
from aims.organizations.models import Organization

# Extension → (content types sniffed from the bytes that agree with it, the type we record).
# ``None`` in the sniffed set: a text format, for which nothing binary may be detected.
BINARY_TYPES: dict[str, tuple[frozenset[str], str]] = {
    "pdf": (frozenset({"pdf"}), "application/pdf"),
    "png": (frozenset({"png"}), "image/png"),
    "jpg": (frozenset({"jpg"}), "image/jpeg"),
    "jpeg": (frozenset({"jpg"}), "image/jpeg"),
    "gif": (frozenset({"gif"}), "image/gif"),
    "webp": (frozenset({"webp"}), "image/webp"),
    # Office files are zip archives; the sniffer names the Office type when it can tell.
    "docx": (
        frozenset({"docx", "zip"}),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        frozenset({"xlsx", "zip"}),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "pptx": (
        frozenset({"pptx", "zip"}),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "odt": (frozenset({"odt", "zip"}), "application/vnd.oasis.opendocument.text"),
    "ods": (frozenset({"ods", "zip"}), "application/vnd.oasis.opendocument.spreadsheet"),
    "zip": (frozenset({"zip"}), "application/zip"),
}
TEXT_TYPES: dict[str, str] = {
    "txt": "text/plain",
    "csv": "text/csv",
    "md": "text/markdown",
    "json": "application/json",
    "xml": "application/xml",
    "eml": "message/rfc822",
}
SNIFF_BYTES = 8192
MAX_NAME_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class DuplicateEvidence(Exception):
    """The uploaded bytes are already evidence in this organisation: link that item instead."""

    def __init__(self, existing: EvidenceFile):
        self.existing = existing
        self.item = existing.item
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _("This file is already evidence: “%(item)s” (version %(n)s).") % {
            "item": self.item,
            "n": self.existing.number,
        }


@dataclass(frozen=True)
class CheckedUpload:
    """What an upload turned out to be, once streamed and checked."""

    name: str
    extension: str  # without the dot, lower case
    content_type: str
    sha256: str
    size: int


# File types are read letter by letter ("an EXE", "an MP3", "a PNG"): "an" before a letter
# whose name starts with a vowel sound; these few are said as words ("a RAR file").
_AN_LETTERS = frozenset("AEFHILMNORSX")
_SAID_AS_WORDS = frozenset({"RAR", "HEIC", "NES"})


def a_file_of_type(extension: str) -> str:
    """“an EXE file”, “a PNG file”: the file type with its English article."""
    name = extension.upper()
    if name[:1] in _AN_LETTERS and name not in _SAID_AS_WORDS:
        return _("an %(type)s file") % {"type": name}
    return _("a %(type)s file") % {"type": name}


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError({"file": [ValidationError(message, code=code)]})


def max_upload_bytes() -> int:
    return settings.AIMS_EVIDENCE_MAX_MB * 1024 * 1024


def allowed_extensions() -> list[str]:
    return [ext.lower().lstrip(".") for ext in settings.AIMS_EVIDENCE_ALLOWED_TYPES]


def evidence_clean_name(*, name: str) -> str:
    """A safe display name for an uploaded file, or a refusal.

    A name that names folders (``../../etc/passwd.pdf``, ``C:\\x\\y.pdf``) is refused rather
    than quietly shortened: it was not made by a browser, and the uploader should know what
    was kept. Control characters and leading dots go; the name is cut to a sane length
    keeping its extension. (Browsers, and Django's upload parser, already send only the last
    part of a path, so over HTTP such a name arrives as its last part.)
    """
    name = unicodedata.normalize("NFC", name or "")
    if "/" in name or "\\" in name or name.strip() in ("..", "."):
        raise _refuse(
            _(
                "The file name “%(name)s” contains a folder path. Upload the file under its "
                "own name only."
            )
            % {"name": _CONTROL.sub("", name)[:100]},
            "path",
        )
    name = _CONTROL.sub("", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cf", "Cs"))
    name = " ".join(name.split()).lstrip(". ").rstrip(". ")
    if "." not in name or not name.rsplit(".", 1)[0]:
        raise _refuse(_("The file needs a name with an extension, such as report.pdf."), "no_name")
    if len(name) > MAX_NAME_LENGTH:
        stem, ext = name.rsplit(".", 1)
        name = f"{stem[: MAX_NAME_LENGTH - len(ext) - 1]}.{ext}"
    return name


def evidence_check_upload(*, upload: Any) -> CheckedUpload:
    """Check size, type and content of ``upload`` while hashing it, in chunks.

    Raises ``ValidationError({"file": [...]})`` with a message the uploader can act on.
    """
    name = evidence_clean_name(name=getattr(upload, "name", "") or "")
    extension = name.rsplit(".", 1)[1].lower()
    if extension in MACRO_EXTENSIONS:
        raise _refuse(macro_refusal(stream=io.BytesIO(), extension=extension), "macros")
    allowed = allowed_extensions()
    if extension not in allowed or (extension not in BINARY_TYPES and extension not in TEXT_TYPES):
        raise _refuse(
            _("Files of type .%(ext)s are not accepted as evidence. Accepted: %(allowed)s.")
            % {"ext": extension, "allowed": ", ".join(allowed)},
            "extension",
        )
    limit = max_upload_bytes()
    declared = getattr(upload, "size", None)
    too_big = _("The file is larger than the %(mb)s MB limit for evidence.") % {
        "mb": settings.AIMS_EVIDENCE_MAX_MB
    }
    if declared is not None and declared > limit:
        raise _refuse(too_big, "too_large")

    digest = hashlib.sha256()
    size = 0
    head = b""
    is_text = extension in TEXT_TYPES
    decoder = codecs.getincrementaldecoder("utf-8")() if is_text else None
    not_text = _(
        "The file is named .%(ext)s but is not plain UTF-8 text. Save it as UTF-8 text, or "
        "upload it in its own format."
    ) % {"ext": extension}
    if hasattr(upload, "seek"):
        upload.seek(0)
    for chunk in (
        upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    ):
        size += len(chunk)
        if size > limit:
            raise _refuse(too_big, "too_large")
        digest.update(chunk)
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        if decoder is not None:
            if b"\x00" in chunk:
                raise _refuse(not_text, "not_text")
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                raise _refuse(not_text, "not_text") from None
    if size == 0:
        raise _refuse(_("The file is empty."), "empty")
    if decoder is not None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise _refuse(not_text, "not_text") from None

    kind = filetype.guess(head)
    sniffed = kind.extension if kind is not None else None
    if is_text:
        if sniffed is not None:
            raise _refuse(
                _(
                    "The file is named .%(ext)s but its content is %(found)s. "
                    "Upload it under its real type."
                )
                % {"ext": extension, "found": a_file_of_type(sniffed)},
                "mismatch",
            )
        content_type = TEXT_TYPES[extension]
    else:
        expected, content_type = BINARY_TYPES[extension]
        if sniffed not in expected:
            found = a_file_of_type(sniffed) if sniffed else _("of no recognised type")
            raise _refuse(
                _(
                    "The file is named .%(ext)s but its content is %(found)s. Only files whose "
                    "content matches their name are accepted."
                )
                % {"ext": extension, "found": found},
                "mismatch",
            )
    if hasattr(upload, "seek"):
        upload.seek(0)
        refusal = macro_refusal(stream=upload, extension=extension)
        upload.seek(0)
        if refusal:
            raise _refuse(refusal, "macros")
    return CheckedUpload(
        name=name,
        extension=extension,
        content_type=content_type,
        sha256=digest.hexdigest(),
        size=size,
    )


def evidence_find_duplicate(
    *, organization: Organization, user: Any, sha256: str
) -> EvidenceFile | None:
    """A version with the same bytes in ``organization`` that ``user`` can see, if any."""
    return (
        restrict(EvidenceFile.objects.all(), user, Action.VIEW)
        .filter(item__organization=organization, sha256=sha256)
        .select_related("item__organization")
        .order_by("-number", "-pk")
        .first()
    )


def _lock_content(*, organization_id: int, sha256: str) -> None:
    """Hold uploads of the same bytes to one organisation until this transaction ends, so two
    at once cannot both pass the duplicate check. Postgres: a transaction-scoped advisory
    lock on (organisation, hash); SQLite already runs one writing transaction at a time."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(f"evidence:{organization_id}:{sha256}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
        )


def _store_version(
    *,
    item: EvidenceItem,
    user: Any,
    upload: Any,
    checked: CheckedUpload,
    note: str,
    stored: list[str],
) -> EvidenceFile:
    """Inside a transaction, with ``item`` locked: save the bytes and the version row."""
    version = EvidenceFile(
        item=item,
        number=next_number(EvidenceFile.objects.filter(item=item), owner=item),
        original_name=checked.name,
        extension=f".{checked.extension}",
        sha256=checked.sha256,
        size=checked.size,
        content_type=checked.content_type,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        note=note,
    )
    version.file.save(checked.name, upload, save=False)
    stored.append(version.file.name)
    version.save()
    item.current_file = version
    item.save(update_fields=["current_file"])
    return version


def _discard(stored: list[str]) -> None:
    """Delete files written by a failed attempt (no row refers to them any more)."""
    for name in stored:
        if not EvidenceFile.objects.filter(file=name).exists():
            default_storage.delete(name)


def _set_links(item: EvidenceItem, *, links: Mapping[str, Iterable[Any] | None]) -> None:
    """Set the named registered links of a new item (records already checked by its form)."""
    for spec in registry:
        records = links.get(spec.accessor)
        if records is not None:
            getattr(item, spec.accessor).set(records)


def evidence_create(
    *,
    organization: Organization,
    user: Any,
    title: str,
    kind: str,
    url: str = "",
    description: str = "",
    owner: Any = None,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    period_from: datetime.date | None = None,
    period_until: datetime.date | None = None,
    links: Mapping[str, Iterable[Any] | None] | None = None,
    upload: Any = None,
    note: str = "",
) -> EvidenceItem:
    """Record a new evidence item: a link, or a file with its first version.

    ``links`` maps a registered link (``aims.evidence.links``, e.g. ``"risks"``) to the
    records the item supports.

    Raises ``ValidationError`` (bad upload or item), ``DuplicateEvidence`` (the bytes are
    already evidence here) or ``PermissionDenied``.
    """
    if kind == EvidenceKind.FILE and upload is None:
        raise _refuse(_("Choose the file to upload."), "required")
    if kind == EvidenceKind.LINK and upload is not None:
        raise _refuse(_("A link item has no file; choose “File” to upload one."), "link_file")
    checked = evidence_check_upload(upload=upload) if upload is not None else None
    stored: list[str] = []
    try:
        with transaction.atomic():
            if not can_add(user, EvidenceItem, organization.pk):
                raise PermissionDenied(_("Your role does not allow adding evidence here."))
            if checked is not None:
                _lock_content(organization_id=organization.pk, sha256=checked.sha256)
                duplicate = evidence_find_duplicate(
                    organization=organization, user=user, sha256=checked.sha256
                )
                if duplicate is not None:
                    raise DuplicateEvidence(duplicate)
            item = EvidenceItem(
                organization=organization,
                title=title,
                description=description,
                kind=kind,
                url=url if kind == EvidenceKind.LINK else "",
                owner=owner,
                valid_from=valid_from,
                valid_until=valid_until,
                period_from=period_from,
                period_until=period_until,
            )
            item.full_clean(exclude=["current_file"])
            item.save()
            _set_links(item, links=links or {})
            if checked is not None:
                _store_version(
                    item=item, user=user, upload=upload, checked=checked, note=note, stored=stored
                )
    except BaseException:
        _discard(stored)
        raise
    return item


def evidence_upload(*, item: EvidenceItem, user: Any, upload: Any, note: str = "") -> EvidenceFile:
    """Add a new version of ``item``'s file; it becomes the current file.

    Needs the right to change the item, re-checked on the locked row.
    """
    checked = evidence_check_upload(upload=upload)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = (
                restrict(EvidenceItem.objects.select_for_update(of=("self",)), user, Action.CHANGE)
                .filter(pk=item.pk)
                .first()
            )
            if locked is None or not can_add(
                user, EvidenceFile, locked.organization_id, parent=locked
            ):
                raise PermissionDenied(_("Your role does not allow changing this evidence."))
            if locked.kind != EvidenceKind.FILE:
                raise _refuse(_("This item is a link; it has no file versions."), "link_file")
            _lock_content(organization_id=locked.organization_id, sha256=checked.sha256)
            duplicate = evidence_find_duplicate(
                organization=locked.organization, user=user, sha256=checked.sha256
            )
            if duplicate is not None:
                raise DuplicateEvidence(duplicate)
            version = _store_version(
                item=locked, user=user, upload=upload, checked=checked, note=note, stored=stored
            )
    except BaseException:
        _discard(stored)
        raise
    item.refresh_from_db()
    return version


def evidence_link_add(
    *, item: EvidenceItem, user: Any, links: Mapping[str, Iterable[Any]]
) -> EvidenceItem:
    """Link an existing item to more records of the registered links (e.g. ``"risks"``).

    The records must exist, be visible to ``user`` and (where the linked model belongs to an
    organisation) be of the item's organisation; the user must be allowed to change the item.
    """
    unknown = set(links) - set(registry.accessors)
    if unknown:
        raise ValidationError(_("Unknown link: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    with transaction.atomic():
        locked = (
            restrict(EvidenceItem.objects.select_for_update(of=("self",)), user, Action.CHANGE)
            .filter(pk=item.pk)
            .first()
        )
        if locked is None:
            raise PermissionDenied(_("Your role does not allow changing this evidence."))
        found: dict[str, list[Any]] = {}
        for spec in registry:
            ids = {getattr(record, "pk", record) for record in links.get(spec.accessor, ())}
            found[spec.accessor] = list(
                spec.reachable(user, locked.organization_id).filter(pk__in=ids)
            )
            if len(found[spec.accessor]) != len(ids):
                raise ValidationError(
                    _("Some of the records to link do not exist or are out of reach.")
                )
        for accessor, records in found.items():
            if records:
                getattr(locked, accessor).add(*records)
    return locked


def evidence_purge_files(*, names: Iterable[str]) -> None:
    """After items were deleted: remove the stored files no version refers to any more, once
    the deletion is committed. A delete rolled back (a deadlock retried until it gave up, a
    later step refused) keeps its rows, so it must keep their files too."""
    pending = [name for name in names if name]

    def purge() -> None:
        for name in pending:
            if not EvidenceFile.objects.filter(file=name).exists():
                default_storage.delete(name)

    transaction.on_commit(purge)
