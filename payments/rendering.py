"""A payment as `/v1` shows it: the one rendering used by the API and by event payloads."""

from core.clock import iso
from payments.models import Payment
from payments.money import to_major


def payment_to_v1(payment: Payment) -> dict:
    """Seed 003's payment object; amounts are Decimals with exactly the currency's digits."""
    currency = payment.currency
    return {
        "id": payment.public_id,
        "object": "payment",
        "amount": to_major(payment.amount_minor, currency),
        "currency": currency,
        "description": payment.description,
        "customer_email": payment.customer_email or None,
        "payment_method": payment.payment_method,
        "payment_method_id": payment.payment_method_id or None,
        "metadata": payment.metadata,
        "status": payment.status,
        "created_at": iso(payment.created_at),
        "updated_at": iso(payment.updated_at),
        "idempotency_key": payment.idempotency_key or None,
        "failure_reason": payment.failure_reason or None,
        "refunded_amount": to_major(payment.refunded_minor, currency),
        "cancelled_at": iso(payment.cancelled_at),
        "cancellation_reason": payment.cancellation_reason or None,
        "livemode": False,
    }
