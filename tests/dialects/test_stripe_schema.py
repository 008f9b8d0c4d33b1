"""Every JSON object `/stripe/v1` answers validates against Stripe's published types: the
TypeScript declarations of the official `stripe` npm package (`tests.support.stripe_schema`).

The walk drives every operation of the surface (the service's own OpenAPI schema lists them;
an operation added without a walk fails `test_the_walk_covers_every_operation`), with form
bodies as the SDKs send them, to its answers and its errors: each answer is validated as the
operation's type (`ANSWERS`), each error as Stripe's error object (a 402's `payment_intent`
inside it too), lists and search results item by item, expanded fields as objects (each
field the sandbox expands into an object is expanded somewhere in the walk, nested and in
lists), and then every event stored for delivery (`data.object` as its event type says).
The counts are printed (`pytest -s`) and written to `stripe-schema-counts.json` in pytest's
temporary directory.
"""

import json
from collections import Counter, defaultdict
from urllib.parse import urlencode

import pytest
from django.core.cache import cache

from core.formats import Format
from payments import services
from tests.support.checkout import HostedPage
from tests.support.credentials import ADMIN_KEY, READONLY_KEY, STANDARD_KEY, client_for
from tests.support.stripe_schema import package_version, validate
from webhooks_app.models import Event

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
# The type of each operation's successful answer, as the stripe package declares it; errors
# are `ErrorBody` (Stripe's error object). A new operation goes here, and into the walk.
ANSWERS = {
    "stripe_create_payment_intent": "PaymentIntent",
    "stripe_retrieve_payment_intent": "PaymentIntent",
    "stripe_update_payment_intent": "PaymentIntent",
    "stripe_confirm_payment_intent": "PaymentIntent",
    "stripe_capture_payment_intent": "PaymentIntent",
    "stripe_cancel_payment_intent": "PaymentIntent",
    "stripe_list_payment_intents": "ApiList<PaymentIntent>",
    "stripe_create_customer": "Customer",
    "stripe_retrieve_customer": "Customer",
    "stripe_update_customer": "Customer",
    "stripe_delete_customer": "DeletedCustomer",
    "stripe_list_customers": "ApiList<Customer>",
    "stripe_create_refund": "Refund",
    "stripe_retrieve_refund": "Refund",
    "stripe_list_refunds": "ApiList<Refund>",
    "stripe_create_webhook_endpoint": "WebhookEndpoint",
    "stripe_retrieve_webhook_endpoint": "WebhookEndpoint",
    "stripe_update_webhook_endpoint": "WebhookEndpoint",
    "stripe_delete_webhook_endpoint": "DeletedWebhookEndpoint",
    "stripe_list_webhook_endpoints": "ApiList<WebhookEndpoint>",
    "stripe_retrieve_event": "Event",
    "stripe_list_events": "ApiList<Event>",
    "stripe_create_payment_method": "PaymentMethod",
    "stripe_retrieve_payment_method": "PaymentMethod",
    "stripe_update_payment_method": "PaymentMethod",
    "stripe_attach_payment_method": "PaymentMethod",
    "stripe_detach_payment_method": "PaymentMethod",
    "stripe_list_payment_methods": "ApiList<PaymentMethod>",
    "stripe_list_customer_payment_methods": "ApiList<PaymentMethod>",
    "stripe_retrieve_charge": "Charge",
    "stripe_update_charge": "Charge",
    "stripe_list_charges": "ApiList<Charge>",
    "stripe_create_setup_intent": "SetupIntent",
    "stripe_retrieve_setup_intent": "SetupIntent",
    "stripe_update_setup_intent": "SetupIntent",
    "stripe_confirm_setup_intent": "SetupIntent",
    "stripe_cancel_setup_intent": "SetupIntent",
    "stripe_list_setup_intents": "ApiList<SetupIntent>",
    "stripe_create_checkout_session": "CheckoutSession",
    "stripe_retrieve_checkout_session": "CheckoutSession",
    "stripe_expire_checkout_session": "CheckoutSession",
    "stripe_list_checkout_sessions": "ApiList<CheckoutSession>",
    "stripe_list_checkout_session_line_items": "ApiList<LineItem>",
    "stripe_list_charge_refunds": "ApiList<Refund>",
    "stripe_search_customers": "ApiSearchResult<Customer>",
    "stripe_search_payment_intents": "ApiSearchResult<PaymentIntent>",
    "stripe_search_charges": "ApiSearchResult<Charge>",
}


