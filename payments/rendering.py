"""A payment as `/v1` shows it, and as the Stripe dialect shows it (a PaymentIntent): the
renderings used by the APIs and by event payloads alike."""

from django.utils.crypto import salted_hmac

from core.clock import iso
from payments.models import Payment, PaymentStatus
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


# --- The Stripe dialect (`/stripe/v1`): a payment is a PaymentIntent -----------------------

# Stripe's PaymentIntent status of each of ours (`requires_confirmation` depends on the payment
# method, and `failed` is a /v1 decline: see `stripe_status`).
STRIPE_STATUSES = {
    PaymentStatus.PENDING: "processing",
    PaymentStatus.PROCESSING: "processing",
    PaymentStatus.AUTHORIZED: "requires_capture",
    PaymentStatus.COMPLETED: "succeeded",
    PaymentStatus.PARTIALLY_REFUNDED: "succeeded",
    PaymentStatus.REFUNDED: "succeeded",
    PaymentStatus.CANCELLED: "canceled",
    PaymentStatus.FAILED: "requires_payment_method",
}
# Stripe's `cancellation_reason` values; any other reason (free text from /v1 or the admin)
# shows as null.
STRIPE_CANCELLATION_REASONS = frozenset(
    {"duplicate", "fraudulent", "requested_by_customer", "abandoned", "automatic"})
GENERIC_DECLINE = "Your card was declined."
# A failure reason as Stripe reports it: (code, decline_code, message, param).
STRIPE_DECLINES = {
    "card_declined": ("card_declined", "generic_decline", GENERIC_DECLINE, None),
    "insufficient_funds": ("card_declined", "insufficient_funds",
                           "Your card has insufficient funds.", None),
    "expired_card": ("expired_card", "expired_card", "Your card has expired.", "exp_month"),
    "incorrect_cvc": ("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect.",
                      "cvc"),
    "processing_error": ("processing_error", "processing_error",
                         "An error occurred while processing your card. Try again in a little "
                         "bit.", None),
    # Seed 003's amount trigger: over the card's limit.
    "amount_exceeds_limit": ("card_declined", "card_velocity_exceeded", GENERIC_DECLINE, None),
}


def unix(value) -> int | None:
    """A time as Stripe writes it: whole Unix seconds."""
    return int(value.timestamp()) if value is not None else None


def stripe_decline(failure_reason: str) -> tuple[str, str, str, str | None]:
    """Stripe's (code, decline_code, message, param) of a failure reason: for a 402's error
    body and `last_payment_error`. Declines Stripe files under `card_declined` (do_not_honor,
    lost_card, stolen_card, fraudulent, ...) keep the reason as their `decline_code`."""
    return STRIPE_DECLINES.get(failure_reason,
                               ("card_declined", failure_reason, GENERIC_DECLINE, None))


def stripe_declined(payment: Payment) -> bool:
    """Whether the payment's last confirmation (or its /v1 creation) was declined."""
    return bool(payment.failure_reason) and payment.status in (
        PaymentStatus.REQUIRES_CONFIRMATION, PaymentStatus.FAILED)


def stripe_status(payment: Payment) -> str:
    if payment.status == PaymentStatus.REQUIRES_CONFIRMATION:
        if not payment.payment_method_id or payment.failure_reason:
            return "requires_payment_method"
        return "requires_confirmation"
    return STRIPE_STATUSES[payment.status]


def stripe_card_error(payment: Payment) -> dict:
    """The card error of the payment's last decline (Stripe's error object: `type`
    card_error; null keys left out, as Stripe leaves them out)."""
    code, decline_code, message, param = stripe_decline(payment.failure_reason)
    error = {"type": "card_error", "code": code, "decline_code": decline_code,
             "doc_url": f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}",
             "message": message}
    if param:
        error["param"] = param
    if payment.payment_method_id:
        error["payment_method"] = {"id": payment.payment_method_id, "object": "payment_method",
                                   "livemode": False, "type": "card"}
    return error


def stripe_client_secret(payment: Payment) -> str:
    """`{id}_secret_…`: the same for the same payment, unguessable without SECRET_KEY."""
    digest = salted_hmac("payments.stripe.client_secret", payment.public_id,
                         algorithm="sha256").hexdigest()
    return f"{payment.public_id}_secret_{digest[:24]}"


def stripe_charge_id(payment: Payment) -> str:
    """The id of the payment's synthetic Charge (`ch_` and the payment id's random part)."""
    return "ch_" + payment.public_id.partition("_")[2]


def payment_to_stripe(payment: Payment) -> dict:
    """Stripe's PaymentIntent (keys in Stripe's order, nullable ones present as null)."""
    status = stripe_status(payment)
    declined = stripe_declined(payment)
    reason = payment.cancellation_reason
    return {
        "id": payment.public_id,
        "object": "payment_intent",
        "amount": payment.amount_minor,
        "amount_capturable": payment.amount_minor if status == "requires_capture" else 0,
        "amount_details": {"tip": {}},
        "amount_received": payment.amount_received_minor,
        "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": None,
        "canceled_at": unix(payment.cancelled_at),
        "cancellation_reason": reason if reason in STRIPE_CANCELLATION_REASONS else None,
        "capture_method": payment.capture_method,
        "client_secret": stripe_client_secret(payment),
        "confirmation_method": "automatic",
        "created": unix(payment.created_at),
        "currency": payment.currency.lower(),
        "customer": payment.customer_id or None,
        "customer_account": None,
        "description": payment.description or None,
        "excluded_payment_method_types": None,
        "last_payment_error": stripe_card_error(payment) if declined else None,
        "latest_charge": None,
        "livemode": False,
        "managed_payments": None,
        "metadata": payment.metadata,
        "next_action": None,
        "on_behalf_of": None,
        # After a decline, Stripe detaches the method (it is in `last_payment_error`).
        "payment_method": None if declined else payment.payment_method_id or None,
        "payment_method_configuration_details": None,
        "payment_method_options": {},
        "payment_method_types": ["card"],
        "processing": None,
        "receipt_email": payment.customer_email or None,
        "review": None,
        "setup_future_usage": None,
        "shipping": None,
        "source": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": status,
        "transfer_data": None,
        "transfer_group": None,
    }


def customer_to_stripe(customer) -> dict:
    """Stripe's Customer object (the fields the sandbox keeps; the others as Stripe's
    defaults)."""
    return {
        "id": customer.public_id,
        "object": "customer",
        "address": None,
        "balance": 0,
        "created": int(customer.created_at.timestamp()),
        "currency": None,
        "default_source": None,
        "delinquent": False,
        "description": customer.description or None,
        "email": customer.email or None,
        "invoice_prefix": customer.public_id[-8:].upper(),
        "invoice_settings": {"custom_fields": None, "default_payment_method": None,
                             "footer": None, "rendering_options": None},
        "livemode": False,
        "metadata": customer.metadata,
        "name": customer.name or None,
        "phone": customer.phone or None,
        "preferred_locales": [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": None,
    }
