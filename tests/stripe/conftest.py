"""The official `stripe` package (16.x), unchanged, against a live server's `/stripe/v1` (the
`sdk` fixture, tests/support/fixtures.py)."""

import pytest
import stripe

from webhooks_app.models import Delivery
from webhooks_app.tasks import attempt_delivery


@pytest.fixture
def delivered(sdk, receiver):
    """`delivered(*types)`: registers an endpoint for `types`; calling the returned function
    delivers what is due and gives the events received, verified by `construct_event`."""

    def subscribe(*types):
        endpoint = stripe.WebhookEndpoint.create(url=receiver.url, enabled_events=list(types))

        def received():
            for delivery in Delivery.objects.filter(endpoint__public_id=endpoint.id,
                                                    status="pending").order_by("pk"):
                attempt_delivery.call(delivery.pk, delivery.event.account_id)
            return [stripe.Webhook.construct_event(request.body.decode(),
                                                   request.headers["Stripe-Signature"],
                                                   endpoint.secret)
                    for request in receiver.requests]

        return received

    return subscribe