class Walk:
    """Calls operations of `/stripe/v1`, validating each answer; counts what it saw."""

    def __init__(self):
        self.client = client_for(ADMIN_KEY)
        self.statuses = defaultdict(Counter)  # operation id -> status -> answers
        self.objects = Counter()  # Stripe `object` type -> objects validated
        self.failures = []

    def __call__(self, operation: str, method: str, path: str, fields=(), *, status=200,
                 client=None, **extra) -> dict:
        client = client or self.client
        url = "/stripe/v1" + path
        if method == "get":
            response = client.get(url + ("?" + urlencode(fields) if fields else ""), **extra)
        elif method == "delete":
            response = client.delete(url, **extra)
        else:
            response = client.post(url, urlencode(fields), **{"content_type": FORM, **extra})
        assert response.status_code == status, (operation, response.status_code,
                                                response.content[:500])
        body = response.json()
        self.check(body, ANSWERS[operation] if status == 200 else "ErrorBody",
                   f"{operation} → {status}")
        self.statuses[operation][status] += 1
        self.objects["error"] += status != 200  # Stripe's error object has no `object`
        return body

    def check(self, body: dict, type_text: str, what: str) -> None:
        result = validate(body, type_text)
        self.objects += result.objects
        self.failures += [f"{what}: {error}" for error in result.errors]


def scenario(**fields) -> None:
    """A test scenario of the demo account (`/v1/test/scenarios`): the next matching
    operation fails as asked."""
    created = client_for(ADMIN_KEY).post("/v1/test/scenarios", fields, format="json")
    assert created.status_code == 201, created.content


def rate_limited(walk: Walk, settings) -> None:
    """A 429: the limits on (they are off in tests), two reads a second (the test's
    `frozen_windows`: all in one second)."""
    settings.RATELIMIT_ENABLE, settings.STRIPE_RATE_LIMIT_PER_SECOND = True, 2
    cache.clear()
    walk("stripe_list_events", "get", "/events")
    walk("stripe_list_events", "get", "/events")
    walk("stripe_list_events", "get", "/events", status=429)
    cache.clear()


def customers(walk: Walk) -> dict:
    jenny = walk("stripe_create_customer", "post", "/customers", {
        "email": "jenny@example.com", "name": "Jenny Rosen", "description": "A regular",
        "phone": "+15555550100", "metadata[tier]": "gold"})
    other = walk("stripe_create_customer", "post", "/customers", {"email": "o@example.com"})
    walk("stripe_create_customer", "post", "/customers", {"order_id": "42"}, status=400)
    walk("stripe_create_customer", "post", "/customers", {"email": "x@example.com"},
         client=client_for(READONLY_KEY), status=403)
    walk("stripe_create_customer", "post", "/customers", {"email": "x@example.com"},
         client=client_for("sk_test_not_a_key"), status=401)
    walk("stripe_create_customer", "post", "/customers", {"description": "x" * 1_100_000},
         status=413)
    walk("stripe_create_customer", "post", "/customers", {"email": "x@example.com"},
         content_type="text/plain", status=415)
    walk("stripe_retrieve_customer", "get", f"/customers/{jenny['id']}")
    walk("stripe_retrieve_customer", "get", "/customers/cus_missing", status=404)
    walk("stripe_update_customer", "post", f"/customers/{jenny['id']}",
         {"name": "Jenny R.", "metadata[tier]": ""})
    walk("stripe_update_customer", "post", "/customers/cus_missing", {"name": "x"}, status=404)
    walk("stripe_list_customers", "get", "/customers", {"limit": 1})
    walk("stripe_list_customers", "get", "/customers", {"email": "jenny@example.com"})
    walk("stripe_list_customers", "get", "/customers", {"starting_after": "cus_x"}, status=400)
    walk("stripe_list_customers", "get", "/customers", {"limit": 0}, status=400)
    walk("stripe_delete_customer", "delete", f"/customers/{other['id']}")
    walk("stripe_delete_customer", "delete", f"/customers/{other['id']}", status=404)
    return jenny


