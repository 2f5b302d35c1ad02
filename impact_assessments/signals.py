"""Re-assessment triggers: a significant change to an AI system flags its approved
impact assessments "review needed" (42005's process; clause 8.4 asks for reassessment)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from aims.inventory.models import AISystem, AISystemComponent, AISystemDataset
from impact_assessments.services import mark_review_needed

SIGNIFICANT_FIELDS = ("lifecycle_stage", "purpose", "intended_use", "foreseeable_misuse")


@receiver(pre_save, sender=AISystem, dispatch_uid="impact_review_note_change")
def _note_significant_change(sender, instance: AISystem, **kwargs) -> None:
    before = None if instance._state.adding else instance._loaded_snapshot
    instance._significant_changes = [
        f
        for f in SIGNIFICANT_FIELDS
        if before is not None and before.get(f) != getattr(instance, f)
    ]


@receiver(post_save, sender=AISystem, dispatch_uid="impact_review_after_change")
def _flag_after_change(sender, instance: AISystem, created: bool, **kwargs) -> None:
    changed = getattr(instance, "_significant_changes", [])
    if changed:
        labels = ", ".join(str(AISystem._meta.get_field(f).verbose_name) for f in changed)
        mark_review_needed(
            ai_system=instance, reason=_("The AI system changed: %(fields)s.") % {"fields": labels}
        )


@receiver(post_save, sender=AISystemDataset, dispatch_uid="impact_review_dataset_saved")
@receiver(post_save, sender=AISystemComponent, dispatch_uid="impact_review_component_saved")
@receiver(post_delete, sender=AISystemDataset, dispatch_uid="impact_review_dataset_deleted")
@receiver(post_delete, sender=AISystemComponent, dispatch_uid="impact_review_component_deleted")
def _flag_after_part_change(sender, instance, **kwargs) -> None:
    what = _("data set") if sender is AISystemDataset else _("component")
    system = AISystem.objects.filter(pk=instance.ai_system_id).first()
    if system is not None:
        mark_review_needed(
            ai_system=system,
            reason=_("A %(what)s of the AI system changed: %(name)s.")
            % {"what": what, "name": instance.name},
        )
