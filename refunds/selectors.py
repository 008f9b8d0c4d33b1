"""Reads of refunds, always scoped to the calling account."""

from accounts.models import Account
from core.errors import NotFound
from payments.selectors import payment_get
from refunds.models import Refund


def refund_get(*, account: Account, refund_id: str) -> Refund:
    refund = (
        Refund.objects.select_related("payment")
        .filter(payment__account=account, public_id=refund_id)
        .first()
    )
    if refund is None:
        raise NotFound("refund", refund_id, param="refund_id")
    return refund


def refund_list_for_payment(*, account: Account, payment_id: str):
    payment = payment_get(account=account, payment_id=payment_id)
    return payment.refunds.select_related("payment")


def refund_list(*, account: Account, payment_id: str | None = None):
    """The account's refunds (of one payment, if named), with their payments."""
    refunds = Refund.objects.filter(payment__account=account).select_related("payment")
    return refunds if not payment_id else refunds.filter(payment__public_id=payment_id)
