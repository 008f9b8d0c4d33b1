from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"

    def ready(self):
        from accounts.services import TEST_DATA_RESETS
        from core.periodic import PERIODIC_JOBS
        from payments import services

        PERIODIC_JOBS.register("settlements_resumed", services.payments_settle_overdue)
        TEST_DATA_RESETS.register("payments", services.payments_reset)
