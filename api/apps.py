from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The HTTP framework every surface shares; owns the idempotency records."""

    name = "api"
    verbose_name = "API"

    def ready(self):
        from api import idempotency, schema  # noqa: F401  (schema registers its extensions)
        from core.periodic import PERIODIC_JOBS

        PERIODIC_JOBS.register("idempotency_keys_purged",
                               lambda *, grace: idempotency.purge_expired())
