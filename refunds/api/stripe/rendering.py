"""Refunds as `/stripe/v1` shows them, with the synthetic Charge of `charge.refunded`; and
the Stripe events of refunds (of the payments made through `/stripe/v1`)."""

from core.formats import Format
from payments import simulator
from payments.api.stripe.rendering import charge_id, unix
from payments.models import Payment
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
CHARGE_REFUNDS_SHOWN = 10  # a charge's `refunds` list: the newest ten, `has_more` beyond


def refund_to_stripe(refund: Refund) -> dict:
    """Stripe's Refund (keys in Stripe's order; `failure_reason` only on a failed one)."""
    payment = refund.payment
    status = STATUSES[refund.status]
    rendered = {
        "id": refund.public_id,
        "object": "refund",
        "amount": refund.amount_minor,
        "balance_transaction": None,
        "charge": None,
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


def charge_to_stripe(payment: Payment) -> dict:
    """The payment's synthetic Charge (`ch_…`: Stripe's `charge.refunded` carries one; there
    is no Charges API): what was captured and refunded, with its newest refunds."""
    brand, last4 = simulator.card_of(payment.payment_method_id)
    refunds = list(payment.refunds.filter(status=RefundStatus.COMPLETED)
                   .order_by("-created_at", "-id")[:CHARGE_REFUNDS_SHOWN + 1])
    for refund in refunds:
        refund.payment = payment  # no query per refund for its payment
    charge = charge_id(payment)
    captured = payment.amount_received_minor
    return {
        "id": charge,
        "object": "charge",
        "amount": payment.amount_minor,
        "amount_captured": captured,
        "amount_refunded": payment.refunded_minor,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "balance_transaction": None,
        "billing_details": {
            "address": {"city": None, "country": None, "line1": None, "line2": None,
                        "postal_code": None, "state": None},
            "email": None, "name": None, "phone": None, "tax_id": None,
        },
        "calculated_statement_descriptor": None,
        "captured": captured > 0,
        "created": unix(payment.created_at),
        "currency": payment.currency.lower(),
        "customer": payment.customer_id or None,
        "description": payment.description or None,
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": None,
        "failure_message": None,
        "fraud_details": {},
        "livemode": False,
        "metadata": payment.metadata,
        "on_behalf_of": None,
        "outcome": {"advice_code": None, "network_advice_code": None,
                    "network_decline_code": None, "network_status": "approved_by_network",
                    "reason": None, "risk_level": "normal",
                    "seller_message": "Payment complete.", "type": "authorized"},
        "paid": True,
        "payment_intent": payment.public_id,
        "payment_method": payment.payment_method_id or None,
        "payment_method_details": {
            "card": {"amount_authorized": payment.amount_minor, "authorization_code": None,
                     "brand": brand, "checks": None, "country": "US",
                     "electronic_commerce_indicator": None, "exp_month": 12,
                     "exp_year": 2034, "funding": "credit", "installments": None,
                     "last4": last4, "mandate": None, "network": brand,
                     "network_transaction_id": None, "regulated_status": None,
                     "three_d_secure": None, "transaction_link_id": None, "wallet": None},
            "type": "card",
        },
        "receipt_email": payment.customer_email or None,
        "receipt_number": None,
        "receipt_url": None,
        "refunded": captured > 0 and payment.refunded_minor >= captured,
        "refunds": {
            "object": "list",
            "data": [refund_to_stripe(refund) for refund in refunds[:CHARGE_REFUNDS_SHOWN]],
            "has_more": len(refunds) > CHARGE_REFUNDS_SHOWN,
            "url": f"/v1/charges/{charge}/refunds",
        },
        "review": None,
        "shipping": None,
        "source": None,
        "source_transfer": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "succeeded",
        "transfer_data": None,
        "transfer_group": None,
    }


def _of_stripe_payment(render):
    """`render` for the refunds of payments made through `/stripe/v1`."""
    return lambda refund: render(refund) if refund.payment.origin == Format.STRIPE else None


# Each domain event of a refund as Stripe calls it, with what it renders.
EVENTS = [
    (events.REFUND_CREATED, stripe_events.REFUND_CREATED, _of_stripe_payment(refund_to_stripe)),
    (events.REFUND_COMPLETED, stripe_events.CHARGE_REFUNDED,
     _of_stripe_payment(lambda refund: charge_to_stripe(refund.payment))),
]


def register_events(renderings) -> None:
    for domain_type, event_type, render in EVENTS:
        renderings.register(Format.STRIPE, domain_type, event_type, render)
