"""Reads of payments, always scoped to the calling account."""

from config.errors import NotFound
from oauth_app.models import Account
from payments.models import Payment


def payment_list(*, account: Account):
    return Payment.objects.filter(account=account)


def payment_get(*, account: Account, payment_id: str) -> Payment:
    payment = Payment.objects.filter(account=account, public_id=payment_id).first()
    if payment is None:
        raise NotFound(f"Payment '{payment_id}' not found.", param="payment_id")
    return payment
