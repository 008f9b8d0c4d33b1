from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"

    def ready(self):
        from accounts.scenarios import MATCH_FIELDS
        from accounts.services import DUE_WORK, TEST_DATA_RESETS
        from api.fields import StrictChoiceField
        from core.periodic import PERIODIC_JOBS
        from payments import services
        from payments.api.fields import AmountField, CurrencyField
        from payments.models import PaymentMethod

        PERIODIC_JOBS.register("settlements_resumed", services.payments_settle_overdue)
        PERIODIC_JOBS.register("authorizations_released", services.payments_release_expired)
        TEST_DATA_RESETS.register("payments", services.payments_reset)
        DUE_WORK.register("settlements", services.payments_due)
        DUE_WORK.register("authorizations", services.payments_release_due)
        MATCH_FIELDS.register("amount", lambda: AmountField(
            required=False, help_text="Major units, compared with the operation's amount."))
        MATCH_FIELDS.register("currency", lambda: CurrencyField(required=False))
        MATCH_FIELDS.register("payment_method", lambda: StrictChoiceField(
            choices=PaymentMethod.choices, required=False))
