"""Reads of webhook endpoints, events and deliveries, always scoped to the calling account
and to the format asking: each format sees the endpoints registered through it and the
events rendered in it."""

import re

from django.db.models import Q

from accounts.models import Account
from core.errors import NotFound
from core.formats import Format
from webhooks_app.models import Delivery, Event, WebhookEndpoint

ALL = Q()  # a list's `where` when nothing narrows it


def endpoint_missing(endpoint_id: str) -> NotFound:
    return NotFound("webhook endpoint", endpoint_id, param="endpoint_id")


def event_missing(event_id: str) -> NotFound:
    return NotFound("event", event_id, param="event_id")


def endpoint_list(*, account: Account, format: str = Format.V1):
    return WebhookEndpoint.objects.filter(account=account, format=format)


def endpoint_get(*, account: Account, endpoint_id: str,
                 format: str = Format.V1) -> WebhookEndpoint:
    endpoint = endpoint_list(account=account, format=format).filter(
        public_id=endpoint_id).first()
    if endpoint is None:
        raise endpoint_missing(endpoint_id)
    return endpoint


def event_list(*, account: Account, format: str = Format.V1, types: list[str] | None = None,
               type_like: str | None = None, where: Q = ALL):
    """The account's events of `format` matching `where` (a `Q` over the event's fields);
    when given, of `types` only, or of the types `type_like` matches (`*` matching
    anything: `payment_intent.*`)."""
    events = Event.objects.filter(where, account=account, format=format)
    if types is not None:
        events = events.filter(type__in=types)
    if type_like is not None:
        pattern = "^" + ".*".join(re.escape(part) for part in type_like.split("*")) + "$"
        events = events.filter(type__regex=pattern)
    return events


def event_get(*, account: Account, event_id: str, format: str = Format.V1) -> Event:
    event = event_list(account=account, format=format).filter(public_id=event_id).first()
    if event is None:
        raise event_missing(event_id)
    return event


def delivery_list(*, account: Account, format: str = Format.V1):
    """Attempts to the account's endpoints of `format` (the `/v1` delivery log shows its
    own; another format's attempts are in the admin)."""
    return Delivery.objects.filter(endpoint__account=account,
                                   endpoint__format=format).select_related("event", "endpoint")


def delivery_get(*, account: Account, delivery_id: str, format: str = Format.V1) -> Delivery:
    delivery = delivery_list(account=account, format=format).filter(
        public_id=delivery_id).first()
    if delivery is None:
        raise NotFound("delivery", delivery_id, param="delivery_id")
    return delivery
