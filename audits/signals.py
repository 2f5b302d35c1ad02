"""An AI incident is a re-assessment trigger (42005's process, clause 8.4): a severe or
EU-serious incident flags the approved impact assessments of the systems it affected."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from audits.models import Incident
from audits.services import incident_flag_assessments


@receiver(post_save, sender=Incident, dispatch_uid="incident_flags_assessments_on_save")
def _flag_on_save(sender, instance: Incident, **kwargs) -> None:
    incident_flag_assessments(incident=instance)


@receiver(
    m2m_changed, sender=Incident.ai_systems.through, dispatch_uid="incident_flags_new_systems"
)
def _flag_on_systems_added(sender, instance, action: str, pk_set, **kwargs) -> None:
    if action == "post_add" and isinstance(instance, Incident):
        incident_flag_assessments(incident=instance, system_ids=pk_set)
