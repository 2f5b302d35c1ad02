"""Workflows on the AI system inventory."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from aims.core.jobs import JobContext, job_enqueue
from aims.core.models import Job
from aims.core.permissions import Action, is_member, restrict

# By module: the task calls this module and this module queues the task.
from aims.inventory import tasks
from aims.inventory.models import AISystem
from aims.organizations.models import Organization

EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "ID"),
    ("reference", "Reference"),
    ("name", "Name"),
    ("status", "Status"),
    ("ai_roles", "Our AI roles"),
    ("eu_ai_act_role", "EU AI Act role"),
    ("lifecycle_stage", "Life-cycle stage"),
    ("eu_ai_act_tier", "EU AI Act tier"),
    ("business_unit", "Business unit"),
    ("owner_email", "Owner e-mail"),
    ("purpose", "Purpose"),
    ("intended_use", "Intended use"),
    ("geographies", "Geographies"),
    ("languages", "Languages"),
    ("human_oversight", "Human oversight"),
    ("datasets", "Data sets"),
    ("components", "Components"),
    ("review_interval_months", "Review every (months)"),
    ("next_review_date", "Next review"),
    ("review_overdue", "Review overdue"),
    ("updated_at", "Last changed (UTC)"),
)

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def inventory_export_allowed(*, organization: Organization, user: Any) -> bool:
    """Every member may export what they can see (an auditor: the systems shared with them)."""
    return is_member(user, organization.pk)


def inventory_export_start(*, organization: Organization, user: Any) -> Job:
    """Queue a CSV export of the organisation's AI systems, as far as ``user`` may see them."""
    if not inventory_export_allowed(organization=organization, user=user):
        raise PermissionDenied(_("Your role does not allow exporting the AI system inventory."))
    return job_enqueue(
        kind="inventory_export",
        title="AI system inventory (CSV)",
        task=tasks.inventory_export,
        organization=organization,
        user=user,
    )


def inventory_export_run(job: Job, context: JobContext) -> dict:
    """Write the CSV: one row per AI system the job's creator can see in the job's organisation.

    Visibility is decided now, through ``restrict``, so a creator who lost access since
    queueing gets no rows. The number of queries does not depend on the number of systems.
    """
    organization = job.organization
    if organization is None:
        raise ValueError("An inventory export belongs to an organisation.")
    context.progress(10, "Collecting AI systems")
    systems = list(
        restrict(AISystem.objects.all(), job.created_by, Action.VIEW)
        .filter(organization=organization)
        .select_related("owner")
        .annotate(
            dataset_count=Count("datasets", distinct=True),
            component_count=Count("components", distinct=True),
        )
        .order_by("name", "pk")
    )
    context.progress(50, f"Writing {len(systems)} rows")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([label for _key, label in EXPORT_COLUMNS])
    for system in systems:
        values = {
            "id": system.pk,
            "reference": system.reference,
            "name": system.name,
            "status": system.get_status_display(),
            "ai_roles": ", ".join(system.get_ai_roles_display()),
            "eu_ai_act_role": system.get_eu_ai_act_role_display(),
            "lifecycle_stage": system.get_lifecycle_stage_display(),
            "eu_ai_act_tier": system.get_eu_ai_act_tier_display(),
            "business_unit": system.business_unit,
            "owner_email": system.owner.email if system.owner else "",
            "purpose": system.purpose,
            "intended_use": system.intended_use,
            "geographies": system.geographies,
            "languages": system.languages,
            "human_oversight": system.human_oversight,
            "datasets": system.dataset_count,
            "components": system.component_count,
            "review_interval_months": system.review_interval_months,
            "next_review_date": system.next_review_date.isoformat()
            if system.next_review_date
            else "",
            "review_overdue": "yes" if system.is_review_overdue else "no",
            "updated_at": system.updated_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
        }
        writer.writerow([_cell(values[key]) for key, _label in EXPORT_COLUMNS])
    context.progress(90, "Saving the file")
    filename = f"ai-systems-{organization.slug}-{timezone.localdate().isoformat()}.csv"
    # UTF-8 with a byte-order mark, so Excel opens accents and non-Latin names correctly.
    context.attach(filename, buffer.getvalue().encode("utf-8-sig"))
    return {"rows": len(systems)}