def payment_intents(walk: Walk, customer: dict) -> tuple[str, str]:
    def create(fields, **kwargs):
        return walk("stripe_create_payment_intent", "post", "/payment_intents",
                    {"amount": 2000, "currency": "usd", **fields}, **kwargs)

    paid = create({"payment_method": "pm_card_visa", "confirm": "true",
                   "customer": customer["id"], "description": "Order 42",
                   "receipt_email": "jenny@example.com", "metadata[order_id]": "42"})
    held = create({"payment_method": "pm_card_mastercard", "confirm": "true",
                   "capture_method": "manual"})
    unconfirmed = create({"payment_method": "pm_card_amex"})
    bare = create({})
    for method in ("pm_card_chargeDeclined", "pm_card_chargeDeclinedInsufficientFunds",
                   "pm_card_chargeDeclinedExpiredCard", "pm_card_chargeDeclinedIncorrectCvc",
                   "pm_card_chargeDeclinedProcessingError"):
        declined = create({"payment_method": method, "confirm": "true"}, status=402)
    create({"payment_method": "pm_card_unknown", "confirm": "true"}, status=400)
    create({"amount": "abc"}, status=400)
    create({"amount": 0}, status=400)
    create({"currency": "dollars"}, status=400)
    create({"capture_method": "sometimes"}, status=400)
    for outcome, status in (("server_error", 500), ("unavailable", 503)):
        scenario(operation="payment.create", outcome=outcome)
        create({"payment_method": "pm_card_visa", "confirm": "true"}, status=status)
    scenario(operation="payment.create", outcome="decline", decline_code="stolen_card")
    create({"payment_method": "pm_card_visa", "confirm": "true"}, status=402)
    walk("stripe_create_payment_intent", "post", "/payment_intents", {"currency": "usd"},
         status=400)
    create({}, HTTP_IDEMPOTENCY_KEY="order-7")
    create({"amount": 2001}, HTTP_IDEMPOTENCY_KEY="order-7", status=400)

    intent_id = paid["id"]
    walk("stripe_retrieve_payment_intent", "get", f"/payment_intents/{intent_id}",
         {"expand[0]": "customer"})
    walk("stripe_retrieve_payment_intent", "get", f"/payment_intents/{held['id']}")
    walk("stripe_retrieve_payment_intent", "get", "/payment_intents/pi_missing", status=404)
    walk("stripe_update_payment_intent", "post", f"/payment_intents/{unconfirmed['id']}",
         {"description": "Changed", "metadata[note]": "x", "customer": customer["id"]})
    walk("stripe_update_payment_intent", "post", f"/payment_intents/{intent_id}",
         {"amount": 10}, status=400)
    walk("stripe_confirm_payment_intent", "post", f"/payment_intents/{unconfirmed['id']}/confirm")
    walk("stripe_confirm_payment_intent", "post", f"/payment_intents/{bare['id']}/confirm",
         {"payment_method": "pm_card_chargeDeclined"}, status=402)
    walk("stripe_confirm_payment_intent", "post",
         f"/payment_intents/{declined['error']['payment_intent']['id']}/confirm",
         {"payment_method": "pm_card_visa"})
    walk("stripe_confirm_payment_intent", "post", f"/payment_intents/{intent_id}/confirm",
         status=400)
    walk("stripe_capture_payment_intent", "post", f"/payment_intents/{held['id']}/capture",
         {"amount_to_capture": 1500})
    walk("stripe_capture_payment_intent", "post", f"/payment_intents/{held['id']}/capture",
         status=400)
    to_cancel = create({"payment_method": "pm_card_visa", "confirm": "true",
                        "capture_method": "manual"})
    walk("stripe_cancel_payment_intent", "post", f"/payment_intents/{to_cancel['id']}/cancel",
         {"cancellation_reason": "requested_by_customer"})
    walk("stripe_cancel_payment_intent", "post", f"/payment_intents/{bare['id']}/cancel")
    walk("stripe_cancel_payment_intent", "post", f"/payment_intents/{bare['id']}/cancel",
         {"cancellation_reason": "bored"}, status=400)
    walk("stripe_cancel_payment_intent", "post", f"/payment_intents/{intent_id}/cancel",
         status=400)
    walk("stripe_list_payment_intents", "get", "/payment_intents", {"limit": 3})
    walk("stripe_list_payment_intents", "get", "/payment_intents", {"customer": customer["id"]})
    walk("stripe_list_payment_intents", "get", "/payment_intents", {"order_id": "1"},
         status=400)
    held_again = create({"payment_method": "pm_card_visa", "confirm": "true",
                         "capture_method": "manual"})
    three_d_secure(walk, create)
    return intent_id, held["id"], held_again["id"]


