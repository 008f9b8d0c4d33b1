"""Reads of webhook endpoints and events, always scoped to the calling account and to the
dialect of the surface asking: `/v1` sees Standard Webhooks endpoints and events,
`/stripe/v1` Stripe's."""

from accounts.models import Account
from core.errors import NotFound
from webhooks_app.models import Delivery, Dialect, Event, WebhookEndpoint


def endpoint_missing(endpoint_id: str, dialect: str = Dialect.STANDARD) -> NotFound:
    """The 404 of an endpoint the caller cannot see, worded as its surface words it."""
    if dialect == Dialect.STRIPE:
        return NotFound(f"No such webhook endpoint: '{endpoint_id}'", param="id")
    return NotFound(f"Webhook endpoint '{endpoint_id}' not found.", param="endpoint_id")


def event_missing(event_id: str, dialect: str = Dialect.STANDARD) -> NotFound:
    if dialect == Dialect.STRIPE:
        return NotFound(f"No such event: '{event_id}'", param="id")
    return NotFound(f"Event '{event_id}' not found.", param="event_id")


def endpoint_list(*, account: Account, dialect: str = Dialect.STANDARD):
    return WebhookEndpoint.objects.filter(account=account, dialect=dialect)


def endpoint_get(*, account: Account, endpoint_id: str,
                 dialect: str = Dialect.STANDARD) -> WebhookEndpoint:
    endpoint = endpoint_list(account=account, dialect=dialect).filter(
        public_id=endpoint_id).first()
    if endpoint is None:
        raise endpoint_missing(endpoint_id, dialect)
    return endpoint


def event_list(*, account: Account, dialect: str = Dialect.STANDARD):
    return Event.objects.filter(account=account, dialect=dialect)


def event_get(*, account: Account, event_id: str, dialect: str = Dialect.STANDARD) -> Event:
    event = event_list(account=account, dialect=dialect).filter(public_id=event_id).first()
    if event is None:
        raise event_missing(event_id, dialect)
    return event


def delivery_list(*, account: Account, dialect: str = Dialect.STANDARD):
    """Attempts to the account's endpoints of `dialect` (the `/v1` delivery log shows its
    own; a Stripe endpoint's attempts are in the admin)."""
    return Delivery.objects.filter(endpoint__account=account,
                                   endpoint__dialect=dialect).select_related("event",
                                                                             "endpoint")


def delivery_get(*, account: Account, delivery_id: str,
                 dialect: str = Dialect.STANDARD) -> Delivery:
    delivery = delivery_list(account=account, dialect=dialect).filter(
        public_id=delivery_id).first()
    if delivery is None:
        raise NotFound(f"Delivery '{delivery_id}' not found.", param="delivery_id")
    return delivery
