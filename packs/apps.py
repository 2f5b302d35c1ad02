from django.apps import AppConfig


class PacksConfig(AppConfig):
    """Evidence packs: the AIMS, one AI system or one engagement, as a PDF and a ZIP."""

    name = "packs"
    verbose_name = "Evidence packs"
