from django.apps import AppConfig


class WebhooksAppConfig(AppConfig):
    name = "webhooks_app"
    verbose_name = "Webhooks"

    def ready(self):
        from accounts.scenarios import MATCH_FIELDS
        from accounts.services import DUE_WORK, TEST_DATA_RESETS
        from api.fields import StrictChoiceField
        from core.periodic import PERIODIC_JOBS
        from webhooks_app import events, services

        PERIODIC_JOBS.register("deliveries_resumed", services.deliveries_resume)
        PERIODIC_JOBS.register("deliveries_purged", services.deliveries_purge)
        PERIODIC_JOBS.register("webhook_secrets_expired",
                               lambda *, grace: services.secrets_expire())
        TEST_DATA_RESETS.register("webhooks", services.webhooks_reset)
        DUE_WORK.register("webhooks", services.webhooks_due)
        MATCH_FIELDS.register("event_type", lambda: StrictChoiceField(
            choices=events.CHOICES, required=False))
