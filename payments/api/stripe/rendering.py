"""Payments and customers as `/stripe/v1` shows them: a payment is a PaymentIntent, a
customer a Customer; and the Stripe events of payments (of those made through `/stripe/v1`)
and customers."""

from django.utils.crypto import salted_hmac

from core.formats import Format
from payments.models import Customer, Payment, PaymentStatus
from webhooks_app import events
from webhooks_app.api.stripe import rendering as stripe_events

# The ids of what is made through `/stripe/v1` (`core.ids.ID_PREFIXES`).
ID_PREFIXES = {("payment", Format.STRIPE): "pi"}

# Stripe's PaymentIntent status of each of ours (`requires_confirmation` depends on the payment
# method, and `failed` is a decline of a payment charged at its creation: see `status_of`).
STATUSES = {
    PaymentStatus.PENDING: "processing",
    PaymentStatus.PROCESSING: "processing",
    PaymentStatus.AUTHORIZED: "requires_capture",
    PaymentStatus.COMPLETED: "succeeded",
    PaymentStatus.PARTIALLY_REFUNDED: "succeeded",
    PaymentStatus.REFUNDED: "succeeded",
    PaymentStatus.CANCELLED: "canceled",
    PaymentStatus.FAILED: "requires_payment_method",
}
# Stripe's `cancellation_reason` values: those a client gives, and the release of an expired
# authorization; any other reason (free text from /v1 or the admin) shows as null.
REQUESTABLE_CANCELLATION_REASONS = ("duplicate", "fraudulent", "requested_by_customer",
                                    "abandoned")
CANCELLATION_REASONS = frozenset({*REQUESTABLE_CANCELLATION_REASONS, "automatic"})
GENERIC_DECLINE = "Your card was declined."
# A failure reason as Stripe reports it: (code, decline_code, message, param).
DECLINES = {
    "card_declined": ("card_declined", "generic_decline", GENERIC_DECLINE, None),
    "insufficient_funds": ("card_declined", "insufficient_funds",
                           "Your card has insufficient funds.", None),
    "expired_card": ("expired_card", "expired_card", "Your card has expired.", "exp_month"),
    "incorrect_cvc": ("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect.",
                      "cvc"),
    "processing_error": ("processing_error", "processing_error",
                         "An error occurred while processing your card. Try again in a little "
                         "bit.", None),
    # The amount trigger of large round amounts: over the card's limit.
    "amount_exceeds_limit": ("card_declined", "card_velocity_exceeded", GENERIC_DECLINE, None),
}


def unix(value) -> int | None:
    """A time as Stripe writes it: whole Unix seconds."""
    return int(value.timestamp()) if value is not None else None


def decline_of(failure_reason: str) -> tuple[str, str, str, str | None]:
    """Stripe's (code, decline_code, message, param) of a failure reason: for a 402's error
    body and `last_payment_error`. Declines Stripe files under `card_declined` (do_not_honor,
    lost_card, stolen_card, fraudulent, ...) keep the reason as their `decline_code`."""
    return DECLINES.get(failure_reason, ("card_declined", failure_reason, GENERIC_DECLINE, None))


def declined(payment: Payment) -> bool:
    """Whether the payment's last confirmation (or its charge at creation) was declined."""
    return bool(payment.failure_reason) and payment.status in (
        PaymentStatus.REQUIRES_CONFIRMATION, PaymentStatus.FAILED)


def status_of(payment: Payment) -> str:
    """The PaymentIntent status Stripe's documentation gives for the payment's state."""
    if payment.status == PaymentStatus.REQUIRES_CONFIRMATION:
        if not payment.payment_method_id or payment.failure_reason:
            return "requires_payment_method"
        return "requires_confirmation"
    return STATUSES[payment.status]


def card_error(payment: Payment) -> dict:
    """The card error of the payment's last decline (Stripe's error object: `type`
    card_error; null keys left out, as Stripe leaves them out)."""
    code, decline_code, message, param = decline_of(payment.failure_reason)
    error = {"type": "card_error", "code": code, "decline_code": decline_code,
             "doc_url": f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}",
             "message": message}
    if param:
        error["param"] = param
    if payment.payment_method_id:
        error["payment_method"] = _declined_method(payment)
    return error


