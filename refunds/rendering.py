"""A refund as `/v1` shows it, and as the Stripe dialect shows it (with the synthetic Charge
of `charge.refunded`): the renderings used by the APIs and by event payloads alike."""

from core.clock import iso
from payments import simulator
from payments.models import Payment
from payments.money import to_major
from payments.rendering import stripe_charge_id, unix
from refunds.models import Refund, RefundStatus


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


# --- The Stripe dialect (`/stripe/v1`) ---------------------------------------------------

STRIPE_REFUND_STATUSES = {
    RefundStatus.PENDING: "pending",
    RefundStatus.COMPLETED: "succeeded",
    RefundStatus.FAILED: "failed",
}
# Stripe's refund reasons; the others (seed 003's product_not_received etc., UQPay's free
# text) show as null.
STRIPE_REFUND_REASONS = frozenset({"duplicate", "fraudulent", "requested_by_customer",
                                   "expired_uncaptured_charge"})
# A failed refund's reason (a test scenario's decline code) in Stripe's words.
STRIPE_REFUND_FAILURES = {
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
    status = STRIPE_REFUND_STATUSES[refund.status]
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
        "reason": refund.reason if refund.reason in STRIPE_REFUND_REASONS else None,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": status,
        "transfer_reversal": None,
    }
    if status == "failed":
        rendered["failure_reason"] = STRIPE_REFUND_FAILURES.get(refund.failure_reason, "unknown")
    return rendered


def charge_to_stripe(payment: Payment) -> dict:
    """The payment's synthetic Charge (`ch_…`, Stripe's `charge.refunded` carries one; there
    is no Charges API): what was captured and refunded, with its newest refunds."""
    brand, last4 = simulator.card_of(payment.payment_method_id)
    refunds = list(payment.refunds.filter(status=RefundStatus.COMPLETED)
                   .order_by("-created_at", "-id")[:CHARGE_REFUNDS_SHOWN + 1])
    for refund in refunds:
        refund.payment = payment  # no query per refund for its payment
    charge_id = stripe_charge_id(payment)
    captured = payment.amount_received_minor
    return {
        "id": charge_id,
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
            "email": None, "name": None, "phone": None,
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
        "outcome": {"network_status": "approved_by_network", "reason": None,
                    "risk_level": "normal", "seller_message": "Payment complete.",
                    "type": "authorized"},
        "paid": True,
        "payment_intent": payment.public_id,
        "payment_method": payment.payment_method_id or None,
        "payment_method_details": {
            "card": {"brand": brand, "country": "US", "exp_month": 12, "exp_year": 2034,
                     "funding": "credit", "last4": last4, "network": brand},
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
            "url": f"/v1/charges/{charge_id}/refunds",
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
