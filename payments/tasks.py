"""Background work of the payments app, run by the `django.tasks` worker."""

from django.tasks import task

from payments import services


@task
def settle_payment(payment_id: str) -> str:
    """Settle a bank transfer or crypto payment once its delay has passed."""
    return services.payment_settle(payment_id=payment_id).status
