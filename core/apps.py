from django.apps import AppConfig


class CoreConfig(AppConfig):
    """An app so that `manage.py maintenance` is found and its jobs registered; no models."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from core.periodic import PERIODIC_JOBS
        from core.tasks import task_results_purge

        PERIODIC_JOBS.register("task_results_purged", task_results_purge)
