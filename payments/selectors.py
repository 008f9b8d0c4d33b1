"""Reads of payments, always scoped to the calling account."""

from accounts.models import Account
from core.errors import NotFound
from payments.models import Payment
from webhooks_app.models import Event


def payment_list(*, account: Account):
    return Payment.objects.filter(account=account)


def payment_get(*, account: Account, payment_id: str) -> Payment:
    try:
        return Payment.objects.get(account=account, public_id=payment_id)
    except Payment.DoesNotExist:
        raise NotFound(f"Payment '{payment_id}' not found.", param="payment_id") from None


def payment_events(*, payment: Payment):
    """Events about the payment and its refunds, oldest first (for the admin)."""
    object_ids = [payment.public_id, *payment.refunds.values_list("public_id", flat=True)]
    return Event.objects.filter(account_id=payment.account_id, object_id__in=object_ids).order_by(
        "created_at", "id"
    )
