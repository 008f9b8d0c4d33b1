from django.apps import AppConfig


class WebhooksAppConfig(AppConfig):
    name = "webhooks_app"
    verbose_name = "Webhooks"

    def ready(self):
        from accounts.scenarios import MATCH_FIELDS
        from api.fields import StrictChoiceField
        from core.formats import Format
        from core.periodic import PERIODIC_JOBS
        from core.sandbox import DUE_WORK, TEST_DATA_RESETS
        from webhooks_app import sender, services
        from webhooks_app.api.stripe import rendering as stripe
        from webhooks_app.api.stripe import signing
        from webhooks_app.api.v1 import rendering as v1
        from webhooks_app.events import RENDERINGS

        PERIODIC_JOBS.register("deliveries_resumed", services.deliveries_resume)
        PERIODIC_JOBS.register("deliveries_purged", services.deliveries_purge)
        PERIODIC_JOBS.register("webhook_secrets_expired",
                               lambda *, grace: services.secrets_expire())
        TEST_DATA_RESETS.register("webhooks", services.webhooks_reset)
        DUE_WORK.register("webhooks", services.webhooks_due)
        MATCH_FIELDS.register("event_type", lambda: StrictChoiceField(
            choices=v1.EVENT_CHOICES, required=False))
        # The formats whose endpoints receive events: how their events are enveloped (and,
        # Stripe's, signed). What each domain event becomes is registered by its own app.
        RENDERINGS.register_envelope(Format.V1, v1.event_envelope)
        RENDERINGS.register_envelope(Format.STRIPE, stripe.event_envelope)
        sender.SIGNERS[Format.STRIPE] = signing.signed_headers
