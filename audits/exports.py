"""The PDFs of an audit report version and of management review minutes, rendered like
the other documents (``aims.core.pdf``).

The caller has fetched the version through the permission layer. A version not approved is
marked as such on every page (a watermark) and in its opening banner.
"""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _

from aims.core.documents import FROZEN_STATUSES
from aims.core.pdf import local_text, render_pdf
from audits.models import AuditReport, FindingResult, ReviewMinutes


def report_title(report: AuditReport) -> str:
    return _("Audit report %(audit)s, version %(n)s (%(status)s)") % {
        "audit": report.audit.reference,
        "n": report.number,
        "status": report.get_status_display(),
    }


def report_export_pdf(*, report: AuditReport) -> tuple[str, bytes]:
    """(filename, PDF): approval, the audit's plan and scope, summary, conclusions, results."""
    organization = report.organization
    audit = report.audit
    rows = report.result_rows()
    tally = Counter(row["result"] for row in rows if row["result"])
    counts = [(label, tally.get(value, 0)) for value, label in FindingResult.choices]
    content = render_pdf(
        template_name="audits/report_print.html",
        context={
            "report": report,
            "audit": audit,
            "is_approved": report.status in FROZEN_STATUSES,
            "approved_at_text": local_text(report.approved_at, organization),
            "submitted_at_text": local_text(report.submitted_at, organization),
            "rows": rows,
            "counts": counts,
            "excluded": sum(1 for row in rows if row["excluded"]),
            "auditors": [u.display_name for u in audit.auditors.all()],
            "clauses": list(audit.clauses.order_by("sort_key")),
            "controls": list(audit.controls.order_by("sort_key")),
            "systems": [s.name for s in audit.ai_systems.all()],
        },
        organization=organization,
        title=report_title(report),
    )
    filename = f"audit-report-{organization.slug}-{audit.reference.lower()}-v{report.number}.pdf"
    return filename, content


def minutes_title(minutes: ReviewMinutes) -> str:
    return _("Management review %(review)s minutes, version %(n)s (%(status)s)") % {
        "review": minutes.review.reference,
        "n": minutes.number,
        "status": minutes.get_status_display(),
    }


def minutes_export_pdf(*, minutes: ReviewMinutes) -> tuple[str, bytes]:
    """(filename, PDF): approval, attendees, the agenda with each input's figures and
    minutes, the decisions and the conclusions."""
    organization = minutes.organization
    review = minutes.review
    content = render_pdf(
        template_name="audits/minutes_print.html",
        context={
            "minutes": minutes,
            "review": review,
            "record": minutes.content(),
            "is_approved": minutes.status in FROZEN_STATUSES,
            "approved_at_text": local_text(minutes.approved_at, organization),
            "submitted_at_text": local_text(minutes.submitted_at, organization),
        },
        organization=organization,
        title=minutes_title(minutes),
    )
    filename = (
        f"management-review-{organization.slug}-{review.reference.lower()}-v{minutes.number}.pdf"
    )
    return filename, content
