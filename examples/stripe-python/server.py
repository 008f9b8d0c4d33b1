"""A small shop's back end, written the way Stripe's docs write one (Flask + the official
`stripe` package). Nothing in it knows about the sandbox: it reads its key, its webhook secret
and the API base from the environment, exactly as it would for Stripe's test mode.

    STRIPE_SECRET_KEY      the sandbox's API key (sk_test_… at Stripe)
    STRIPE_WEBHOOK_SECRET  the signing secret of the endpoint that points at /webhook
    STRIPE_API_BASE        the sandbox's Stripe surface, e.g. http://127.0.0.1:8000/stripe
                           (unset: Stripe itself)
"""

import os
import threading

import stripe
from flask import Flask, jsonify, request

client = stripe.StripeClient(
    os.environ["STRIPE_SECRET_KEY"],
    base_addresses={"api": os.environ.get("STRIPE_API_BASE", "https://api.stripe.com")},
)
endpoint_secret = os.environ.get("STRIPE_WEBHOOK_SECRET", "")

app = Flask(__name__)
received = []  # the events the webhook handler accepted, in order (the shop's "database")
received_lock = threading.Lock()

PRICES = {"tshirt": 2000, "mug": 1200}  # the catalogue: minor units (cents)


def order_amount(items):
    return sum(PRICES[item["id"]] * int(item.get("quantity", 1)) for item in items)


@app.post("/create-payment-intent")
def create_payment_intent():
    """Stripe's quickstart: the amount is computed on the server, never taken from the client;
    Stripe chooses the payment methods (`automatic_payment_methods`)."""
    data = request.get_json()
    intent = client.v1.payment_intents.create(params={
        "amount": order_amount(data["items"]),
        "currency": "usd",
        "automatic_payment_methods": {"enabled": True},
        "metadata": {"order_id": data.get("order_id", "")},
    })
    return jsonify(clientSecret=intent.client_secret, id=intent.id)


@app.post("/create-setup-intent")
def create_setup_intent():
    """Save a card for later: a customer, and a SetupIntent for off-session use."""
    data = request.get_json()
    customer = client.v1.customers.create(params={"email": data["email"]})
    setup = client.v1.setup_intents.create(params={
        "customer": customer.id,
        "usage": "off_session",
        "automatic_payment_methods": {"enabled": True},
    })
    return jsonify(clientSecret=setup.client_secret, id=setup.id, customer=customer.id)


@app.post("/charge-saved-card")
def charge_saved_card():
    """Charge the customer's saved card while they are away (Stripe's "save and reuse" guide):
    a card that needs authentication declines with `authentication_required`, and the shop asks
    the customer to come back."""
    data = request.get_json()
    methods = client.v1.payment_methods.list(params={"customer": data["customer"],
                                                     "type": "card"})
    try:
        intent = client.v1.payment_intents.create(params={
            "amount": data["amount"],
            "currency": "usd",
            "customer": data["customer"],
            "payment_method": methods.data[0].id,
            "off_session": True,
            "confirm": True,
        })
    except stripe.CardError as error:
        return jsonify(error=error.code, payment_intent=error.error.payment_intent.id), 402
    return jsonify(id=intent.id, status=intent.status, charge=intent.latest_charge)


@app.post("/webhook")
def webhook():
    """Every event is verified with the endpoint's secret before it is believed."""
    try:
        event = stripe.Webhook.construct_event(
            request.get_data(), request.headers.get("Stripe-Signature"), endpoint_secret)
    except ValueError:
        return jsonify(error="invalid payload"), 400
    except stripe.SignatureVerificationError:
        return jsonify(error="invalid signature"), 400
    if event.type == "payment_intent.succeeded":
        fulfil(event.data.object)
    with received_lock:
        received.append({"id": event.id, "type": event.type, "object": event.data.object.id})
    return jsonify(success=True)


def fulfil(intent):
    app.logger.info("order %s paid: %s", intent.metadata.to_dict().get("order_id"), intent.id)


@app.get("/events")
def events():
    """What the webhook handler has accepted (for the shop's own checks)."""
    with received_lock:
        return jsonify(list(received))


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "4242")))
