from django.apps import AppConfig


class CoreConfig(AppConfig):
    """An app so that `manage.py maintenance`, `worker` and `scheduler` are found and its jobs
    registered; no models."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from core.periodic import PERIODIC_JOBS, frequent
        from core.tasks import task_results_purge, task_rows_take_back

        # First of all jobs: a row taken back is running work, not work to resume.
        PERIODIC_JOBS.register("task_rows_taken_back", frequent(task_rows_take_back))
        PERIODIC_JOBS.register("task_results_purged", task_results_purge)
