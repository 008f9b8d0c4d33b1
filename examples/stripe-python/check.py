"""Runs the shop (server.py) against a live sandbox and walks what its customers do; exits
non-zero at the first thing that does not hold. What Stripe.js would do in the customer's
browser (confirming with a card) is done here with the same API calls.

    STRIPE_SECRET_KEY=… STRIPE_API_BASE=http://127.0.0.1:8000/stripe python check.py
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import stripe

stripe.api_key = os.environ["STRIPE_SECRET_KEY"]
stripe.api_base = os.environ.get("STRIPE_API_BASE", "https://api.stripe.com")
EVENTS = ["payment_intent.succeeded", "charge.succeeded", "setup_intent.succeeded",
          "payment_intent.payment_failed"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shop(method, path, body=None):
    request = urllib.request.Request(
        f"{SHOP}{path}", method=method, data=json.dumps(body).encode() if body else None,
        headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def wait_for(predicate, what, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    sys.exit(f"FAILED: {what} within {seconds} s")


def received(type_, object_id):
    return [e for e in shop("GET", "/events")[1]
            if e["type"] == type_ and e["object"] == object_id]


def check(condition, what):
    if not condition:
        sys.exit(f"FAILED: {what}")
    print(f"ok  {what}")


port = free_port()
SHOP = f"http://127.0.0.1:{port}"
endpoint = stripe.WebhookEndpoint.create(url=f"{SHOP}/webhook", enabled_events=EVENTS)
server = subprocess.Popen(
    [sys.executable, str(Path(__file__).with_name("server.py"))],
    env={**os.environ, "PORT": str(port), "STRIPE_WEBHOOK_SECRET": endpoint.secret})
try:
    deadline = time.monotonic() + 30
    while True:
        try:
            shop("GET", "/events")
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit("FAILED: the shop did not start")
            time.sleep(0.2)

    # 1. Checkout: the quickstart's PaymentIntent, confirmed as Stripe.js would.
    status, answer = shop("POST", "/create-payment-intent",
                          {"items": [{"id": "tshirt", "quantity": 2}], "order_id": "A-1"})
    check(status == 200 and answer["clientSecret"].startswith(answer["id"]),
          "the shop creates a PaymentIntent with automatic_payment_methods")
    intent = stripe.PaymentIntent.confirm(answer["id"], payment_method="pm_card_visa")
    check(intent.status == "succeeded" and intent.amount == 4000 and intent.latest_charge,
          "confirmed with a card: succeeded, 40.00 USD, with a charge")
    check(wait_for(lambda: received("payment_intent.succeeded", intent.id), "the webhook"),
          "payment_intent.succeeded reached the shop, its signature verified")

    # 2. A declined card: the intent waits for another payment method.
    status, answer = shop("POST", "/create-payment-intent", {"items": [{"id": "mug"}]})
    try:
        stripe.PaymentIntent.confirm(answer["id"], payment_method="pm_card_chargeDeclined")
        sys.exit("FAILED: a declining card was charged")
    except stripe.CardError as error:
        check(error.code == "card_declined"
              and error.error.payment_intent.last_payment_error.payment_method.card.last4
              == "0002", "a declined card: 402 card_declined, the card in last_payment_error")

    # 3. Save a card with a SetupIntent, then charge it off session.
    status, answer = shop("POST", "/create-setup-intent", {"email": "jenny@example.com"})
    setup = stripe.SetupIntent.confirm(answer["id"], payment_method="pm_card_visa")
    check(setup.status == "succeeded", "the SetupIntent saved the card")
    check(wait_for(lambda: received("setup_intent.succeeded", setup.id), "the webhook"),
          "setup_intent.succeeded reached the shop")
    status, charged = shop("POST", "/charge-saved-card",
                           {"customer": answer["customer"], "amount": 1200})
    check(status == 200 and charged["status"] == "succeeded" and charged["charge"],
          "the saved card charged off session")

    # 4. A saved card whose issuer asks for its holder every time (saved earlier, with the
    # holder present): off session it declines authentication_required.
    status, answer = shop("POST", "/create-setup-intent", {"email": "away@example.com"})
    stripe.PaymentMethod.attach("pm_card_authenticationRequired", customer=answer["customer"])
    status, refused = shop("POST", "/charge-saved-card",
                           {"customer": answer["customer"], "amount": 1200})
    check(status == 402 and refused["error"] == "authentication_required",
          "a card needing authentication declines off session: authentication_required")
    print("stripe-python example: all checks passed")
finally:
    server.terminate()
    server.wait(timeout=10)
    stripe.WebhookEndpoint.delete(endpoint.id)
