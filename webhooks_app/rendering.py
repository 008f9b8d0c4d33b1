"""A delivery attempt as `/v1/webhooks/deliveries` shows it."""

from core.clock import iso
from webhooks_app.models import Delivery


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
