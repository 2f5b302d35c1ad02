"""Evidence packs: start one (``evidence_pack_start``, ``delta_pack_start``) and build it
(``evidence_pack_run``, the work of the job ``packs.tasks.evidence_pack_build``).

Building is idempotent per pack row: a pack whose file is recorded is never built again,
and a rerun after a killed worker replaces whatever file the dead attempt left under the
pack's name, so a retried job still yields one pack and one file.
"""

from __future__ import annotations

import tempfile
from typing import Any

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
from aims.inventory.models import AISystem
from engagements.models import Engagement
from packs import tasks
from packs.bundle import Member, sha256_of, write_zip
from packs.delta import gather_delta
from packs.gather import (
    SECTIONS,
    evidence_folders,
    gather_pack,
    pack_reader,
    scope_description,
    scope_for,
)
from packs.models import EvidencePack, PackKind, ScopeKind

PACK_CSS = ("packs/pack_print.css",)
JOB_KIND = "evidence_pack"


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


def pack_html_and_members(
    pack: EvidencePack, *, progress: Any = None
) -> tuple[str, list[Member], dict[str, list[int]], dict[str, Any]]:
    """Gather the pack's records; return its HTML, the ZIP's evidence members, the records
    held and the checkpoint (the bench calls this to time the parts)."""
    progress = progress or (lambda percent, message: None)
    progress(2, _("Signing a change-log checkpoint"))
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
    if pack.kind == PackKind.DELTA:
        progress(20, _("Reading the change log"))
        delta = gather_delta(organization=organization, base=pack.base, target=pack.target)
        context = {"delta": delta, "scope_info": info, "checkpoint": checkpoint}
        template, members, contents = "packs/delta_print.html", [], dict(pack.target.contents)
        title = _("Delta pack %(ref)s") % {"ref": pack.reference}
    else:
        reader = pack_reader(organization=organization, scope=scope)
        gathered = gather_pack(
            organization=organization, reader=reader, scope_info=info, progress=progress
        )
        members = []
        for entry in gathered.evidence:
            if not entry.storage_name:
                continue
            safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in entry.original_name)
            for folder in evidence_folders(entry):
                members.append(
                    Member(
                        path=f"evidence/{folder}/{entry.item_id}-v{entry.version}-{safe}",
                        open=lambda name=entry.storage_name: default_storage.open(name, "rb"),
                        compress=False,
                    )
                )
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
    return html, members, contents, checkpoint


def evidence_pack_build(*, pack: EvidencePack, context: JobContext | None = None) -> dict:
    """Build ``pack``'s PDF and ZIP and record them on the row (nothing if already built)."""
    if pack.is_ready:
        return {"pack": pack.reference, "sha256": pack.sha256}

    def progress(percent: int, message: str) -> None:
        if context is not None:
            context.progress(percent, message)

    html, members, contents, checkpoint = pack_html_and_members(pack, progress=progress)
    progress(62, _("Rendering the PDF"))
    pdf = html_to_pdf(html, stylesheets=PACK_CSS)
    pdf_name = pack.filename.removesuffix(".zip") + ".pdf"
    built_at = timezone.now()
    progress(85, _("Packing the evidence files"))
    everything = [Member(path=pdf_name, content=pdf), *members]
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as handle:
        manifest = write_zip(
            handle,
            members=everything,
            metadata=_metadata(pack, checkpoint, built_at),
            built_at=built_at,
            ring=integrity.keyring(),
            progress=lambda i: (
                progress(
                    85 + int(10 * i / max(1, len(everything))), _("Packing the evidence files")
                )
                if i % 25 == 0
                else None
            ),
        )
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
