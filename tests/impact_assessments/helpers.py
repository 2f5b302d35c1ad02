"""Small helpers shared by the impact assessment tests."""

from __future__ import annotations

from aims.core.documents import document_approve
from impact_assessments.services import assessment_submit


def approve(version, users):
    """Send ``version`` for review as the officer and approve it as the administrator."""
    assessment_submit(assessment=version, actor=users.officer)
    return document_approve(version=version, user=users.admin, note="Fine for launch.")
