from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The HTTP framework every surface shares; owns the idempotency records."""

    name = "api"
    verbose_name = "API"

    def ready(self):
        # The formats' toolkits declare their surfaces (and schema extensions) on import.
        from api import devdraft, idempotency, oauth, uqpay, v1  # noqa: F401
        from api.stripe import surface  # noqa: F401
        from core.periodic import PERIODIC_JOBS
        from core.sandbox import DUE_WORK, TEST_DATA_RESETS, DueWork

        PERIODIC_JOBS.register("idempotency_keys_purged",
                               lambda *, grace: idempotency.purge_expired())
        TEST_DATA_RESETS.register("idempotency_keys", idempotency.keys_reset)
        DUE_WORK.register("idempotency_keys", lambda *, account, now, limit: DueWork({
            "idempotency_keys_expired": idempotency.keys_expire(account=account, now=now)}))
