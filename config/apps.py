from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Registers the project-wide plumbing (schema extensions, templates)."""

    name = "config"
    verbose_name = "Service configuration"

    def ready(self):
        from config import schema  # noqa: F401  (registers drf-spectacular extensions)
