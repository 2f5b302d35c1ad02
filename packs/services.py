"""Evidence packs: start one (``evidence_pack_start``, ``delta_pack_start``) and build it
(``evidence_pack_run``, the work of the job ``packs.tasks.evidence_pack_build``).

Building is idempotent per pack row: a pack whose file is recorded is never built again,
and a rerun after a killed worker replaces whatever file the dead attempt left under the
pack's name, so a retried job still yields one pack and one file.
"""

from __future__ import annotations

import tempfile
from typing import Any, NamedTuple

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aims.core import integrity
from aims.core.changelog import ChangeLogTampered, write_checkpoint
from aims.core.jobs import JobContext, job_enqueue
from aims.core.models import Job
from aims.core.pdf import generated_at, html_to_pdf, local_text, render_html
from aims.core.permissions import Action, can_add, restrict
from aims.core.tenancy import Organization
from aims.evidence.models import EvidenceFile
from aims.inventory.models import AISystem
from engagements.models import Engagement
from packs import tasks
from packs.bundle import (
    Member,
    MemberMismatch,
    PackUnreadable,
    read_manifest,
    sha256_of,
    write_zip,
)
from packs.delta import (
    DeltaFile,
    earlier_files,
    gather_delta,
    gather_delta_files,
    same_audience,
)
from packs.gather import (
    SECTIONS,
    evidence_members,
    gather_pack,
    held_evidence,
    pack_reader,
    scope_description,
    scope_for,
)
from packs.models import EvidencePack, PackKind, ScopeKind

PACK_CSS = ("packs/pack_print.css",)
EVIDENCE_FILE_LABEL = "evidence.evidencefile"  # how a pack's ``contents`` names file versions
JOB_KIND = "evidence_pack"
# Why a delta leaves out a file its later pack held (the manifest's ``not_carried``).
NOT_CARRIED_DELETED = "deleted since the later pack was built"
NOT_CARRIED_OUT_OF_SCOPE = "outside this delta's scope now"


# --- Starting ----------------------------------------------------------------------------


def _check_may_start(*, organization: Organization, user: Any) -> None:
    if not can_add(user, EvidencePack, organization.pk):
        raise PermissionDenied(_("Only officers and administrators start evidence packs."))


def _scope_label(*, scope_kind: str, ai_system: Any, engagement: Any) -> str:
    if scope_kind == ScopeKind.SYSTEM and ai_system is not None:
        return str(ai_system.name)[:250]
    if scope_kind == ScopeKind.ENGAGEMENT and engagement is not None:
        return str(engagement.name)[:250]
    return ""


def _queue(*, pack: EvidencePack, user: Any) -> EvidencePack:
    """Create the job first, then the pack naming it (one change-log row for the pack)."""
    job = job_enqueue(
        kind=JOB_KIND,
        title=_("Evidence pack"),
        task=tasks.evidence_pack_build,
        user=user,
        organization=pack.organization,
    )
    pack.job = job
    pack.created_by = user
    pack.save()
    Job.objects.filter(pk=job.pk).update(
        title=f"{pack.reference} {pack.get_kind_display()}: {pack.scope_text}"[:200],
        params={"pack": pack.pk},
    )
    return pack


def evidence_pack_start(
    *,
    organization: Organization,
    user: Any,
    scope_kind: str = ScopeKind.WHOLE,
    ai_system: AISystem | None = None,
    engagement: Engagement | None = None,
) -> EvidencePack:
    """Queue a pack of the whole AIMS, one AI system or one engagement of ``organization``."""
    _check_may_start(organization=organization, user=user)
    if scope_kind not in ScopeKind.values:
        raise ValidationError({"scope_kind": _("Choose what the pack covers.")})
    if scope_kind == ScopeKind.SYSTEM:
        visible = restrict(AISystem.objects.all(), user, Action.VIEW)
        if ai_system is None or not visible.filter(pk=ai_system.pk, organization=organization):
            raise ValidationError({"ai_system": _("Choose an AI system of this organisation.")})
    else:
        ai_system = None
    if scope_kind == ScopeKind.ENGAGEMENT:
        visible = restrict(Engagement.objects.all(), user, Action.VIEW)
        if engagement is None or not visible.filter(pk=engagement.pk, organization=organization):
            raise ValidationError({"engagement": _("Choose an engagement of this organisation.")})
    else:
        engagement = None
    with transaction.atomic():
        pack = EvidencePack(
            organization=organization,
            kind=PackKind.FULL,
            scope_kind=scope_kind,
            ai_system=ai_system,
            engagement=engagement,
            scope_label=_scope_label(
                scope_kind=scope_kind, ai_system=ai_system, engagement=engagement
            ),
        )
        return _queue(pack=pack, user=user)