def decide(intent: dict, outcome: str) -> None:
    """The cardholder's answer on the authentication page the intent's next action names."""
    action = intent["next_action"]
    page = (action["redirect_to_url"]["url"] if action["type"] == "redirect_to_url"
            else action["use_stripe_sdk"]["stripe_js"])
    services.authentication_decide(authentication_id=page.rstrip("/").rsplit("/", 1)[1],
                                   outcome=outcome)


def three_d_secure(walk: Walk, create) -> None:
    """Intents waiting for the cardholder (both kinds of next action), then completed (a
    charge with its `three_d_secure`) or failed (`last_payment_error`), confirmed again."""
    redirected = create({"payment_method": "pm_card_threeDSecure2Required", "confirm": "true",
                         "return_url": "https://shop.example/return"})
    in_sdk = create({"payment_method": "pm_card_authenticationRequired", "confirm": "true",
                     "capture_method": "manual"})
    for intent in (redirected, in_sdk):
        assert intent["status"] == "requires_action", intent
        walk("stripe_retrieve_payment_intent", "get", f"/payment_intents/{intent['id']}")
    decide(redirected, "failed")
    failed = walk("stripe_retrieve_payment_intent", "get", f"/payment_intents/{redirected['id']}")
    assert failed["last_payment_error"]["code"] == "payment_intent_authentication_failure"
    again = walk("stripe_confirm_payment_intent", "post",
                 f"/payment_intents/{redirected['id']}/confirm",
                 {"payment_method": "pm_card_threeDSecure2Required"})
    decide(again, "completed")
    decide(in_sdk, "completed")
    walk("stripe_retrieve_payment_intent", "get", f"/payment_intents/{in_sdk['id']}",
         {"expand[0]": "latest_charge"})


def refunds(walk: Walk, intent_id: str, captured_id: str, uncaptured_id: str) -> None:
    def create(fields, **kwargs):
        return walk("stripe_create_refund", "post", "/refunds", fields, **kwargs)

    part = create({"payment_intent": intent_id, "amount": 500, "reason": "duplicate",
                   "metadata[ticket]": "7"})
    create({"payment_intent": intent_id})
    create({"payment_intent": intent_id, "amount": 1}, status=400)
    create({"payment_intent": captured_id, "amount": 1501}, status=400)
    create({"payment_intent": "pi_missing"}, status=400)
    create({"payment_intent": uncaptured_id}, status=400)
    create({"payment_intent": intent_id, "reason": "because"}, status=400)
    scenario(operation="refund.create", outcome="fail", decline_code="expired_card")
    create({"payment_intent": captured_id, "amount": 100})  # failed: `failure_reason`
    walk("stripe_retrieve_refund", "get", f"/refunds/{part['id']}")
    walk("stripe_retrieve_refund", "get", "/refunds/re_missing", status=404)
    walk("stripe_list_refunds", "get", "/refunds")
    walk("stripe_list_refunds", "get", "/refunds", {"payment_intent": intent_id, "limit": 1})


def webhook_endpoints(walk: Walk) -> None:
    created = walk("stripe_create_webhook_endpoint", "post", "/webhook_endpoints", {
        "url": "https://example.com/hooks", "enabled_events[0]": "payment_intent.succeeded",
        "enabled_events[1]": "charge.refunded", "description": "Orders",
        "metadata[team]": "payments"})
    walk("stripe_create_webhook_endpoint", "post", "/webhook_endpoints",
         {"url": "not a url", "enabled_events[0]": "*"}, status=400)
    walk("stripe_create_webhook_endpoint", "post", "/webhook_endpoints",
         {"url": "https://example.com/hooks", "enabled_events[0]": "*"}, status=400)
    walk("stripe_create_webhook_endpoint", "post", "/webhook_endpoints",
         {"url": "https://example.com/h2", "enabled_events[0]": "no.such_event"}, status=400)
    walk("stripe_create_webhook_endpoint", "post", "/webhook_endpoints",
         {"url": "https://example.com/h", "enabled_events[0]": "*"},
         client=client_for(STANDARD_KEY), status=403)
    path = f"/webhook_endpoints/{created['id']}"
    walk("stripe_retrieve_webhook_endpoint", "get", path)
    walk("stripe_retrieve_webhook_endpoint", "get", "/webhook_endpoints/we_missing", status=404)
    walk("stripe_update_webhook_endpoint", "post", path,
         {"disabled": "true", "enabled_events[0]": "*", "description": "All"})
    walk("stripe_update_webhook_endpoint", "post", "/webhook_endpoints/we_missing",
         {"disabled": "true"}, status=404)
    walk("stripe_list_webhook_endpoints", "get", "/webhook_endpoints", {"limit": 2})
    walk("stripe_delete_webhook_endpoint", "delete", path)
    walk("stripe_delete_webhook_endpoint", "delete", path, status=404)


