"""Webhooks as `/stripe/v1` shows them: a webhook endpoint, the event envelope, and the
event types of Stripe's that the sandbox sends."""

from api.stripe.version import API_VERSION
from core import context
from core.json import loads
from webhooks_app.models import Event, WebhookEndpoint

PAYMENT_INTENT_CREATED = "payment_intent.created"
PAYMENT_INTENT_SUCCEEDED = "payment_intent.succeeded"
PAYMENT_INTENT_PAYMENT_FAILED = "payment_intent.payment_failed"
PAYMENT_INTENT_CANCELED = "payment_intent.canceled"
PAYMENT_INTENT_AMOUNT_CAPTURABLE_UPDATED = "payment_intent.amount_capturable_updated"
PAYMENT_INTENT_REQUIRES_ACTION = "payment_intent.requires_action"
CHARGE_SUCCEEDED = "charge.succeeded"
CHARGE_FAILED = "charge.failed"
CHARGE_CAPTURED = "charge.captured"
CHARGE_UPDATED = "charge.updated"
CHARGE_REFUNDED = "charge.refunded"
REFUND_CREATED = "refund.created"
PAYMENT_METHOD_ATTACHED = "payment_method.attached"
PAYMENT_METHOD_DETACHED = "payment_method.detached"
PAYMENT_METHOD_UPDATED = "payment_method.updated"
SETUP_INTENT_CREATED = "setup_intent.created"
SETUP_INTENT_SUCCEEDED = "setup_intent.succeeded"
SETUP_INTENT_SETUP_FAILED = "setup_intent.setup_failed"
SETUP_INTENT_CANCELED = "setup_intent.canceled"
SETUP_INTENT_REQUIRES_ACTION = "setup_intent.requires_action"
CUSTOMER_CREATED = "customer.created"
CUSTOMER_UPDATED = "customer.updated"
CUSTOMER_DELETED = "customer.deleted"
CHECKOUT_SESSION_COMPLETED = "checkout.session.completed"
CHECKOUT_SESSION_EXPIRED = "checkout.session.expired"
# What the sandbox sends (endpoints may subscribe to any of Stripe's: `event_types.ALL`).
SENT = (PAYMENT_INTENT_CREATED, PAYMENT_INTENT_SUCCEEDED, PAYMENT_INTENT_PAYMENT_FAILED,
        PAYMENT_INTENT_CANCELED, PAYMENT_INTENT_AMOUNT_CAPTURABLE_UPDATED,
        PAYMENT_INTENT_REQUIRES_ACTION, CHARGE_SUCCEEDED, CHARGE_FAILED, CHARGE_CAPTURED,
        CHARGE_UPDATED, CHARGE_REFUNDED, REFUND_CREATED, PAYMENT_METHOD_ATTACHED,
        PAYMENT_METHOD_DETACHED, PAYMENT_METHOD_UPDATED, SETUP_INTENT_CREATED,
        SETUP_INTENT_SUCCEEDED, SETUP_INTENT_SETUP_FAILED, SETUP_INTENT_CANCELED,
        SETUP_INTENT_REQUIRES_ACTION, CUSTOMER_CREATED, CUSTOMER_UPDATED, CUSTOMER_DELETED,
        CHECKOUT_SESSION_COMPLETED, CHECKOUT_SESSION_EXPIRED)


def event_envelope(event: Event, data: dict, *, pending_webhooks: int) -> dict:
    """Stripe's event object, made as the event is recorded: its `request` is the API call
    that caused it (its request id and idempotency key), both null for what happened by
    itself (tasks, the admin, the sandbox clock: `core.context.cause`)."""
    cause = context.cause()
    return {
        "id": event.public_id,
        "object": "event",
        "api_version": API_VERSION,
        "created": int(event.created_at.timestamp()),
        "data": {"object": data},
        "livemode": False,
        "pending_webhooks": pending_webhooks,
        "request": {"id": cause.request_id, "idempotency_key": cause.idempotency_key},
        "type": event.type,
    }


def event_to_stripe(event: Event) -> dict:
    """An event: its stored body, exactly as it was delivered."""
    return loads(event.payload)


def endpoint_to_stripe(endpoint: WebhookEndpoint, *, with_secret: bool = False) -> dict:
    """Stripe's `webhook_endpoint`; its `secret` only when `with_secret` (the creation's
    answer): afterwards the key is absent, as on Stripe."""
    rendered = {
        "id": endpoint.public_id,
        "object": "webhook_endpoint",
        "api_version": endpoint.api_version or None,
        "application": None,
        "created": int(endpoint.created_at.timestamp()),
        "description": endpoint.description or None,
        "enabled_events": list(endpoint.events),
        "livemode": False,
        "metadata": dict(endpoint.metadata),
        "status": "enabled" if endpoint.is_enabled else "disabled",
        "url": endpoint.url,
    }
    if with_secret:
        rendered["secret"] = endpoint.secret
    return rendered
