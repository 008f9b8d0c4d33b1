"""Who may do what, for every operation of every surface.

The table below is written out by hand (not read from the code it checks), and a test
keeps it covering every operation of the schema. For each operation: the scope that allows
it works; every other scope is 403 and writes nothing; no credential, an expired key (even
an active one), a revoked key and a revoked or expired OAuth token are 401; another
account's objects are 404 and nothing is written.
"""

import json
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import scopes
from accounts.models import ApiKey, Scenario
from accounts.services import scenario_create
from api.models import IdempotencyKey
from oauth_app.models import OAuthToken
from oauth_app.services import oauth_client_create, oauth_token_issue
from payments.models import Card, Charge, Checkout, Customer, Payment, Setup
from payments.services import card_attach, setup_create
from refunds.models import Refund
from tests.support.credentials import client_for
from tests.support.factories import (
    make_account,
    make_api_key,
    make_authorized_payment,
    make_checkout,
    make_customer,
    make_endpoint,
    make_payment,
    make_refund,
    make_stripe_payment,
)
from webhooks_app.models import Delivery, Event, WebhookEndpoint

PUBLIC = None


@dataclass(frozen=True)
class Op:
    operation_id: str
    method: str
    path: str  # {payment_id} {refund_id} {endpoint_id} {event_id} are filled in
    scope: str | None
    surface: str = "v1"
    body: dict | None = None


PAYMENT = {"amount": 49.99, "currency": "USD", "description": "Order", "customer_email":
           "a@example.com"}
DEVDRAFT_PAYMENT = {"amount": 49.99, "currency": "USD", "description": "Order"}

