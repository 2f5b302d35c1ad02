from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "aims.core"
    label = "core"
    verbose_name = "Platform core"

    def ready(self) -> None:
        from aims.core import changelog

        changelog.connect()
