from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (``manage.py seed_demo``): composition layer, top of the stack; no models."""

    name = "demo"
    verbose_name = "Demo data"
