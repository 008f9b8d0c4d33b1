"""Reads of webhook endpoints and events, always scoped to the calling account."""

from accounts.models import Account
from core.errors import NotFound
from webhooks_app.models import Delivery, Event, WebhookEndpoint


def endpoint_list(*, account: Account):
    return WebhookEndpoint.objects.filter(account=account)


def endpoint_get(*, account: Account, endpoint_id: str) -> WebhookEndpoint:
    endpoint = endpoint_list(account=account).filter(public_id=endpoint_id).first()
    if endpoint is None:
        raise NotFound(f"Webhook endpoint '{endpoint_id}' not found.", param="endpoint_id")
    return endpoint


def event_list(*, account: Account):
    return Event.objects.filter(account=account)


def event_get(*, account: Account, event_id: str) -> Event:
    event = event_list(account=account).filter(public_id=event_id).first()
    if event is None:
        raise NotFound(f"Event '{event_id}' not found.", param="event_id")
    return event


def delivery_list(*, account: Account):
    return Delivery.objects.filter(endpoint__account=account).select_related("event",
                                                                            "endpoint")


def delivery_get(*, account: Account, delivery_id: str) -> Delivery:
    delivery = delivery_list(account=account).filter(public_id=delivery_id).first()
    if delivery is None:
        raise NotFound(f"Delivery '{delivery_id}' not found.", param="delivery_id")
    return delivery
