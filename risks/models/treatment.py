"""Risk treatment (6.1.3, 8.3): the actions of a risk's treatment plan and their statuses."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.models import TrackedModel
from aims.core.permissions import AccessPolicy
from risks.models.risks import Risk


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class TreatmentAction(TrackedModel):
    """One step of a risk's treatment plan."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="treatment_actions",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="risk__organization",
        owner_paths=("owner", "risk__owner"),
        parent_path="risk",
    )

    class Meta:
        ordering = ("due_date", "pk")
        verbose_name = _("treatment action")
        indexes = [
            # Open actions by due date: the register's "actions overdue" flag and filter.
            models.Index(
                fields=["risk", "due_date"],
                condition=Q(status__in=("planned", "in_progress")),
                name="treatment_action_open_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="treatment_action_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="treatment_action_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.risk.get_absolute_url() + "treatment/"

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.due_date
            and self.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
            and self.due_date < timezone.localdate()
        )

    def clean(self) -> None:
        # As the database check ``treatment_action_done_has_date``: a done action says when.
        if self.status == ActionStatus.DONE and not self.completed_on:
            raise ValidationError(
                {"completed_on": _("Enter the date the action was completed.")},
                code="required",
            )
        if self.status != ActionStatus.DONE:
            self.completed_on = None


__all__ = ["ActionStatus", "TreatmentAction"]