OPERATIONS = [
    Op("list_payments", "get", "/v1/payments", scopes.PAYMENTS_READ),
    Op("create_payment", "post", "/v1/payments", scopes.PAYMENTS_WRITE, body=PAYMENT),
    Op("retrieve_payment", "get", "/v1/payments/{payment_id}", scopes.PAYMENTS_READ),
    Op("retrieve_payment_status", "get", "/v1/payments/{payment_id}/status",
       scopes.PAYMENTS_READ),
    Op("cancel_payment", "post", "/v1/payments/{pending_id}/cancel", scopes.PAYMENTS_WRITE,
       body={}),
    Op("refund_payment", "post", "/v1/payments/{payment_id}/refund", scopes.REFUNDS_WRITE,
       body={"amount": 1}),
    Op("list_payment_refunds", "get", "/v1/payments/{payment_id}/refunds",
       scopes.PAYMENTS_READ),
    Op("retrieve_refund", "get", "/v1/refunds/{refund_id}", scopes.PAYMENTS_READ),
    Op("list_webhook_endpoints", "get", "/v1/webhooks/endpoints", scopes.WEBHOOKS_MANAGE),
    Op("create_webhook_endpoint", "post", "/v1/webhooks/endpoints", scopes.WEBHOOKS_MANAGE,
       body={"url": "https://example.com/hook", "events": ["payment.created"]}),
    Op("retrieve_webhook_endpoint", "get", "/v1/webhooks/endpoints/{endpoint_id}",
       scopes.WEBHOOKS_MANAGE),
    Op("delete_webhook_endpoint", "delete", "/v1/webhooks/endpoints/{endpoint_id}",
       scopes.WEBHOOKS_MANAGE),
    Op("list_webhook_events", "get", "/v1/webhooks/events", scopes.PAYMENTS_READ),
    Op("retrieve_webhook_event", "get", "/v1/webhooks/events/{event_id}",
       scopes.PAYMENTS_READ),
    Op("simulate_webhook_event", "post", "/v1/webhooks/simulate", scopes.WEBHOOKS_MANAGE,
       body={"event_type": "payment.created", "payload": {}}),
    Op("update_webhook_endpoint", "patch", "/v1/webhooks/endpoints/{endpoint_id}",
       scopes.WEBHOOKS_MANAGE, body={"description": "changed"}),
    Op("rotate_webhook_secret", "post", "/v1/webhooks/endpoints/{endpoint_id}/rotate-secret",
       scopes.WEBHOOKS_MANAGE, body={}),
    Op("redeliver_webhook_event", "post", "/v1/webhooks/events/{event_id}/redeliver",
       scopes.WEBHOOKS_MANAGE, body={}),
    Op("list_webhook_deliveries", "get", "/v1/webhooks/deliveries", scopes.WEBHOOKS_MANAGE),
    Op("retrieve_webhook_delivery", "get", "/v1/webhooks/deliveries/{delivery_id}",
       scopes.WEBHOOKS_MANAGE),
    Op("reset_test_data", "post", "/v1/test/reset", scopes.API_ADMIN, body={}),
    Op("list_scenarios", "get", "/v1/test/scenarios", scopes.API_ADMIN),
    Op("create_scenario", "post", "/v1/test/scenarios", scopes.API_ADMIN,
       body={"operation": "payment.create", "outcome": "decline"}),
    Op("retrieve_scenario", "get", "/v1/test/scenarios/{scenario_id}", scopes.API_ADMIN),
    Op("delete_scenario", "delete", "/v1/test/scenarios/{scenario_id}", scopes.API_ADMIN),
    Op("retrieve_test_clock", "get", "/v1/test/clock", scopes.API_ADMIN),
    Op("advance_test_clock", "post", "/v1/test/clock/advance", scopes.API_ADMIN,
       body={"seconds": 60}),
    Op("test_payment_controller_create_payment_v0", "post", "/api/v0/test-payment",
       scopes.PAYMENTS_WRITE, "devdraft", DEVDRAFT_PAYMENT),
    Op("test_payment_controller_get_payment_v0", "get", "/api/v0/test-payment/{payment_id}",
       scopes.PAYMENTS_READ, "devdraft"),
    Op("test_payment_controller_refund_payment_v0", "post",
       "/api/v0/test-payment/{payment_id}/refund", scopes.REFUNDS_WRITE, "devdraft",
       {"amount": 1}),
    Op("uqpay_create_refund", "post", "/api/v2/payment/refunds", scopes.REFUNDS_WRITE,
       "uqpay", {"payment_intent_id": "{payment_id}", "amount": "1.00",
                 "reason": "Return good"}),
    Op("uqpay_retrieve_refund", "get", "/api/v2/payment/refunds/{refund_id}",
       scopes.PAYMENTS_READ, "uqpay"),
    *[Op(f"stripe_{name}", method, f"/stripe/v1/{path}", scope, "stripe", body)
      for name, method, path, scope, body in [
          ("list_payment_intents", "get", "payment_intents", scopes.PAYMENTS_READ, None),
          ("search_payment_intents", "get", "payment_intents/search?query=amount%3E0",
           scopes.PAYMENTS_READ, None),
          ("create_payment_intent", "post", "payment_intents", scopes.PAYMENTS_WRITE,
           {"amount": 2000, "currency": "usd"}),
          ("retrieve_payment_intent", "get", "payment_intents/{intent_id}",
           scopes.PAYMENTS_READ, None),
          ("update_payment_intent", "post", "payment_intents/{intent_id}",
           scopes.PAYMENTS_WRITE, {"description": "changed"}),
          ("confirm_payment_intent", "post", "payment_intents/{intent_id}/confirm",
           scopes.PAYMENTS_WRITE, {"payment_method": "pm_card_visa"}),
          ("capture_payment_intent", "post", "payment_intents/{authorized_id}/capture",
           scopes.PAYMENTS_WRITE, {}),
          ("cancel_payment_intent", "post", "payment_intents/{authorized_id}/cancel",
           scopes.PAYMENTS_WRITE, {}),
          ("list_customers", "get", "customers", scopes.PAYMENTS_READ, None),
          ("search_customers", "get", "customers/search?query=created%3E0",
           scopes.PAYMENTS_READ, None),
          ("create_customer", "post", "customers", scopes.PAYMENTS_WRITE,
           {"email": "a@example.com"}),
          ("retrieve_customer", "get", "customers/{customer_id}", scopes.PAYMENTS_READ, None),
          ("update_customer", "post", "customers/{customer_id}", scopes.PAYMENTS_WRITE,
           {"name": "changed"}),
          ("delete_customer", "delete", "customers/{customer_id}", scopes.PAYMENTS_WRITE,
           None),
          ("list_refunds", "get", "refunds", scopes.PAYMENTS_READ, None),
          ("create_refund", "post", "refunds", scopes.REFUNDS_WRITE,
           {"payment_intent": "{payment_id}", "amount": 1}),
          ("retrieve_refund", "get", "refunds/{refund_id}", scopes.PAYMENTS_READ, None),
          ("list_webhook_endpoints", "get", "webhook_endpoints", scopes.WEBHOOKS_MANAGE, None),
          ("create_webhook_endpoint", "post", "webhook_endpoints", scopes.WEBHOOKS_MANAGE,
           {"url": "https://example.com/hook", "enabled_events": ["*"]}),
          ("retrieve_webhook_endpoint", "get", "webhook_endpoints/{stripe_endpoint_id}",
           scopes.WEBHOOKS_MANAGE, None),
          ("update_webhook_endpoint", "post", "webhook_endpoints/{stripe_endpoint_id}",
           scopes.WEBHOOKS_MANAGE, {"description": "changed"}),
          ("delete_webhook_endpoint", "delete", "webhook_endpoints/{stripe_endpoint_id}",
           scopes.WEBHOOKS_MANAGE, None),
          ("list_events", "get", "events", scopes.PAYMENTS_READ, None),
          ("retrieve_event", "get", "events/{stripe_event_id}", scopes.PAYMENTS_READ, None),
          ("list_payment_methods", "get", "payment_methods", scopes.PAYMENTS_READ, None),
          ("create_payment_method", "post", "payment_methods", scopes.PAYMENTS_WRITE,
           {"type": "card", "card[token]": "tok_visa"}),
          ("retrieve_payment_method", "get", "payment_methods/{card_id}",
           scopes.PAYMENTS_READ, None),
          ("update_payment_method", "post", "payment_methods/{card_id}",
           scopes.PAYMENTS_WRITE, {"metadata[note]": "changed"}),
          ("attach_payment_method", "post", "payment_methods/{card_id}/attach",
           scopes.PAYMENTS_WRITE, {"customer": "{customer_id}"}),
          ("detach_payment_method", "post", "payment_methods/{card_id}/detach",
           scopes.PAYMENTS_WRITE, {}),
          ("list_customer_payment_methods", "get", "customers/{customer_id}/payment_methods",
           scopes.PAYMENTS_READ, None),
          ("list_charges", "get", "charges", scopes.PAYMENTS_READ, None),
          ("search_charges", "get", "charges/search?query=created%3E0", scopes.PAYMENTS_READ,
           None),
          ("list_charge_refunds", "get", "charges/{charge_id}/refunds", scopes.PAYMENTS_READ,
           None),
          ("retrieve_charge", "get", "charges/{charge_id}", scopes.PAYMENTS_READ, None),
          ("update_charge", "post", "charges/{charge_id}", scopes.PAYMENTS_WRITE,
           {"description": "changed"}),
          ("list_setup_intents", "get", "setup_intents", scopes.PAYMENTS_READ, None),
          ("create_setup_intent", "post", "setup_intents", scopes.PAYMENTS_WRITE,
           {"customer": "{customer_id}"}),
          ("retrieve_setup_intent", "get", "setup_intents/{setup_id}", scopes.PAYMENTS_READ,
           None),
          ("update_setup_intent", "post", "setup_intents/{setup_id}", scopes.PAYMENTS_WRITE,
           {"description": "changed"}),
          ("confirm_setup_intent", "post", "setup_intents/{setup_id}/confirm",
           scopes.PAYMENTS_WRITE, {"payment_method": "pm_card_visa"}),
          ("cancel_setup_intent", "post", "setup_intents/{setup_id}/cancel",
           scopes.PAYMENTS_WRITE, {}),
          ("list_checkout_sessions", "get", "checkout/sessions", scopes.PAYMENTS_READ, None),
          ("create_checkout_session", "post", "checkout/sessions", scopes.PAYMENTS_WRITE,
           {"mode": "payment", "line_items[0][price_data][currency]": "usd",
            "line_items[0][price_data][unit_amount]": 2000,
            "line_items[0][price_data][product_data][name]": "T-shirt",
            "line_items[0][quantity]": 1}),
          ("retrieve_checkout_session", "get", "checkout/sessions/{checkout_id}",
           scopes.PAYMENTS_READ, None),
          ("list_checkout_session_line_items", "get",
           "checkout/sessions/{checkout_id}/line_items", scopes.PAYMENTS_READ, None),
          ("expire_checkout_session", "post", "checkout/sessions/{checkout_id}/expire",
           scopes.PAYMENTS_WRITE, {}),
      ]],
]
PUBLIC_OPERATIONS = {"health", "api_info", "oauth_authorize", "oauth_token", "oauth_revoke",
                     "oauth_introspect"}