def delta_pack_start(
    *, organization: Organization, user: Any, base: EvidencePack, target: EvidencePack
) -> EvidencePack:
    """Queue the delta between two built packs of ``organization`` (earlier → later)."""
    _check_may_start(organization=organization, user=user)
    visible = restrict(EvidencePack.objects.all(), user, Action.VIEW).filter(
        organization=organization, kind=PackKind.FULL
    )
    errors = {}
    for name, pack in (("base", base), ("target", target)):
        if pack is None or not visible.filter(pk=pack.pk).exists():
            errors[name] = _("Choose an evidence pack of this organisation.")
        elif not pack.is_ready:
            errors[name] = _("This pack is not built yet.")
    if errors:
        raise ValidationError(errors)
    if base.pk == target.pk or (base.changelog_seq or 0) >= (target.changelog_seq or 0):
        raise ValidationError(
            {"target": _("Choose a pack built after the first one (the later of the two).")}
        )
    # The delta has the later pack's scope; both packs must cover the same kind of scope
    # (and the same AI system), so it never lists what lies outside it. Two engagement packs
    # may be of two engagements (Stage 1 and Stage 2).
    if base.scope_kind != target.scope_kind or (
        target.scope_kind == ScopeKind.SYSTEM and base.ai_system_id != target.ai_system_id
    ):
        raise ValidationError(
            {
                "target": _(
                    "Choose two packs of the same scope (%(base)s is for %(base_scope)s, "
                    "%(target)s for %(target_scope)s)."
                )
                % {
                    "base": base.reference,
                    "base_scope": base.scope_text,
                    "target": target.reference,
                    "target_scope": target.scope_text,
                }
            }
        )
    if not default_storage.exists(base.file.name):
        raise ValidationError(
            {
                "base": _(
                    "The ZIP of %(ref)s is no longer in storage; a delta needs it to know which "
                    "evidence files that pack carried."
                )
                % {"ref": base.reference}
            }
        )
    with transaction.atomic():
        pack = EvidencePack(
            organization=organization,
            kind=PackKind.DELTA,
            scope_kind=target.scope_kind,
            ai_system=target.ai_system,
            engagement=target.engagement,
            scope_label=target.scope_label,
            base=base,
            target=target,
        )
        return _queue(pack=pack, user=user)


# --- Building ----------------------------------------------------------------------------


def _storage_name(pack: EvidencePack) -> str:
    return f"packs/{pack.organization_id}/{pack.filename}"


def _checkpoint() -> dict[str, Any]:
    try:
        checkpoint, _written = write_checkpoint()
    except ChangeLogTampered as exc:
        raise RuntimeError(
            _("The change log does not verify (%(problem)s); no pack was made.") % {"problem": exc}
        ) from exc
    return {
        "format": integrity.CHECKPOINT_FORMAT,
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "time": checkpoint.time,
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
    }


def _metadata(pack: EvidencePack, checkpoint: dict[str, Any], built_at: Any) -> dict[str, Any]:
    organization = pack.organization
    return {
        "organization": {
            "id": organization.pk,
            "name": organization.name,
            "slug": organization.slug,
        },
        "pack": {
            "reference": pack.reference,
            "number": pack.number,
            "kind": pack.kind,
            "built_at": built_at.isoformat(),
            "prepared_by": pack.created_by.display_name if pack.created_by else "",
            "changelog_seq": checkpoint["seq"],
            "base": pack.base.reference if pack.base else None,
            "target": pack.target.reference if pack.target else None,
        },
        "scope": {
            "kind": pack.scope_kind,
            "label": pack.scope_text,
            "ai_system": pack.ai_system_id,
            "engagement": pack.engagement_id,
        },
        "changelog_checkpoint": checkpoint,
    }


