"""The sweep for stored files no row refers to (an upload whose transaction rolled back)."""

from __future__ import annotations

import datetime
import os

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from aims.core.models import Job
from aims.core.storage_sweep import sweep_unreferenced_files


def _age(name: str, days: int) -> None:
    moment = (timezone.now() - datetime.timedelta(days=days)).timestamp()
    os.utime(default_storage.path(name), (moment, moment))


def test_it_deletes_old_unreferenced_files_and_keeps_the_rest(org, db):
    kept = default_storage.save("jobs/kept.pdf", ContentFile(b"%PDF referenced"))
    Job.objects.create(kind="export", title="Export", result_file=kept)
    orphan = default_storage.save("evidence/orphan.pdf", ContentFile(b"left behind"))
    fresh = default_storage.save("evidence/fresh.pdf", ContentFile(b"upload in flight"))
    for name in (kept, orphan):
        _age(name, 3)
    result = sweep_unreferenced_files()
    assert orphan in result.deleted and kept not in result.deleted
    assert default_storage.exists(kept)
    assert not default_storage.exists(orphan)
    assert default_storage.exists(fresh) and result.kept_recent >= 1
    dry = sweep_unreferenced_files(dry_run=True)
    assert orphan not in dry.deleted
