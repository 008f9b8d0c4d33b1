"""A refund as `/v1` (and its events) show it, and the `/v1` events of refunds."""

from core.clock import iso
from core.formats import Format
from payments.api.v1.rendering import payment_to_v1
from payments.money import to_major
from refunds.models import Refund
from webhooks_app import events
from webhooks_app.api.v1 import rendering as v1_events


def refund_to_v1(refund: Refund) -> dict:
    """The refund object; the amount is a Decimal with the currency's digits."""
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


def refunded_payment(refund: Refund) -> dict:
    """A completed refund is news of its payment too (`payment.refunded`)."""
    return payment_to_v1(refund.payment)


# Each domain event of a refund as `/v1` calls it, with what it renders.
EVENTS = [
    (events.REFUND_CREATED, v1_events.REFUND_CREATED, refund_to_v1),
    (events.REFUND_COMPLETED, v1_events.REFUND_COMPLETED, refund_to_v1),
    (events.REFUND_COMPLETED, v1_events.PAYMENT_REFUNDED, refunded_payment),
    (events.REFUND_FAILED, v1_events.REFUND_FAILED, refund_to_v1),
]


def register_events(renderings) -> None:
    for domain_type, event_type, render in EVENTS:
        renderings.register(Format.V1, domain_type, event_type, render)
