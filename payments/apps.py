from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"

    def ready(self):
        from accounts.scenarios import MATCH_FIELDS
        from api.fields import StrictChoiceField
        from api.ports import PAGE_PREFIXES
        from api.stripe.expand import EXPANDABLE
        from core.ids import ID_PREFIXES
        from core.periodic import PERIODIC_JOBS
        from core.sandbox import DUE_WORK, TEST_DATA_RESETS
        from payments import services
        from payments.api.fields import AmountField, CurrencyField
        from payments.api.stripe import expansions as stripe_expansions
        from payments.api.stripe import rendering as stripe
        from payments.api.v1 import rendering as v1
        from payments.models import PaymentMethod
        from payments.pages.links import RETURN_PARAMETERS
        from webhooks_app.events import RENDERINGS

        PERIODIC_JOBS.register("settlements_resumed", services.payments_settle_overdue)
        PERIODIC_JOBS.register("authorizations_released", services.payments_release_expired)
        PERIODIC_JOBS.register("checkout_sessions_expired", services.checkouts_expire_overdue)
        TEST_DATA_RESETS.register("payments", services.payments_reset)
        DUE_WORK.register("settlements", services.payments_due)
        DUE_WORK.register("authorizations", services.payments_release_due)
        DUE_WORK.register("checkouts", services.checkouts_due)
        MATCH_FIELDS.register("amount", lambda: AmountField(
            required=False, help_text="Major units, compared with the operation's amount."))
        MATCH_FIELDS.register("currency", lambda: CurrencyField(required=False))
        MATCH_FIELDS.register("payment_method", lambda: StrictChoiceField(
            choices=PaymentMethod.choices, required=False))
        # How each format shows payments and customers in its events, and names their ids.
        v1.register_events(RENDERINGS)
        stripe.register_events(RENDERINGS)
        ID_PREFIXES.update(stripe.ID_PREFIXES)
        RETURN_PARAMETERS.update(stripe.RETURN_PARAMETERS)
        # The customers' pages, also on the Stripe port the API call that made them reached.
        PAGE_PREFIXES.extend(["/authenticate/", "/checkout/"])
        # What `expand[]` expands of payments, customers, cards, charges, setups and checkout
        # sessions on Stripe's.
        stripe_expansions.register_expansions(EXPANDABLE)
