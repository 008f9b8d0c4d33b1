from django.apps import AppConfig


class RefundsConfig(AppConfig):
    name = "refunds"

    def ready(self):
        from api.stripe.expand import EXPANDABLE
        from core.ids import ID_PREFIXES
        from refunds.api.stripe import expansions as stripe_expansions
        from refunds.api.stripe import rendering as stripe
        from refunds.api.v1 import rendering as v1
        from webhooks_app.events import RENDERINGS

        # How each format shows refunds in its events, and names their ids.
        v1.register_events(RENDERINGS)
        stripe.register_events(RENDERINGS)
        ID_PREFIXES.update(stripe.ID_PREFIXES)
        # What `expand[]` expands of refunds on Stripe's, and a Charge's `refunds`.
        stripe_expansions.register_expansions(EXPANDABLE)
