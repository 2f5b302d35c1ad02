from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "aims.core"
    label = "core"
    verbose_name = "Platform core"

    def ready(self) -> None:
        # Imported here: the change log's handlers need the models, which load after app configs.
        from aims.core import changelog, checks  # noqa: F401  (checks register on import)

        changelog.connect()
