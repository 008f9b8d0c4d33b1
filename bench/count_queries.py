"""Queries per request of each benchmarked endpoint, counted in-process on the same database.

Prints JSON: {endpoint: {status, queries (data statements), statements (all)}}.
"""

import base64
import hashlib
import json
import secrets
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402
from run import DEVDRAFT_PAYMENT, PAYMENT, STANDARD_KEY  # noqa: E402
from stripe_setup import CHECKOUT_FORM, CHECKOUT_PAY_FORM, CSRF_SECRET, SEARCH  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.demo import DEMO_ACCOUNT_ID  # noqa: E402
from accounts.models import Account  # noqa: E402
from payments import services  # noqa: E402
from payments.models import Payment  # noqa: E402

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {STANDARD_KEY}"}


def count(call) -> dict:
    with CaptureQueriesContext(connection) as context:
        status = call().status_code
    data = [q for q in context.captured_queries
            if not q["sql"].lstrip().upper().startswith(CONTROL)]
    return {"status": status, "queries": len(data),
            "statements": len(context.captured_queries)}


client = Client(HTTP_HOST="localhost")
# The OAuth token requests, as bench/lua/token_*.lua send them: form bodies, HTTP Basic, the
# demo client; the code exchange with PKCE.
OAUTH_BASIC = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"my_app:my_secret").decode()}
FORM = "application/x-www-form-urlencoded"
VERIFIER = secrets.token_urlsafe(48)
CHALLENGE = base64.urlsafe_b64encode(
    hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()


def exchange_code():
    code = client.get("/v1/oauth/authorize", {
        "client_id": "my_app", "response_type": "code", "code_challenge": CHALLENGE,
        "code_challenge_method": "S256"}).json()["authorization_code"]
    body = urlencode({"grant_type": "authorization_code", "code": code,
                      "code_verifier": VERIFIER})
    return count(lambda: client.post("/v1/oauth/token", body, FORM, **OAUTH_BASIC))


def stripe_intent(**fields) -> str:
    """An intent of the demo account, as bench/stripe_setup.py leaves them."""
    account = Account.objects.get(public_id=DEMO_ACCOUNT_ID)
    return services.payment_open(account=account, amount_minor=4999, currency="USD",
                                 origin="stripe", **fields).public_id


def stripe_post(path: str, body: str, key: str):
    return count(lambda: client.post(path, body, FORM, HTTP_IDEMPOTENCY_KEY=key, **AUTH))


def checkout_pay():
    """A session made through the API, paid on its hosted page as bench/lua/once.lua pays."""
    url = client.post("/stripe/v1/checkout/sessions", CHECKOUT_FORM, FORM,
                      HTTP_IDEMPOTENCY_KEY="count-checkout-2", **AUTH).json()["url"]
    page = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    page.cookies["csrftoken"] = CSRF_SECRET
    return count(lambda: page.post(url, CHECKOUT_PAY_FORM, FORM))


payment_id = (Payment.objects.filter(status="completed")
              .values_list("public_id", flat=True).first())
# Steady state: the key's last-used time is written at most once a minute, and the first
# claimed idempotency key of the hour enqueues the maintenance task.
client.post("/v1/payments", PAYMENT, "application/json", HTTP_IDEMPOTENCY_KEY="count-warm-up",
            **AUTH)
print(json.dumps({
    "create": count(lambda: client.post("/v1/payments", PAYMENT, "application/json",
                                        HTTP_IDEMPOTENCY_KEY="count-create-1", **AUTH)),
    "replay": count(lambda: client.post("/v1/payments", PAYMENT, "application/json",
                                        HTTP_IDEMPOTENCY_KEY="count-create-1", **AUTH)),
    "get": count(lambda: client.get(f"/v1/payments/{payment_id}", **AUTH)),
    "list": count(lambda: client.get("/v1/payments?per_page=20", **AUTH)),
    "refund": count(lambda: client.post(f"/v1/payments/{payment_id}/refund", {"amount": 0.01},
                                        "application/json",
                                        HTTP_IDEMPOTENCY_KEY="count-refund-1", **AUTH)),
    "devdraft": count(lambda: client.post(
        "/api/v0/test-payment", DEVDRAFT_PAYMENT, "application/json",
        HTTP_IDEMPOTENCY_KEY="count-devdraft-1", HTTP_X_CLIENT_KEY="demo_client_standard",
        HTTP_X_CLIENT_SECRET=STANDARD_KEY)),
    "token_client_credentials": count(lambda: client.post(
        "/v1/oauth/token", "grant_type=client_credentials", FORM, **OAUTH_BASIC)),
    "token_authorization_code": exchange_code(),
    "stripe_confirm": stripe_post(f"/stripe/v1/payment_intents/{stripe_intent()}/confirm",
                                  "payment_method=pm_card_visa", "count-confirm-1"),
    "stripe_capture": stripe_post(
        f"/stripe/v1/payment_intents/"
        f"{stripe_intent(payment_method_id='pm_card_visa', confirm=True, capture_method='manual')}"
        "/capture", "", "count-capture-1"),
    "checkout_create": stripe_post("/stripe/v1/checkout/sessions", CHECKOUT_FORM,
                                   "count-checkout-1"),
    "checkout_pay": checkout_pay(),
    "stripe_search": count(lambda: client.get(SEARCH, **AUTH)),
}))
