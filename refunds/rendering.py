"""A refund as `/v1` shows it: the one rendering used by the API and by event payloads."""

from core.clock import iso
from payments.money import to_major
from refunds.models import Refund


def refund_to_v1(refund: Refund) -> dict:
    """Seed 003's refund object; the amount is a Decimal with the currency's digits."""
    return {
        "id": refund.public_id,
        "object": "refund",
        "payment_id": refund.payment.public_id,
        "amount": to_major(refund.amount_minor, refund.currency),
        "currency": refund.currency,
        "reason": refund.reason or None,
        "status": refund.status,
        "created_at": iso(refund.created_at),
        "updated_at": iso(refund.updated_at),
        "failure_reason": refund.failure_reason or None,
        "metadata": refund.metadata,
    }