OWNED = [op for op in OPERATIONS if re.search(r"\{\w+\}", op.path + json.dumps(op.body))]
LISTS = [op for op in OPERATIONS if op.method == "get" and "{" not in op.path
         and op.operation_id.removeprefix("stripe_").startswith(("list_", "search_"))]


def test_the_table_covers_every_operation_of_the_schema(db):
    schema = client_for(None).get("/api/schema/?format=json").json()
    documented = {op["operationId"] for ops in schema["paths"].values() for op in ops.values()}
    assert documented == {op.operation_id for op in OPERATIONS} | PUBLIC_OPERATIONS


def client(surface: str, secret: str | None, client_id: str | None = None) -> APIClient:
    """A client sending `secret` the way `surface` reads credentials."""
    api = APIClient()
    if secret is None:
        return api
    if surface == "devdraft":
        api.credentials(HTTP_X_CLIENT_KEY=client_id, HTTP_X_CLIENT_SECRET=secret)
    elif surface == "uqpay":
        api.credentials(HTTP_X_CLIENT_ID=client_id, HTTP_X_AUTH_TOKEN=secret)
    else:
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return api


@dataclass
class Credential:
    secret: str
    client_id: str


@dataclass
class World:
    ids: dict
    keys: dict  # scope (or "none") -> Credential of a key holding only that scope
    stranger: Credential  # every scope, another account
    stranger_ids: dict


