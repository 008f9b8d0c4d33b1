"""Cards and their charges as `/stripe/v1` shows them: a card is a PaymentMethod (`pm_…`),
a test payment method id (`pm_card_visa`) one too; each confirmation's charge a Charge."""

from api.stripe.declines import decline_of
from payments.api.stripe.common import unix
from payments.models import Card, Charge, ChargeStatus, Payment, PaymentStatus
from payments.selectors import Method
from payments.testcards import TestCard

_ADDRESS = {"city": None, "country": None, "line1": None, "line2": None,
            "postal_code": None, "state": None}
BILLING_FIELDS = ("email", "name", "phone")

def billing_details(stored: dict) -> dict:
    """Stripe's billing details, every key present (null when not given)."""
    return {"address": {**_ADDRESS, **(stored.get("address") or {})},
            **{name: stored.get(name) for name in BILLING_FIELDS}, "tax_id": None}


def card_details(facts: dict) -> dict:
    """The `card` of a PaymentMethod from what is known of the card (`facts`: brand, last4,
    exp_month, exp_year, funding, country, fingerprint)."""
    brand = facts.get("brand", "visa")
    return {
        "brand": brand,
        "checks": {"address_line1_check": None, "address_postal_code_check": None,
                   "cvc_check": "pass"},
        "country": facts.get("country", "US"),
        "display_brand": brand,
        "exp_month": facts.get("exp_month", 12),
        "exp_year": facts.get("exp_year", 2034),
        "fingerprint": facts.get("fingerprint", ""),
        "funding": facts.get("funding", "credit"),
        "generated_from": None,
        "last4": facts.get("last4", "4242"),
        "networks": {"available": [brand], "preferred": None},
        "regulated_status": "unregulated",
        "three_d_secure_usage": {"supported": True},
        "wallet": None,
    }


def facts_of(card: Card) -> dict:
    return {"brand": card.brand, "last4": card.last4, "exp_month": card.exp_month,
            "exp_year": card.exp_year, "funding": card.funding, "country": card.country,
            "fingerprint": card.fingerprint}


def test_card_facts(card: TestCard) -> dict:
    return {"brand": card.brand, "last4": card.last4, "funding": card.funding,
            "country": card.country, "fingerprint": card.fingerprint}


def _payment_method(id_: str, facts: dict, *, created: int, customer: str | None = None,
                    billing: dict | None = None, metadata: dict | None = None) -> dict:
    return {
        "id": id_,
        "object": "payment_method",
        "allow_redisplay": "unspecified",
        "billing_details": billing_details(billing or {}),
        "card": card_details(facts),
        "created": created,
        "customer": customer,
        "customer_account": None,
        "livemode": False,
        "metadata": metadata or {},
        "type": "card",
    }


def card_to_stripe(card: Card) -> dict:
    """A saved card: Stripe's PaymentMethod (its customer as an id)."""
    return _payment_method(card.public_id, facts_of(card), created=unix(card.created_at),
                           customer=card.customer.public_id if card.customer else None,
                           billing=card.billing_details, metadata=card.metadata)


def method_to_stripe(method: Method, *, created: int) -> dict | None:
    """The PaymentMethod a payment names: a saved card, or the card a test payment method id
    stands for (made `created`, as Stripe makes one when it is used); None for none."""
    if method.saved is not None:
        return card_to_stripe(method.saved)
    if not method.id:
        return None
    facts = test_card_facts(method.card) if method.card is not None else {}
    return _payment_method(method.id, facts, created=created)


def charge_to_stripe(charge: Charge) -> dict:
    """Stripe's Charge: one confirmation of a PaymentIntent, approved or declined; what was
    captured and refunded since (the payment's, for the charge refunds draw on)."""
    payment = charge.payment
    failed = charge.status == ChargeStatus.FAILED
    current = charge.public_id == payment.latest_charge_id
    refunded = payment.refunded_minor if current else 0
    released = current and not charge.captured and payment.status == PaymentStatus.CANCELLED
    code, decline_code, message, _ = decline_of(charge.failure_reason) if failed else (
        None, None, None, None)
    return {
        "id": charge.public_id,
        "object": "charge",
        "amount": charge.amount_minor,
        "amount_captured": charge.amount_captured_minor,
        "amount_refunded": charge.amount_minor if released else refunded,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "balance_transaction": None,
        "billing_details": billing_details({}),
        "calculated_statement_descriptor": _descriptor(payment),
        "captured": charge.captured,
        "created": unix(charge.created_at),
        "currency": charge.currency.lower(),
        "customer": payment.customer_id or None,
        "description": charge.description or None,
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": code,
        "failure_message": message,
        "fraud_details": {},
        "livemode": False,
        "metadata": charge.metadata,
        "on_behalf_of": None,
        "outcome": _outcome(decline_code) if failed else _APPROVED,
        "paid": not failed,
        "payment_intent": payment.public_id,
        "payment_method": charge.method_id or None,
        "payment_method_details": {"card": _charge_card(charge), "type": "card"},
        "radar_options": {},
        "receipt_email": payment.customer_email or None,
        "receipt_number": None,
        "receipt_url": None,
        "refunded": released or (charge.captured and refunded >= charge.amount_captured_minor),
        "review": None,
        "shipping": payment.shipping,
        "source": None,
        "source_transfer": None,
        "statement_descriptor": payment.statement_descriptor or None,
        "statement_descriptor_suffix": payment.statement_descriptor_suffix or None,
        "status": "failed" if failed else "succeeded",
        "transfer_data": None,
        "transfer_group": None,
    }


_APPROVED = {"advice_code": None, "network_advice_code": None, "network_decline_code": None,
             "network_status": "approved_by_network", "reason": None, "risk_level": "normal",
             "risk_score": 20, "seller_message": "Payment complete.", "type": "authorized"}


def _outcome(decline_code: str) -> dict:
    return {**_APPROVED, "network_status": "declined_by_network", "reason": decline_code,
            "seller_message": "The bank did not return any further details with this decline.",
            "type": "issuer_declined"}


def _descriptor(payment: Payment) -> str:
    return (payment.statement_descriptor or "SANDBOX")[:22].upper()


def _charge_card(charge: Charge) -> dict:
    """`payment_method_details.card` of a charge: the card as it was, and how it went."""
    details = card_details(charge.card)
    return {
        "amount_authorized": None if charge.status == ChargeStatus.FAILED else charge.amount_minor,
        "authorization_code": None,
        **{key: details[key] for key in ("brand", "checks", "country", "exp_month", "exp_year",
                                         "fingerprint", "funding")},
        "electronic_commerce_indicator": None,
        "installments": None,
        "last4": details["last4"],
        "mandate": None,
        "network": details["brand"],
        "network_transaction_id": None,
        "regulated_status": details["regulated_status"],
        "three_d_secure": None,
        "transaction_link_id": None,
        "wallet": None,
    }