def events(walk: Walk) -> None:
    listed = walk("stripe_list_events", "get", "/events", {"limit": 100})
    walk("stripe_list_events", "get", "/events", {"type": "charge.*"})
    walk("stripe_list_events", "get", "/events", {"type": "x", "types[0]": "y"}, status=400)
    for event in listed["data"][:5]:
        walk("stripe_retrieve_event", "get", f"/events/{event['id']}")
    walk("stripe_retrieve_event", "get", "/events/evt_missing", status=404)


def payment_methods(walk: Walk, customer: dict) -> None:
    def create(fields, **kwargs):
        return walk("stripe_create_payment_method", "post", "/payment_methods",
                    {"type": "card", **fields}, **kwargs)

    token = create({"card[token]": "tok_mastercard"})
    numbered = create({"card[number]": "4242424242424242", "card[exp_month]": 12,
                       "card[exp_year]": 2040, "card[cvc]": "123",
                       "billing_details[name]": "Jenny Rosen",
                       "billing_details[address][country]": "FR", "metadata[k]": "v"})
    create({"card[number]": "4111111111111112", "card[exp_month]": 1,
            "card[exp_year]": 2040}, status=400)
    create({"card[token]": "tok_nope"}, status=400)
    create({"card[token]": "tok_visa", "card[number]": "4242424242424242"}, status=400)
    walk("stripe_retrieve_payment_method", "get", f"/payment_methods/{token['id']}")
    walk("stripe_retrieve_payment_method", "get", "/payment_methods/pm_card_visa")
    walk("stripe_retrieve_payment_method", "get", "/payment_methods/pm_missing", status=404)
    walk("stripe_update_payment_method", "post", f"/payment_methods/{numbered['id']}",
         {"billing_details[email]": "jenny@example.com", "card[exp_year]": 2041})
    walk("stripe_attach_payment_method", "post", f"/payment_methods/{numbered['id']}/attach",
         {"customer": customer["id"]})
    walk("stripe_attach_payment_method", "post", "/payment_methods/pm_card_amex/attach",
         {"customer": customer["id"]})
    walk("stripe_attach_payment_method", "post",
         "/payment_methods/pm_card_chargeDeclined/attach", {"customer": customer["id"]},
         status=402)
    walk("stripe_detach_payment_method", "post", f"/payment_methods/{numbered['id']}/detach")
    walk("stripe_detach_payment_method", "post", f"/payment_methods/{numbered['id']}/detach",
         status=400)
    walk("stripe_list_payment_methods", "get", "/payment_methods",
         {"customer": customer["id"], "type": "card"})
    walk("stripe_list_customer_payment_methods", "get",
         f"/customers/{customer['id']}/payment_methods")
    walk("stripe_list_customer_payment_methods", "get", "/customers/cus_missing/payment_methods",
         status=404)


def charges(walk: Walk, intent_id: str) -> None:
    listed = walk("stripe_list_charges", "get", "/charges", {"limit": 20})
    walk("stripe_list_charges", "get", "/charges", {"payment_intent": intent_id})
    charge = listed["data"][0]
    walk("stripe_retrieve_charge", "get", f"/charges/{charge['id']}")
    walk("stripe_retrieve_charge", "get", "/charges/ch_missing", status=404)
    walk("stripe_update_charge", "post", f"/charges/{charge['id']}",
         {"description": "Shipped", "metadata[tracking]": "1Z"})
    walk("stripe_update_charge", "post", f"/charges/{charge['id']}", {"amount": 1}, status=400)


