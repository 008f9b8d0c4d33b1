from django.apps import AppConfig


class WebhooksAppConfig(AppConfig):
    name = "webhooks_app"
    verbose_name = "Webhooks"

    def ready(self):
        from accounts.services import TEST_DATA_RESETS
        from core.periodic import PERIODIC_JOBS
        from webhooks_app import services

        PERIODIC_JOBS.register("deliveries_resumed", services.deliveries_resume)
        PERIODIC_JOBS.register("deliveries_purged", services.deliveries_purge)
        TEST_DATA_RESETS.register("webhooks", services.webhooks_reset)
