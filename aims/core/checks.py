"""System checks of the platform core (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def changelog_key(app_configs, **kwargs):
    if settings.CHANGELOG_KEYS:
        return []
    return [
        Warning(
            "CHANGELOG_KEYS is not set: the change log is keyed with a key derived from "
            "SECRET_KEY, so rotating SECRET_KEY orphans its rows.",
            hint="Set CHANGELOG_KEYS or CHANGELOG_KEYS_FILE to a key of its own, kept outside "
            "the database (docs/operations.md, 'Change log integrity').",
            id="changelog.W001",
        )
    ]