def setup_intents(walk: Walk, customer: dict) -> None:
    def create(fields, **kwargs):
        return walk("stripe_create_setup_intent", "post", "/setup_intents", fields, **kwargs)

    waiting = create({"customer": customer["id"], "automatic_payment_methods[enabled]": "true",
                      "metadata[plan]": "pro"})
    create({"customer": customer["id"], "payment_method": "pm_card_visa", "confirm": "true",
            "usage": "on_session"})
    declined = create({"customer": customer["id"], "payment_method": "pm_card_chargeDeclined",
                       "confirm": "true"}, status=402)
    create({"customer": "cus_missing"}, status=400)
    path = f"/setup_intents/{waiting['id']}"
    walk("stripe_retrieve_setup_intent", "get", path)
    walk("stripe_retrieve_setup_intent", "get",
         f"/setup_intents/{declined['error']['setup_intent']['id']}")
    walk("stripe_retrieve_setup_intent", "get", "/setup_intents/seti_missing", status=404)
    walk("stripe_update_setup_intent", "post", path, {"description": "Saving a card"})
    walk("stripe_confirm_setup_intent", "post", f"{path}/confirm", status=400)  # no method
    walk("stripe_confirm_setup_intent", "post", f"{path}/confirm", {
        "payment_method": "pm_card_visa", "return_url": "https://shop.example/"})
    walk("stripe_cancel_setup_intent", "post", f"{path}/cancel", status=400)  # succeeded
    other = create({"customer": customer["id"]})
    walk("stripe_cancel_setup_intent", "post", f"/setup_intents/{other['id']}/cancel",
         {"cancellation_reason": "abandoned"})
    waiting = create({"customer": customer["id"], "confirm": "true",
                      "payment_method": "pm_card_threeDSecure2Required",
                      "return_url": "https://shop.example/saved"})
    assert waiting["status"] == "requires_action", waiting
    decide(waiting, "failed")
    walk("stripe_retrieve_setup_intent", "get", f"/setup_intents/{waiting['id']}")
    again = walk("stripe_confirm_setup_intent", "post", f"/setup_intents/{waiting['id']}/confirm",
                 {"payment_method": "pm_card_authenticationRequired"})
    decide(again, "completed")
    walk("stripe_list_setup_intents", "get", "/setup_intents", {"customer": customer["id"]})


def checkout_sessions(walk: Walk, customer: dict) -> None:
    def create(fields, **kwargs):
        return walk("stripe_create_checkout_session", "post", "/checkout/sessions", fields,
                    **kwargs)

    item = {"line_items[0][price_data][currency]": "usd",
            "line_items[0][price_data][unit_amount]": 2000,
            "line_items[0][price_data][product_data][name]": "T-shirt",
            "line_items[0][quantity]": 2}
    paid = create({"mode": "payment", **item, "line_items[1][price_data][currency]": "usd",
                   "line_items[1][price_data][unit_amount]": 500,
                   "line_items[1][price_data][product_data][name]": "Socks",
                   "line_items[1][quantity]": 3, "customer_email": "jenny@example.com",
                   "success_url": "https://shop.example/done?id={CHECKOUT_SESSION_ID}",
                   "cancel_url": "https://shop.example/cart", "client_reference_id": "o-42",
                   "metadata[order_id]": "42", "payment_intent_data[description]": "Order 42",
                   "payment_intent_data[metadata][order_id]": "42", "locale": "fr",
                   "submit_type": "pay", "payment_method_types[0]": "card"})
    saving = create({"mode": "setup", "currency": "usd", "customer": customer["id"],
                     "success_url": "https://shop.example/saved"})
    to_expire = create({"mode": "payment", **item})
    create({"mode": "payment", "line_items[0][price]": "price_123",
            "line_items[0][quantity]": 1}, status=400)
    create({"mode": "setup"}, status=400)  # no currency
    create({"mode": "payment"}, status=400)  # no line items
    create({"mode": "subscription", **item}, status=400)
    create({"mode": "payment", **item, "customer": "cus_missing"}, status=400)
    create({"mode": "payment", **item, "expires_at": 1}, status=400)
    assert HostedPage(paid["url"]).pay().status_code == 303
    assert HostedPage(saving["url"]).pay().status_code == 303
    walk("stripe_retrieve_checkout_session", "get", f"/checkout/sessions/{paid['id']}",
         {"expand[0]": "line_items"})
    walk("stripe_retrieve_checkout_session", "get", f"/checkout/sessions/{saving['id']}")
    walk("stripe_retrieve_checkout_session", "get", "/checkout/sessions/cs_test_missing",
         status=404)
    walk("stripe_list_checkout_session_line_items", "get",
         f"/checkout/sessions/{paid['id']}/line_items", {"limit": 1})
    walk("stripe_list_checkout_session_line_items", "get",
         "/checkout/sessions/cs_test_missing/line_items", status=404)
    walk("stripe_list_checkout_sessions", "get", "/checkout/sessions", {"limit": 5})
    walk("stripe_list_checkout_sessions", "get", "/checkout/sessions",
         {"status": "complete", "customer": customer["id"], "created[gte]": 0})
    walk("stripe_list_checkout_sessions", "get", "/checkout/sessions", {"status": "paid"},
         status=400)
    walk("stripe_expire_checkout_session", "post", f"/checkout/sessions/{to_expire['id']}/expire")
    walk("stripe_expire_checkout_session", "post", f"/checkout/sessions/{paid['id']}/expire",
         status=400)