class Prepared(NamedTuple):
    """A pack ready to be written: its HTML, the ZIP's evidence members, the records it
    holds, the checkpoint, and what else its manifest says (a delta's removed files)."""

    html: str
    members: list[Member]
    contents: dict[str, list[int]]
    checkpoint: dict[str, Any]
    manifest_extra: dict[str, Any]


def _check_scope_still_there(pack: EvidencePack) -> None:
    """A pack whose AI system or engagement was deleted before it was built fails with the
    reason (the job shows it) instead of reading a scope that is gone."""
    if pack.scope_kind == ScopeKind.SYSTEM and pack.ai_system_id is None:
        gone = _("The AI system of this pack (%(scope)s) was deleted before the pack was built.")
    elif pack.scope_kind == ScopeKind.ENGAGEMENT and pack.engagement_id is None:
        gone = _("The engagement of this pack (%(scope)s) was deleted before the pack was built.")
    else:
        return
    raise RuntimeError(
        gone % {"scope": pack.scope_label or "—"} + " " + _("Start a new pack for a current scope.")
    )


def pack_html_and_members(pack: EvidencePack, *, progress: Any = None) -> Prepared:
    """Gather the pack's records and files (the bench calls this to time the parts)."""
    progress = progress or (lambda percent, message: None)
    progress(2, _("Signing a change-log checkpoint"))
    _check_scope_still_there(pack)
    checkpoint = _checkpoint()
    organization = pack.organization
    scope = scope_for(
        organization=organization,
        scope_kind=pack.scope_kind,
        ai_system=pack.ai_system,
        engagement=pack.engagement,
    )
    info = scope_description(
        scope_kind=pack.scope_kind, ai_system=pack.ai_system, engagement=pack.engagement
    )
    reader = pack_reader(organization=organization, scope=scope)
    extra: dict[str, Any] = {}
    if pack.kind == PackKind.DELTA:
        if pack.base is None or pack.target is None:
            raise RuntimeError(_("One of the two packs of this delta no longer exists."))
        progress(10, _("Reading the earlier pack's manifest"))
        earlier = earlier_files(_earlier_manifest(pack.base))
        progress(20, _("Reading the change log"))
        delta = gather_delta(organization=organization, base=pack.base, target=pack.target)
        files, not_carried, members = _delta_evidence(pack, reader=reader, earlier=earlier)
        withheld_files = 0
        if not same_audience(pack.base, pack.target):  # see packs.delta: counted, not named
            withheld_files = sum(1 for f in files if not f.carried)
            files = [f for f in files if f.carried]
        extra["removed_files"] = [f.manifest_line() for f in files if not f.carried]
        if withheld_files:
            extra["removed_files_withheld"] = withheld_files
        extra["not_carried"] = not_carried
        context = {
            "delta": delta,
            "files": files,
            "carried": [f for f in files if f.carried],
            "removed_files": [f for f in files if not f.carried],
            "removed_files_withheld": withheld_files,
            "not_carried": not_carried,
            "evidence_files": len(members),
            "scope_info": info,
            "checkpoint": checkpoint,
        }
        template, contents = "packs/delta_print.html", dict(pack.target.contents)
        title = _("Delta pack %(ref)s") % {"ref": pack.reference}
    else:
        gathered = gather_pack(
            organization=organization, reader=reader, scope_info=info, progress=progress
        )
        members = evidence_members(gathered.evidence)
        context = {
            "sections": gathered.sections,
            "scope_info": info,
            "checkpoint": checkpoint,
            "evidence_files": len(members),
        }
        template, contents = "packs/pack_print.html", gathered.contents
        title = _("Evidence pack %(ref)s") % {"ref": pack.reference}
    context["built_at_text"] = local_text(generated_at(organization), organization)
    html = render_html(
        template_name=template,
        context={"pack": pack, **context},
        organization=organization,
        title=title,
    )
    return Prepared(html, members, contents, checkpoint, extra)