def objects_of(account) -> dict:
    """An endpoint, a completed payment with a refund, a pending one, their events and
    deliveries, and a scenario."""
    endpoint = make_endpoint(account, events=["payment.created"])
    payment = make_payment(account)
    pending = make_payment(account, 5000, payment_method="bank_transfer")
    refund = make_refund(payment, amount_minor=500)
    event = Event.objects.filter(account=account, format="v1").first()
    delivery = Delivery.objects.filter(endpoint=endpoint).first()
    scenario = scenario_create(account=account, operation="payment.settle", outcome="fail",
                               decline_code="card_declined")
    intent = make_stripe_payment(account, 2000, payment_method_id="")
    authorized = make_authorized_payment(account, 2000)
    customer = make_customer(account, email="matrix@example.com")
    stripe_endpoint = make_endpoint(account, format="stripe")
    stripe_event = Event.objects.get(account=account, format="stripe", type="customer.created")
    card = card_attach(account=account, card_id="pm_card_visa",
                       customer_id=customer.public_id, origin="stripe")
    setup = setup_create(account=account, customer_id=customer.public_id, origin="stripe")
    checkout = make_checkout(account)
    return {"payment_id": payment.public_id, "pending_id": pending.public_id,
            "refund_id": refund.public_id, "endpoint_id": endpoint.public_id,
            "event_id": event.public_id, "scenario_id": scenario.public_id,
            "delivery_id": delivery.public_id, "intent_id": intent.public_id,
            "authorized_id": authorized.public_id, "customer_id": customer.public_id,
            "stripe_endpoint_id": stripe_endpoint.public_id,
            "stripe_event_id": stripe_event.public_id, "card_id": card.public_id,
            "charge_id": authorized.latest_charge_id, "setup_id": setup.public_id,
            "checkout_id": checkout.public_id}


def key_with(account, key_scopes, **fields) -> Credential:
    key, secret = make_api_key(account, key_scopes, **fields)
    return Credential(secret, key.client_id)


@pytest.fixture
def world(db) -> World:
    mine, other = make_account(name="Mine"), make_account(name="Other")
    keys = {scope: key_with(mine, [scope]) for scope in scopes.ALL}
    keys["none"] = key_with(mine, [])
    return World(ids=objects_of(mine), keys=keys, stranger=key_with(other, scopes.ALL),
                 stranger_ids=objects_of(other))


def fill(text: str, ids: dict) -> str:
    for name, value in ids.items():
        text = text.replace("{" + name + "}", value)
    return text


def call(op: Op, credential: Credential | None, ids: dict):
    api = client(op.surface, credential and credential.secret,
                 credential and credential.client_id)
    headers = {}
    if op.method == "post":
        name = "x-idempotency-key" if op.surface == "uqpay" else "Idempotency-Key"
        headers[name] = str(uuid.uuid4())
    body = json.loads(fill(json.dumps(op.body), ids)) if op.body is not None else None
    if op.surface == "stripe":  # form-encoded, in bracket notation, as the SDKs send it
        return getattr(api, op.method)(fill(op.path, ids), stripe_form(body or {}),
                                       content_type="application/x-www-form-urlencoded",
                                       headers=headers)
    return getattr(api, op.method)(fill(op.path, ids), body, format="json", headers=headers)


# What a refusal's code says, in the surfaces whose errors have a code (all but devdraft).
REFUSAL_CODES = {403: "insufficient_scope", 404: "resource_missing",
                 400: "resource_missing"}  # 400: Stripe's unknown object named in the body


