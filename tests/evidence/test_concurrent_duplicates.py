"""Two uploads of the same bytes at the same moment: one is stored, the other is offered the
first as a duplicate (the check and the insert cannot interleave)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from aims.evidence import services
from aims.evidence.models import EvidenceFile, EvidenceItem
from tests.evidence.factories import pdf_bytes, upload


@pytest.mark.django_db(transaction=True)
def test_racing_duplicate_uploads_store_the_bytes_once(org, users, monkeypatch):
    content = pdf_bytes("racing")
    first_checked = threading.Event()
    release_first = threading.Event()
    real_store = services._store_version

    def store_slowly(**kwargs):
        # The first upload has passed its duplicate check; hold it before it writes.
        first_checked.set()
        assert release_first.wait(10)
        return real_store(**kwargs)

    monkeypatch.setattr(services, "_store_version", store_slowly)
    outcomes: dict[str, object] = {}

    def upload_as(name: str) -> None:
        try:
            outcomes[name] = services.evidence_create(
                organization=org,
                user=users.officer,
                title=f"Access review ({name})",
                kind="file",
                upload=upload("review.pdf", content),
            )
        except Exception as exc:
            outcomes[name] = exc
        finally:
            connection.close()

    first = threading.Thread(target=upload_as, args=("first",))
    first.start()
    assert first_checked.wait(10)
    second = threading.Thread(target=upload_as, args=("second",))
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the second upload must wait for the first to finish"
    release_first.set()
    first.join(10)
    second.join(10)

    assert isinstance(outcomes["first"], EvidenceItem)
    assert isinstance(outcomes["second"], services.DuplicateEvidence)
    assert outcomes["second"].item == outcomes["first"]
    assert EvidenceFile.objects.filter(sha256=outcomes["first"].current_file.sha256).count() == 1