def _earlier_manifest(base: EvidencePack) -> dict[str, Any]:
    """The manifest of ``base``'s stored ZIP, once the ZIP is shown to be the one recorded:
    what the earlier pack really carried, even for evidence deleted since."""
    name = base.file.name
    try:
        with default_storage.open(name, "rb") as handle:
            sha256, _size = sha256_of(handle)
            if sha256 != base.sha256:
                raise RuntimeError(
                    _(
                        "The stored ZIP of the earlier pack %(ref)s is not the one it was built "
                        "as (its SHA-256 is %(actual)s, not the recorded %(expected)s), so it "
                        "cannot say which evidence files that pack carried. Restore it from "
                        "backup and retry."
                    )
                    % {"ref": base.reference, "actual": sha256, "expected": base.sha256}
                )
            manifest = read_manifest(handle)
    except FileNotFoundError as exc:
        raise RuntimeError(
            _(
                "The ZIP of the earlier pack %(ref)s is no longer in storage (%(name)s), so "
                "this delta cannot tell which evidence files that pack already carried. "
                "Restore the file from backup and retry, or build the delta from another pack."
            )
            % {"ref": base.reference, "name": name}
        ) from exc
    except PackUnreadable as exc:
        raise RuntimeError(
            _("The ZIP of the earlier pack %(ref)s cannot be read: %(problem)s.")
            % {"ref": base.reference, "problem": exc}
        ) from exc
    return manifest


def _delta_evidence(
    pack: EvidencePack, *, reader: Any, earlier: list[DeltaFile]
) -> tuple[list[DeltaFile], list[dict], list[Member]]:
    """The delta's evidence files (added, changed, removed), the later pack's files it leaves
    out and why, and the ZIP members of the files it carries (refused if any is missing)."""
    held_ids = pack.target.contents.get(EVIDENCE_FILE_LABEL, [])
    later = held_evidence(organization=pack.organization, reader=reader, file_ids=held_ids)
    files = gather_delta_files(earlier=earlier, later=later)
    carried = [f for f in files if f.carried and f.entry is not None]
    _check_stored(pack, carried)
    lines = {f.entry.item_id: f.manifest_line() for f in carried}
    members = evidence_members(
        [f.entry for f in carried], manifest=lambda entry: lines[entry.item_id], check_hashes=True
    )
    return files, _not_carried(held_ids, later=later, earlier=earlier), members


def _not_carried(held_ids: list[int], *, later: list[Any], earlier: list[DeltaFile]) -> list[dict]:
    """The file versions the later pack held that the delta leaves out although they are
    new since the earlier pack: deleted since, or outside the delta's scope now (by id)."""
    shown = {entry.file_id for entry in later}
    earlier_hashes = {f.sha256 for f in earlier}
    earlier_items = {f.item_id for f in earlier}
    rows = {
        pk: (item_id, sha256)
        for pk, item_id, sha256 in EvidenceFile.objects.filter(pk__in=held_ids).values_list(
            "pk", "item_id", "sha256"
        )
    }
    out = []
    for pk in sorted(set(held_ids) - shown):
        if pk not in rows:
            out.append({"evidence_file": pk, "reason": NOT_CARRIED_DELETED})
            continue
        item_id, sha256 = rows[pk]
        if item_id not in earlier_items or sha256 not in earlier_hashes:
            out.append({"evidence_file": pk, "reason": NOT_CARRIED_OUT_OF_SCOPE})
    return out


def _missing_text(pack: EvidencePack, missing: list[DeltaFile]) -> str:
    names = "; ".join(
        f"{f.title} v{f.version} ({f.entry.storage_name if f.entry else f.sha256})" for f in missing
    )
    return _(
        "%(count)s evidence file(s) this delta must carry are missing from storage: "
        "%(names)s. No pack was stored: a delta without them would "
        "not give the auditor the evidence added or changed since %(base)s. Restore the files "
        "from the backup of the evidence storage and retry."
    ) % {"count": len(missing), "names": names, "base": pack.base.reference if pack.base else ""}


