"""Payments and customers as `/stripe/v1` shows them: a payment is a PaymentIntent, a
customer a Customer; and the Stripe events of payments, their charges, cards and setups (of
those made through `/stripe/v1`) and of customers."""

from api.stripe.declines import card_error_of
from core.formats import Format
from payments import selectors
from payments.api.stripe.cards import card_to_stripe, charge_to_stripe, method_to_stripe
from payments.api.stripe.common import client_secret, unix
from payments.api.stripe.setups import setup_to_stripe
from payments.models import Customer, Payment, PaymentStatus
from webhooks_app import events
from webhooks_app.api.stripe import rendering as stripe_events

# The ids of what is made through `/stripe/v1` (`core.ids.ID_PREFIXES`).
ID_PREFIXES = {("payment", Format.STRIPE): "pi", ("card", Format.STRIPE): "pm",
               ("charge", Format.STRIPE): "ch", ("setup", Format.STRIPE): "seti"}

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
    """The card error of the payment's last decline, with the declined PaymentMethod whole."""
    error = card_error_of(payment.failure_reason)
    method = payment_method_of(payment)
    if method is not None:
        error["payment_method"] = method
    return error


def payment_method_of(payment: Payment) -> dict | None:
    """The PaymentMethod the payment names, whole (a query for a saved card)."""
    if not payment.payment_method_id:
        return None
    method = selectors.method_get(account=payment.account, method_id=payment.payment_method_id)
    return method_to_stripe(method, created=unix(payment.created_at))


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
    kept = payment.format_fields  # what the client sent that only Stripe's shape shows
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
        "automatic_payment_methods": kept.get("automatic_payment_methods"),
        "canceled_at": unix(payment.cancelled_at),
        "cancellation_reason": reason if reason in CANCELLATION_REASONS else None,
        "capture_method": payment.capture_method,
        "client_secret": client_secret(payment.public_id),
        "confirmation_method": "automatic",
        "created": unix(payment.created_at),
        "currency": payment.currency.lower(),
        "customer": payment.customer_id or None,
        "customer_account": None,
        "description": payment.description or None,
        "excluded_payment_method_types": None,
        "last_payment_error": card_error(payment) if was_declined else None,
        "latest_charge": payment.latest_charge_id or None,
        "livemode": False,
        "managed_payments": None,
        "metadata": payment.metadata,
        "next_action": None,
        "on_behalf_of": None,
        # After a decline, Stripe detaches the method (it is in `last_payment_error`).
        "payment_method": None if was_declined else payment.payment_method_id or None,
        "payment_method_configuration_details": None,
        "payment_method_options": {"card": {
            "installments": None, "mandate_options": None, "network": None,
            "request_three_d_secure": kept.get("request_three_d_secure", "automatic")}},
        "payment_method_types": kept.get("payment_method_types", ["card"]),
        "payment_record": None,
        "processing": None,
        "receipt_email": payment.customer_email or None,
        "review": None,
        "setup_future_usage": payment.setup_future_usage or None,
        "shipping": payment.shipping,
        "source": None,
        "statement_descriptor": payment.statement_descriptor or None,
        "statement_descriptor_suffix": payment.statement_descriptor_suffix or None,
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
        "invoice_settings": {"custom_fields": None, "default_payment_method": (
            customer.default_card.public_id if customer.default_card_id else None),
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


def made_here(render, payment_of=lambda subject: subject):
    """`render` for the payments made through `/stripe/v1` and what is theirs (the others
    have no Stripe events)."""
    return lambda subject: (render(subject) if payment_of(subject).origin == Format.STRIPE
                            else None)


def _stripe_made(render):
    """`render` for the cards and setups made through `/stripe/v1`."""
    return lambda subject: render(subject) if subject.origin == Format.STRIPE else None


_intent_event = made_here(payment_to_stripe)
_charge_event = made_here(charge_to_stripe, lambda charge: charge.payment)
_card_event, _setup_event = _stripe_made(card_to_stripe), _stripe_made(setup_to_stripe)
# Each domain event as Stripe calls it, with its object as Stripe renders it.
EVENTS = [
    (events.PAYMENT_CREATED, stripe_events.PAYMENT_INTENT_CREATED, _intent_event),
    (events.PAYMENT_COMPLETED, stripe_events.PAYMENT_INTENT_SUCCEEDED, _intent_event),
    (events.PAYMENT_AUTHORIZED, stripe_events.PAYMENT_INTENT_AMOUNT_CAPTURABLE_UPDATED,
     _intent_event),
    (events.PAYMENT_FAILED, stripe_events.PAYMENT_INTENT_PAYMENT_FAILED, _intent_event),
    (events.PAYMENT_CANCELLED, stripe_events.PAYMENT_INTENT_CANCELED, _intent_event),
    (events.CHARGE_SUCCEEDED, stripe_events.CHARGE_SUCCEEDED, _charge_event),
    (events.CHARGE_FAILED, stripe_events.CHARGE_FAILED, _charge_event),
    (events.CHARGE_CAPTURED, stripe_events.CHARGE_CAPTURED, _charge_event),
    (events.CHARGE_UPDATED, stripe_events.CHARGE_UPDATED, _charge_event),
    (events.CARD_ATTACHED, stripe_events.PAYMENT_METHOD_ATTACHED, _card_event),
    (events.CARD_DETACHED, stripe_events.PAYMENT_METHOD_DETACHED, _card_event),
    (events.CARD_UPDATED, stripe_events.PAYMENT_METHOD_UPDATED, _card_event),
    (events.SETUP_CREATED, stripe_events.SETUP_INTENT_CREATED, _setup_event),
    (events.SETUP_SUCCEEDED, stripe_events.SETUP_INTENT_SUCCEEDED, _setup_event),
    (events.SETUP_FAILED, stripe_events.SETUP_INTENT_SETUP_FAILED, _setup_event),
    (events.SETUP_CANCELLED, stripe_events.SETUP_INTENT_CANCELED, _setup_event),
    (events.CUSTOMER_CREATED, stripe_events.CUSTOMER_CREATED, customer_to_stripe),
    (events.CUSTOMER_UPDATED, stripe_events.CUSTOMER_UPDATED, customer_to_stripe),
    (events.CUSTOMER_DELETED, stripe_events.CUSTOMER_DELETED, customer_to_stripe),
]


def register_events(renderings) -> None:
    for domain_type, event_type, render in EVENTS:
        renderings.register(Format.STRIPE, domain_type, event_type, render)