def expansions(walk: Walk, customer: dict, intent_id: str) -> None:
    """Every field that expands, expanded (nested, and on lists as `data.x`), so that the
    objects in their place are walked too; and a path that names nothing expandable."""
    card = walk("stripe_attach_payment_method", "post", "/payment_methods/pm_card_visa/attach",
                {"customer": customer["id"]})
    walk("stripe_update_customer", "post", f"/customers/{customer['id']}", {
        "invoice_settings[default_payment_method]": card["id"],
        "expand[0]": "invoice_settings.default_payment_method.customer"})
    deep = ("latest_charge.payment_intent.customer", "payment_method.customer",
            "customer.invoice_settings.default_payment_method", "review", "application")
    intent = walk("stripe_retrieve_payment_intent", "get", f"/payment_intents/{intent_id}",
                  {f"expand[{n}]": path for n, path in enumerate(deep)})
    assert intent["latest_charge"]["payment_intent"]["customer"]["object"] == "customer"
    walk("stripe_create_payment_intent", "post", "/payment_intents", {
        "amount": 1500, "currency": "usd", "customer": customer["id"],
        "payment_method": card["id"], "confirm": "true", "expand[0]": "latest_charge",
        "expand[1]": "payment_method", "expand[2]": "customer"})
    walk("stripe_list_payment_intents", "get", "/payment_intents", {
        "limit": 5, "expand[0]": "data.customer", "expand[1]": "data.latest_charge"})
    refunded = walk("stripe_list_refunds", "get", "/refunds", {
        "limit": 3, "expand[0]": "data.charge.refunds", "expand[1]": "data.payment_intent",
        "expand[2]": "data.customer", "expand[3]": "data.payment_method"})
    charge_id = refunded["data"][0]["charge"]["id"]
    walk("stripe_retrieve_charge", "get", f"/charges/{charge_id}", {
        "expand[0]": "refunds", "expand[1]": "customer", "expand[2]": "payment_intent",
        "expand[3]": "balance_transaction"})
    walk("stripe_list_charge_refunds", "get", f"/charges/{charge_id}/refunds",
         {"limit": 1, "expand[0]": "data.payment_intent"})
    walk("stripe_list_charge_refunds", "get", "/charges/ch_missing/refunds", status=404)
    walk("stripe_list_charges", "get", "/charges", {"expand[0]": "data.payment_intent.customer"})
    walk("stripe_retrieve_payment_method", "get", f"/payment_methods/{card['id']}",
         {"expand[0]": "customer"})
    walk("stripe_list_customer_payment_methods", "get",
         f"/customers/{customer['id']}/payment_methods", {"expand[0]": "data.customer"})
    walk("stripe_create_setup_intent", "post", "/setup_intents", {
        "customer": customer["id"], "payment_method": "pm_card_amex", "confirm": "true",
        "expand[0]": "customer", "expand[1]": "payment_method"})
    walk("stripe_list_setup_intents", "get", "/setup_intents", {"expand[0]": "data.customer"})
    walk("stripe_retrieve_payment_intent", "get", f"/payment_intents/{intent_id}",
         {"expand[0]": "amount"}, status=400)
    walk("stripe_list_payment_intents", "get", "/payment_intents", {"expand[0]": "customer"},
         status=400)