def _check_stored(pack: EvidencePack, carried: list[DeltaFile]) -> None:
    """Refuse, before anything is written, a delta whose files are not all in storage."""
    missing = [f for f in carried if not default_storage.exists(f.entry.storage_name)]
    if missing:
        raise RuntimeError(_missing_text(pack, missing))


def evidence_pack_build(*, pack: EvidencePack, context: JobContext | None = None) -> dict:
    """Build ``pack``'s PDF and ZIP and record them on the row (nothing if already built)."""
    if pack.is_ready:
        return {"pack": pack.reference, "sha256": pack.sha256}

    def progress(percent: int, message: str) -> None:
        if context is not None:
            context.progress(percent, message)

    html, members, contents, checkpoint, extra = pack_html_and_members(pack, progress=progress)
    progress(62, _("Rendering the PDF"))
    pdf = html_to_pdf(html, stylesheets=PACK_CSS)
    pdf_name = pack.filename.removesuffix(".zip") + ".pdf"
    built_at = timezone.now()
    progress(85, _("Packing the evidence files"))
    everything = [Member(path=pdf_name, content=pdf), *members]
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as handle:
        try:
            manifest = write_zip(
                handle,
                members=everything,
                metadata={**_metadata(pack, checkpoint, built_at), **extra},
                built_at=built_at,
                ring=integrity.keyring(),
                progress=lambda i: (
                    progress(
                        85 + int(10 * i / max(1, len(everything))),
                        _("Packing the evidence files"),
                    )
                    if i % 25 == 0
                    else None
                ),
            )
        except (FileNotFoundError, MemberMismatch) as exc:
            if pack.kind != PackKind.DELTA:
                raise
            # Gone or altered since it was checked: still never a silently incomplete ZIP.
            raise RuntimeError(
                _("While the delta was packed: %(problem)s. %(advice)s")
                % {"problem": exc, "advice": _("No pack was stored; restore the file and retry.")}
            ) from exc
        sha256, size = sha256_of(handle)
        name = _storage_name(pack)
        progress(96, _("Storing the pack"))
        # A dead attempt may have left its file under this name: the rerun replaces it.
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, File(handle, name=pack.filename))
    with transaction.atomic():
        locked = EvidencePack.objects.select_for_update(of=("self",)).get(pk=pack.pk)
        if locked.is_ready:  # another run finished first: keep its file, drop this one
            if saved != locked.file.name:
                default_storage.delete(saved)
            return {"pack": locked.reference, "sha256": locked.sha256}
        locked.file.name = saved
        locked.sha256, locked.size = sha256, size
        locked.changelog_seq = checkpoint["seq"]
        locked.built_at = built_at
        locked.contents = contents
        locked.save(
            update_fields=["file", "sha256", "size", "changelog_seq", "built_at", "contents"]
        )
    return {"pack": pack.reference, "files": len(manifest["files"]), "size": size}


def evidence_pack_run(job: Job, context: JobContext) -> dict:
    """The job's work: find the pack by its job and build it."""
    pack = (
        EvidencePack.objects.select_related(
            "organization", "ai_system", "engagement", "created_by", "base", "target"
        )
        .filter(job=job)
        .first()
    )
    if pack is None:
        raise ValueError(_("This job's evidence pack no longer exists."))
    try:
        return evidence_pack_build(pack=pack, context=context)
    except SoftTimeLimitExceeded as exc:
        raise RuntimeError(
            _(
                "Building the pack took longer than its time limit (%(seconds)s s) and was "
                "stopped. Retry it, or ask an operator to raise AIMS_PACK_SOFT_TIME_LIMIT."
            )
            % {"seconds": settings.AIMS_PACK_SOFT_TIME_LIMIT}
        ) from exc


SECTION_TITLES = [spec.title for spec in SECTIONS]
