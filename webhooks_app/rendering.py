"""A delivery attempt as `/v1/webhooks/deliveries` shows it; a webhook endpoint and an event
as `/stripe/v1` shows them."""

from core.clock import iso
from core.json import loads
from webhooks_app.models import Delivery, Event, WebhookEndpoint


def delivery_to_v1(delivery: Delivery) -> dict:
    return {
        "id": delivery.public_id,
        "object": "webhook_delivery",
        "event_id": delivery.event.public_id,
        "endpoint_id": delivery.endpoint.public_id,
        "attempt": delivery.attempt,
        "status": delivery.status,
        "response_status": delivery.response_status,
        "response_body": delivery.response_body if delivery.attempted_at else None,
        "latency_ms": delivery.latency_ms,
        "error": delivery.error or None,
        "scheduled_at": iso(delivery.scheduled_for),
        "attempted_at": iso(delivery.attempted_at),
        "next_retry_at": iso(delivery.next_retry_at),
    }


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


def event_to_stripe(event: Event) -> dict:
    """A Stripe-dialect event: its stored body, exactly as it was delivered."""
    return loads(event.payload)
