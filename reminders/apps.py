from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """Reminders of due dates across every register (review dates, due actions, expiry,
    reporting deadlines), delivered in the product and by e-mail. Reads every app, so it
    sits in the top layer beside ``readiness``."""

    name = "reminders"
    verbose_name = "Reminders"
    default_auto_field = "django.db.models.BigAutoField"
