"""Webhooks as `/v1` shows them: its event types, the envelope of its events (signed per
Standard Webhooks), and a delivery attempt of the delivery log."""

from core.clock import iso
from webhooks_app.models import Delivery, Event

# The event types of `/v1` (what its endpoints subscribe to and its events are called).
PAYMENT_CREATED = "payment.created"
PAYMENT_COMPLETED = "payment.completed"
PAYMENT_AUTHORIZED = "payment.authorized"
PAYMENT_FAILED = "payment.failed"
PAYMENT_CANCELLED = "payment.cancelled"
PAYMENT_REFUNDED = "payment.refunded"
REFUND_CREATED = "refund.created"
REFUND_COMPLETED = "refund.completed"
REFUND_FAILED = "refund.failed"
EVENT_TYPES = (PAYMENT_CREATED, PAYMENT_COMPLETED, PAYMENT_AUTHORIZED, PAYMENT_FAILED,
               PAYMENT_CANCELLED, PAYMENT_REFUNDED, REFUND_CREATED, REFUND_COMPLETED,
               REFUND_FAILED)
EVENT_CHOICES = [(name, name) for name in EVENT_TYPES]


def event_envelope(event: Event, data: dict, *, pending_webhooks: int) -> dict:
    """`{"id", "type", "created_at", "data": {"object"}}`: what `/v1` endpoints receive."""
    return {"id": event.public_id, "type": event.type,
            "created_at": event.created_at.isoformat(timespec="microseconds"),
            "data": {"object": data}}


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
