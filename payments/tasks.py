"""Background work of the payments app, run by the task worker (`core.worker`), on a queue of
its own."""

from django.tasks import task

from core.tasks import default_queue
from payments import services

SETTLEMENTS = "settlements"


@default_queue(SETTLEMENTS)
@task
def settle_payment(payment_id: str) -> str:
    """Settle a bank transfer or crypto payment once its delay has passed."""
    return services.payment_settle(payment_id=payment_id).status
