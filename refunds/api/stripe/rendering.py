"""Refunds as `/stripe/v1` shows them, and the Stripe events of refunds (of the payments
made through `/stripe/v1`): `refund.created`, and `charge.refunded` with the charge refunded."""

from core.formats import Format
from payments.api.stripe.cards import charge_to_stripe
from payments.api.stripe.common import unix
from refunds.models import Refund, RefundStatus
from webhooks_app import events
from webhooks_app.api.stripe import rendering as stripe_events

# The ids of the refunds of what is made through `/stripe/v1` (`core.ids.ID_PREFIXES`).
ID_PREFIXES = {("refund", Format.STRIPE): "re"}

STATUSES = {
    RefundStatus.PENDING: "pending",
    RefundStatus.COMPLETED: "succeeded",
    RefundStatus.FAILED: "failed",
}
# Stripe's refund reasons: those a client gives, and Stripe's own; the others (`/v1`'s
# product_not_received etc., UQPay's free text) show as null.
REQUESTABLE_REASONS = ("duplicate", "fraudulent", "requested_by_customer")
REASONS = frozenset({*REQUESTABLE_REASONS, "expired_uncaptured_charge"})
# A failed refund's reason (a test scenario's decline code) in Stripe's words.
FAILURES = {
    "lost_card": "lost_or_stolen_card",
    "stolen_card": "lost_or_stolen_card",
    "expired_card": "expired_or_canceled_card",
    "insufficient_funds": "insufficient_funds",
    "card_declined": "declined",
    "do_not_honor": "declined",
    "fraudulent": "declined",
    "incorrect_cvc": "declined",
    "processing_error": "unknown",
}


def refund_to_stripe(refund: Refund) -> dict:
    """Stripe's Refund (keys in Stripe's order; `failure_reason` only on a failed one)."""
    payment = refund.payment
    status = STATUSES[refund.status]
    rendered = {
        "id": refund.public_id,
        "object": "refund",
        "amount": refund.amount_minor,
        "balance_transaction": None,
        "charge": payment.latest_charge_id or None,
        "created": unix(refund.created_at),
        "currency": refund.currency.lower(),
        "customer": payment.customer_id or None,
        "customer_account": None,
        "destination_details": {"card": {"type": "refund"}, "type": "card"},
        "metadata": refund.metadata,
        "payment_intent": payment.public_id,
        "payment_method": payment.payment_method_id or None,
        "reason": refund.reason if refund.reason in REASONS else None,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": status,
        "transfer_reversal": None,
    }
    if status == "failed":
        rendered["failure_reason"] = FAILURES.get(refund.failure_reason, "unknown")
    return rendered


def refunded_charge(refund: Refund) -> dict | None:
    """The charge a refund drew on, as `charge.refunded` shows it (None for a payment
    charged before charges were kept)."""
    payment = refund.payment
    charge = payment.charges.filter(public_id=payment.latest_charge_id).first()
    if charge is None:
        return None
    charge.payment = payment
    return charge_to_stripe(charge)


def _of_stripe_payment(render):
    """`render` for the refunds of payments made through `/stripe/v1`."""
    return lambda refund: render(refund) if refund.payment.origin == Format.STRIPE else None


# Each domain event of a refund as Stripe calls it, with what it renders.
EVENTS = [
    (events.REFUND_CREATED, stripe_events.REFUND_CREATED, _of_stripe_payment(refund_to_stripe)),
    (events.REFUND_COMPLETED, stripe_events.CHARGE_REFUNDED,
     _of_stripe_payment(refunded_charge)),
]


def register_events(renderings) -> None:
    for domain_type, event_type, render in EVENTS:
        renderings.register(Format.STRIPE, domain_type, event_type, render)
