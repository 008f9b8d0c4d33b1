"""A payment as `/v1` (and its events) show it, and the `/v1` events of payments."""

from core.clock import iso
from core.formats import Format
from payments.models import Payment
from payments.money import to_major
from webhooks_app import events
from webhooks_app.api.v1 import rendering as v1_events


def payment_to_v1(payment: Payment) -> dict:
    """The payment object; amounts are Decimals with exactly the currency's digits."""
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


# Each domain event of a payment as `/v1` calls it, with the payment as it renders it.
EVENTS = {
    events.PAYMENT_CREATED: v1_events.PAYMENT_CREATED,
    events.PAYMENT_COMPLETED: v1_events.PAYMENT_COMPLETED,
    events.PAYMENT_AUTHORIZED: v1_events.PAYMENT_AUTHORIZED,
    events.PAYMENT_FAILED: v1_events.PAYMENT_FAILED,
    events.PAYMENT_CANCELLED: v1_events.PAYMENT_CANCELLED,
}


def register_events(renderings) -> None:
    for domain_type, event_type in EVENTS.items():
        renderings.register(Format.V1, domain_type, event_type, payment_to_v1)
