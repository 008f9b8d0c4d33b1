from django.apps import AppConfig


class CoreConfig(AppConfig):
    """An app only so that `manage.py maintenance` is found; core has no models."""

    name = "core"
    verbose_name = "Core"
