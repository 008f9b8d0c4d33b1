"""Another account's webhook endpoints and events do not exist for this account, on either
format: not found, not listed, not changed."""

import base64
import uuid

from tests.support.credentials import ADMIN_KEY, client_for
from tests.support.errors import stripe_error, v1_error
from tests.support.factories import make_account, make_endpoint, make_payment
from webhooks_app.models import Event, WebhookEndpoint


def stripe_client():
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(
        f"{ADMIN_KEY}:".encode()).decode())
    return client


def test_another_accounts_endpoints_are_404_and_untouched(demo):
    other = make_account()
    theirs = make_endpoint(other, "https://theirs.example.com/v1")
    their_stripe = make_endpoint(other, "https://theirs.example.com/s", format="stripe")
    ours = client_for(ADMIN_KEY)
    path = f"/v1/webhooks/endpoints/{theirs.public_id}"
    v1_error(ours.get(path), 404, param="endpoint_id")
    v1_error(ours.patch(path, {"url": "https://mine.example.com"}, format="json"), 404)
    v1_error(ours.post(f"{path}/rotate-secret", {}, format="json",
                       headers={"Idempotency-Key": uuid.uuid4().hex}), 404)
    v1_error(ours.delete(path), 404)
    assert ours.get("/v1/webhooks/endpoints").json()["data"] == []
    stripe = stripe_client()
    stripe_path = f"/stripe/v1/webhook_endpoints/{their_stripe.public_id}"
    stripe_error(stripe.get(stripe_path), 404, code="resource_missing")
    stripe_error(stripe.post(stripe_path, "description=mine",
                             content_type="application/x-www-form-urlencoded"), 404)
    stripe_error(stripe.delete(stripe_path), 404)
    assert stripe.get("/stripe/v1/webhook_endpoints").json()["data"] == []
    theirs.refresh_from_db()
    assert theirs.url == "https://theirs.example.com/v1"
    assert WebhookEndpoint.objects.filter(account=other).count() == 2


def test_another_accounts_events_are_404_and_never_listed(demo):
    other = make_account()
    make_payment(other)
    [theirs] = Event.objects.filter(account=other, type="payment.completed")
    ours = client_for(ADMIN_KEY)
    v1_error(ours.get(f"/v1/webhooks/events/{theirs.public_id}"), 404, param="event_id")
    v1_error(ours.post(f"/v1/webhooks/events/{theirs.public_id}/redeliver", {},
                       format="json", headers={"Idempotency-Key": uuid.uuid4().hex}), 404)
    assert ours.get("/v1/webhooks/events").json()["data"] == []
    stripe_error(stripe_client().get(f"/stripe/v1/events/{theirs.public_id}"), 404)
    assert stripe_client().get("/stripe/v1/events").json()["data"] == []
