from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    """Evidence files and links: hashing, versions, validity and expiry."""

    name = "aims.evidence"
    label = "evidence"
    verbose_name = "Evidence"