def _declined_method(payment: Payment) -> dict:
    """The declined test card as Stripe's PaymentMethod: what its type requires (no card
    details: `card` is optional), created with the intent, attached to no customer."""
    return {"id": payment.payment_method_id, "object": "payment_method",
            "billing_details": {"address": None, "email": None, "name": None, "phone": None,
                                "tax_id": None},
            "created": unix(payment.created_at), "customer": None, "customer_account": None,
            "livemode": False, "metadata": {}, "type": "card"}


def client_secret(payment: Payment) -> str:
    """`{id}_secret_…`: the same for the same payment, unguessable without SECRET_KEY."""
    digest = salted_hmac("payments.stripe.client_secret", payment.public_id,
                         algorithm="sha256").hexdigest()
    return f"{payment.public_id}_secret_{digest[:24]}"


def charge_id(payment: Payment) -> str:
    """The id of the payment's synthetic Charge (`ch_` and the payment id's random part)."""
    return "ch_" + payment.public_id.partition("_")[2]


def payment_to_stripe(payment: Payment) -> dict:
    """Stripe's PaymentIntent (keys in Stripe's order, nullable ones present as null),
    rendered once per state of the payment: a change's event and the answer to the request
    that made it share one rendering (a copy each: callers expand fields in place)."""
    state = tuple(getattr(payment, field.attname) for field in Payment._meta.concrete_fields)
    rendered = payment.__dict__.get("_stripe_rendering")
    if rendered is None or rendered[0] != state:
        rendered = payment.__dict__["_stripe_rendering"] = (state, _intent(payment))
    return dict(rendered[1])


def _intent(payment: Payment) -> dict:
    status = status_of(payment)
    was_declined = declined(payment)
    reason = payment.cancellation_reason
    return {
        "id": payment.public_id,
        "object": "payment_intent",
        "allowed_payment_method_types": None,
        "amount": payment.amount_minor,
        "amount_capturable": payment.amount_minor if status == "requires_capture" else 0,
        "amount_details": {"tip": {}},
        "amount_received": payment.amount_received_minor,
        "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": None,
        "canceled_at": unix(payment.cancelled_at),
        "cancellation_reason": reason if reason in CANCELLATION_REASONS else None,
        "capture_method": payment.capture_method,
        "client_secret": client_secret(payment),
        "confirmation_method": "automatic",
        "created": unix(payment.created_at),
        "currency": payment.currency.lower(),
        "customer": payment.customer_id or None,
        "customer_account": None,
        "description": payment.description or None,
        "excluded_payment_method_types": None,
        "last_payment_error": card_error(payment) if was_declined else None,
        "latest_charge": None,
        "livemode": False,
        "managed_payments": None,
        "metadata": payment.metadata,
        "next_action": None,
        "on_behalf_of": None,
        # After a decline, Stripe detaches the method (it is in `last_payment_error`).
        "payment_method": None if was_declined else payment.payment_method_id or None,
        "payment_method_configuration_details": None,
        "payment_method_options": {},
        "payment_method_types": ["card"],
        "payment_record": None,
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


def customer_to_stripe(customer: Customer) -> dict:
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


def made_here(render):
    """`render` for the payments made through `/stripe/v1` (the others have no Stripe
    events)."""
    return lambda payment: render(payment) if payment.origin == Format.STRIPE else None


_intent_made_here = made_here(payment_to_stripe)
# Each domain event as Stripe calls it, with its object as Stripe renders it.
EVENTS = [
    (events.PAYMENT_CREATED, stripe_events.PAYMENT_INTENT_CREATED, _intent_made_here),
    (events.PAYMENT_COMPLETED, stripe_events.PAYMENT_INTENT_SUCCEEDED, _intent_made_here),
    (events.PAYMENT_AUTHORIZED, stripe_events.PAYMENT_INTENT_AMOUNT_CAPTURABLE_UPDATED,
     _intent_made_here),
    (events.PAYMENT_FAILED, stripe_events.PAYMENT_INTENT_PAYMENT_FAILED, _intent_made_here),
    (events.PAYMENT_CANCELLED, stripe_events.PAYMENT_INTENT_CANCELED, _intent_made_here),
    (events.CUSTOMER_CREATED, stripe_events.CUSTOMER_CREATED, customer_to_stripe),
    (events.CUSTOMER_UPDATED, stripe_events.CUSTOMER_UPDATED, customer_to_stripe),
    (events.CUSTOMER_DELETED, stripe_events.CUSTOMER_DELETED, customer_to_stripe),
]


def register_events(renderings) -> None:
    for domain_type, event_type, render in EVENTS:
        renderings.register(Format.STRIPE, domain_type, event_type, render)