def refused(op: Op, response, status: int) -> dict:
    """The refusal, checked in the shape of the operation's surface (a client of that surface
    reads it there): `/v1`'s envelope with its status, Stripe's `error`, UQPay's flat
    code and message, devdraft's statusCode and message."""
    assert response.status_code == status, response.content
    body = response.json()
    if op.surface == "devdraft":
        assert body["statusCode"] == status and body["message"], body
        return body
    error = body["error"] if op.surface in ("v1", "stripe") else body
    if op.surface == "v1":
        assert error["status"] == status, error
    if status == 401 and op.surface in ("v1", "stripe"):
        assert error["type"] == "authentication_error", error
    if status in REFUSAL_CODES:  # Stripe publishes no code for a refused permission
        expected = None if (op.surface, status) == ("stripe", 403) else REFUSAL_CODES[status]
        assert error.get("code") == expected, error
    assert error["message"], error
    return error


def stripe_form(body: dict) -> str:
    pairs = []
    for name, value in body.items():
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        pairs += [(name if index is None else f"{name}[{index}]", item)
                  for index, item in items]
    return urlencode(pairs)


def snapshot() -> tuple:
    return tuple(model.objects.count() for model in (
        Payment, Refund, WebhookEndpoint, Event, Delivery, IdempotencyKey, ApiKey, Scenario,
        Customer, Card, Charge, Setup, Checkout))


def ids_of(op):
    return op.operation_id


@pytest.mark.parametrize("op", OPERATIONS, ids=ids_of)
def test_the_required_scope_allows_the_operation(world, op):
    response = call(op, world.keys[op.scope], world.ids)
    assert response.status_code not in (401, 403, 404), response.content
    assert response.status_code < 500


@pytest.mark.parametrize("op", OPERATIONS, ids=ids_of)
def test_every_other_scope_is_403_and_writes_nothing(world, op):
    for scope, credential in world.keys.items():
        if scope == op.scope:
            continue
        before = snapshot()
        error = refused(op, call(op, credential, world.ids), 403)
        assert f"'{op.scope}'" in error["message"], (scope, error)  # the scope it lacks
        assert snapshot() == before, scope


@pytest.mark.parametrize("op", OPERATIONS, ids=ids_of)
def test_without_a_credential_it_is_401(world, op):
    before = snapshot()
    refused(op, call(op, None, world.ids), 401)
    assert snapshot() == before


@pytest.mark.parametrize("op", OPERATIONS, ids=ids_of)
def test_expired_inactive_and_revoked_keys_are_401(world, op):
    account = ApiKey.objects.get(client_id=world.keys[op.scope].client_id).account
    past = timezone.now() - timedelta(seconds=1)
    expired_but_active = key_with(account, scopes.ALL, expires_at=past)
    inactive = key_with(account, scopes.ALL, is_active=False)
    before = snapshot()
    for credential in (expired_but_active, inactive):
        refused(op, call(op, credential, world.ids), 401)
    assert snapshot() == before


@pytest.mark.parametrize("op", [op for op in OPERATIONS if op.surface in ("v1", "stripe")],
                         ids=ids_of)
def test_revoked_and_expired_access_tokens_are_401(world, op):
    account = ApiKey.objects.get(client_id=world.keys[op.scope].client_id).account
    oauth = oauth_client_create(account=account, client_id="matrix_app", name="m",
                                secret="s", redirect_uris=[], scopes=list(scopes.ALL))
    revoked, expired = f"tok_revoked_{uuid.uuid4().hex}", f"tok_expired_{uuid.uuid4().hex}"
    rows = {token: oauth_token_issue(client=oauth, scopes=list(scopes.ALL), access_token=token,
                                     expires_in=3600, refresh_token=None)
            for token in (revoked, expired)}
    OAuthToken.objects.filter(pk=rows[revoked].pk).update(revoked_at=timezone.now())
    OAuthToken.objects.filter(pk=rows[expired].pk).update(
        access_expires_at=timezone.now() - timedelta(seconds=1))
    before = snapshot()
    for token in (revoked, expired):
        refused(op, call(op, Credential(token, "matrix_app"), world.ids), 401)
    assert snapshot() == before


@pytest.mark.parametrize("op", OWNED, ids=ids_of)
def test_another_accounts_objects_are_404_and_untouched(world, op):
    before = snapshot()
    response = call(op, world.stranger, world.ids)  # every scope, but not the owner
    # Stripe answers an object named in the body (not the path) that is not found with 400
    named_in_body = op.surface == "stripe" and "{" not in op.path
    refused(op, response, 400 if named_in_body else 404)
    assert snapshot() == before


@pytest.mark.parametrize("op", LISTS, ids=ids_of)
def test_lists_show_only_the_callers_own_objects(world, op):
    body = call(op, world.stranger, world.ids).content.decode()
    assert not any(value in body for value in world.ids.values())
    assert any(value in body for value in world.stranger_ids.values())
