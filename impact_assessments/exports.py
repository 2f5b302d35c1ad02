"""The PDF of one impact assessment version, rendered like the SoA's (``aims.core.pdf``).

One version is a small document, so it is answered straight away (as an SoA version is);
only the risk register, which may run to hundreds of pages, goes through a background job.
The caller has already fetched ``assessment`` through the permission layer: whoever may see
the version sees all of it.
"""

from __future__ import annotations

from django.utils.text import slugify
from django.utils.translation import gettext as _

from aims.core.documents import FROZEN_STATUSES
from aims.core.pdf import local_text, render_pdf
from impact_assessments.comparison import assessment_parts
from impact_assessments.models import AssessmentKind, ImpactAssessment


def assessment_title(assessment: ImpactAssessment) -> str:
    return _("%(kind)s: %(system)s, version %(n)s (%(status)s)") % {
        "kind": assessment.get_kind_display(),
        "system": assessment.ai_system.name,
        "n": assessment.number,
        "status": assessment.get_status_display(),
    }


def assessment_filename(assessment: ImpactAssessment) -> str:
    kind = "fria" if assessment.kind == AssessmentKind.FUNDAMENTAL_RIGHTS else "impact"
    system = slugify(assessment.ai_system.name)[:40] or str(assessment.ai_system_id)
    return f"{kind}-assessment-{assessment.organization.slug}-{system}-v{assessment.number}.pdf"


def assessment_export_pdf(*, assessment: ImpactAssessment) -> tuple[str, bytes]:
    """(filename, PDF): approval, review notice, every section, the parties and impacts."""
    organization = assessment.organization
    parties, impacts = assessment_parts(assessment)
    sections = [
        (
            label,
            [
                (str(assessment._meta.get_field(name).verbose_name), getattr(assessment, name))
                for name in names
            ],
        )
        for _key, label, names in assessment.shown_sections()
    ]
    content = render_pdf(
        template_name="impact_assessments/assessment_print.html",
        context={
            "assessment": assessment,
            "is_approved": assessment.status in FROZEN_STATUSES,
            "approved_at_text": local_text(assessment.approved_at, organization),
            "submitted_at_text": local_text(assessment.submitted_at, organization),
            "superseded_at_text": local_text(assessment.superseded_at, organization),
            "sections": sections,
            "parties": parties,
            "impacts": impacts,
        },
        organization=organization,
        title=assessment_title(assessment),
    )
    return assessment_filename(assessment), content