def searches(walk: Walk, customer: dict) -> None:
    """Each search, by the fields Stripe documents for it, paged and expanded."""
    walk("stripe_create_customer", "post", "/customers",
         {"email": "amy@example.com", "metadata[tier]": "silver"})
    query = "email~'example' OR metadata['tier']:'silver'"
    first = walk("stripe_search_customers", "get", "/customers/search", {
        "query": query, "limit": 1, "expand[0]": "total_count",
        "expand[1]": "data.invoice_settings.default_payment_method"})
    walk("stripe_search_customers", "get", "/customers/search",
         {"query": query, "page": first["next_page"]})
    walk("stripe_search_customers", "get", "/customers/search",
         {"query": f"email:'{customer['email']}' -name:'nobody'", "expand[0]":
          "data.invoice_settings.default_payment_method"})
    walk("stripe_search_customers", "get", "/customers/search", {"query": "colour:'x'"},
         status=400)
    walk("stripe_search_payment_intents", "get", "/payment_intents/search", {
        "query": "status:'succeeded' amount>=1000 currency:'usd'", "limit": 2,
        "expand[0]": "data.customer", "expand[1]": "data.latest_charge.refunds"})
    walk("stripe_search_payment_intents", "get", "/payment_intents/search",
         {"query": "status:'requires_payment_method' OR status:'canceled'"})
    walk("stripe_search_payment_intents", "get", "/payment_intents/search",
         {"query": "amount>"}, status=400)
    walk("stripe_search_charges", "get", "/charges/search", {
        "query": "status:'failed' OR refunded:'true'", "expand[0]": "data.payment_intent"})
    walk("stripe_search_charges", "get", "/charges/search",
         {"query": "a:'b' AND c:'d' OR e:'f'"}, status=400)


def stripe_operations() -> set[str]:
    """The operation ids of `/stripe/v1` in the service's OpenAPI schema."""
    schema = client_for(None).get("/api/schema/?format=json").json()
    return {operation["operationId"] for path, operations in schema["paths"].items()
            if path.startswith("/stripe/v1/") for operation in operations.values()}


def test_every_answer_of_every_operation_is_of_stripes_published_type(demo, settings,
                                                                       frozen_windows,
                                                                       tmp_path_factory):
    walk = Walk()
    customer = customers(walk)
    intent_id, *held = payment_intents(walk, customer)
    refunds(walk, intent_id, *held)
    payment_methods(walk, customer)
    charges(walk, intent_id)
    setup_intents(walk, customer)
    checkout_sessions(walk, customer)
    expansions(walk, customer, intent_id)
    searches(walk, customer)
    webhook_endpoints(walk)
    events(walk)
    rate_limited(walk, settings)
    stored = Event.objects.filter(format=Format.STRIPE).values_list("type", "payload")
    for event_type, payload in stored:  # the bodies delivered, exactly as they were signed
        walk.check(json.loads(payload), "Event", f"stored event {event_type}")

    operations = stripe_operations()
    unwalked = sorted(operations - walk.statuses.keys())
    assert not unwalked, (f"operations of /stripe/v1 the walk does not call: {unwalked}: add "
                          "each to ANSWERS (its answer's type) and call it in the walk")
    assert not walk.failures, "answers that are not of Stripe's published types:\n" + (
        "\n".join(walk.failures[:60]))
    version, api_version, spec = package_version()
    counts = {
        "package": f"stripe@{version} (API {api_version}, OpenAPI {spec})",
        "objects": sum(walk.objects.values()), "types": len(walk.objects),
        "operations": len(operations),
        "answers": sum(sum(statuses.values()) for statuses in walk.statuses.values()),
        "stored_events": len(stored), "by_type": dict(walk.objects.most_common()),
        "statuses": {op: dict(statuses) for op, statuses in sorted(walk.statuses.items())},
    }
    written = tmp_path_factory.getbasetemp() / "stripe-schema-counts.json"
    written.write_text(json.dumps(counts, indent=2))
    print(f"\nvalidated {counts['objects']} objects of {counts['types']} types across "
          f"{counts['operations']} operations ({counts['answers']} answers, "
          f"{counts['stored_events']} stored events) against {counts['package']}: {written}")
    print(json.dumps(counts["by_type"]))
