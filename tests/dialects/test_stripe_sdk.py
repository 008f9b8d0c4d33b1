"""The official `stripe` package (16.x), unchanged, against a live server's `/stripe/v1`:
only `api_base` points at the sandbox (the `sdk` fixture,
tests/support/fixtures.py)."""

import contextlib
import io
import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import stripe

from payments.models import Payment
from refunds.models import Refund
from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import ADMIN_KEY, client_for
from tests.support.errors import v1_error
from webhooks_app.models import Delivery
from webhooks_app.tasks import attempt_delivery

pytestmark = pytest.mark.django_db(transaction=True)


def intent(**params):
    return stripe.PaymentIntent.create(amount=2000, currency="usd", **params)


def test_create_and_confirm_with_a_test_card_is_a_payment_of_the_domain(sdk):
    created = intent(payment_method="pm_card_visa", confirm=True, metadata={"order_id": "42"})
    assert (created.status, created.amount_received, created.currency) == ("succeeded", 2000,
                                                                           "usd")
    assert created.metadata["order_id"] == "42" and created.id.startswith("pi_")
    assert stripe.PaymentIntent.retrieve(created.id).status == "succeeded"
    v1 = client_for(ADMIN_KEY).get(f"/v1/payments/{created.id}").json()
    assert (v1["status"], v1["amount"]) == ("completed", 20.0)


@pytest.mark.parametrize(("method", "code", "decline_code"), [
    ("pm_card_chargeDeclined", "card_declined", "generic_decline"),
    ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
    ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card"),
    ("pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", "incorrect_cvc"),
    ("pm_card_chargeDeclinedProcessingError", "processing_error", "processing_error"),
])
def test_declining_test_cards_raise_card_errors(sdk, method, code, decline_code):
    with pytest.raises(stripe.CardError) as raised:
        intent(payment_method=method, confirm=True)
    error = raised.value
    assert (error.code, error.error.decline_code) == (code, decline_code)
    declined = error.error.payment_intent
    assert declined.status == "requires_payment_method"
    assert declined.last_payment_error.code == code
    again = stripe.PaymentIntent.confirm(declined.id, payment_method="pm_card_visa")
    assert again.status == "succeeded"


def test_an_unknown_payment_method_is_a_missing_resource(sdk):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        intent(payment_method="pm_card_unknown", confirm=True)
    assert (raised.value.code, raised.value.param) == ("resource_missing", "payment_method")


def test_manual_capture_partly_then_refunds_draw_on_what_was_captured(sdk):
    authorized = intent(payment_method="pm_card_visa", confirm=True, capture_method="manual")
    assert (authorized.status, authorized.amount_capturable) == ("requires_capture", 2000)
    captured = stripe.PaymentIntent.capture(authorized.id, amount_to_capture=1500)
    assert (captured.status, captured.amount_received) == ("succeeded", 1500)
    first = stripe.Refund.create(payment_intent=captured.id, amount=500)
    assert (first.amount, first.status) == (500, "succeeded")
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Refund.create(payment_intent=captured.id, amount=1001)
    assert raised.value.code == "amount_too_large"
    rest = stripe.Refund.create(payment_intent=captured.id)
    assert rest.amount == 1000
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Refund.create(payment_intent=captured.id, amount=1)
    assert raised.value.code == "charge_already_refunded"
    assert sum(r.amount_minor for r in Refund.objects.all()) == 1500
    listed = stripe.Refund.list(payment_intent=captured.id)
    assert {r.id for r in listed.data} == {first.id, rest.id}


def test_cancel_and_what_a_cancelled_intent_refuses(sdk):
    authorized = intent(payment_method="pm_card_visa", confirm=True, capture_method="manual")
    cancelled = stripe.PaymentIntent.cancel(authorized.id,
                                            cancellation_reason="requested_by_customer")
    assert (cancelled.status, cancelled.cancellation_reason) == ("canceled",
                                                                 "requested_by_customer")
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.PaymentIntent.capture(authorized.id)
    assert raised.value.code == "payment_intent_unexpected_state"


def test_customers_create_update_list_delete(sdk):
    jenny = stripe.Customer.create(email="jenny@example.com", name="Jenny Rosen",
                                   metadata={"tier": "gold"})
    other = stripe.Customer.create(email="other@example.com")
    updated = stripe.Customer.modify(jenny.id, name="Jenny R.", metadata={"tier": ""})
    assert (updated.name, updated.metadata.to_dict()) == ("Jenny R.", {})
    assert [c.id for c in stripe.Customer.list(email="jenny@example.com").data] == [jenny.id]
    assert [c.id for c in stripe.Customer.list().data] == [other.id, jenny.id]
    paid = intent(payment_method="pm_card_visa", confirm=True, customer=jenny.id)
    expanded = stripe.PaymentIntent.retrieve(paid.id, expand=["customer"])
    assert expanded.customer.email == "jenny@example.com"
    assert [p.id for p in stripe.PaymentIntent.list(customer=jenny.id).data] == [paid.id]
    deleted = stripe.Customer.delete(other.id)
    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.retrieve(other.id)
    assert raised.value.code == "resource_missing"


def test_auto_paging_walks_every_intent_once_while_more_are_created(sdk):
    made = [intent(payment_method="pm_card_visa", confirm=True).id for _ in range(7)]
    seen = []
    for item in stripe.PaymentIntent.list(limit=3).auto_paging_iter():
        seen.append(item.id)
        if len(seen) == 2:  # created meanwhile: newer than the walk, never in it
            intent(payment_method="pm_card_visa", confirm=True)
    assert seen == made[::-1]


def test_idempotent_retries_replay_and_a_changed_request_is_refused(sdk):
    key = f"order-{uuid.uuid4()}"
    first = intent(payment_method="pm_card_visa", confirm=True, idempotency_key=key)
    again = intent(payment_method="pm_card_visa", confirm=True, idempotency_key=key)
    assert again.id == first.id and Payment.objects.count() == 1
    assert again.last_response.headers.get("Idempotent-Replayed") == "true"
    with pytest.raises(stripe.IdempotencyError):
        stripe.PaymentIntent.create(amount=2001, currency="usd", idempotency_key=key)


def test_events_are_listed_and_a_webhook_endpoint_receives_a_verifiable_signed_event(
        sdk, receiver):
    endpoint = stripe.WebhookEndpoint.create(url=receiver.url,
                                             enabled_events=["payment_intent.succeeded"])
    assert endpoint.secret.startswith("whsec_")
    paid = intent(payment_method="pm_card_visa", confirm=True)
    types = [e.type for e in stripe.Event.list().data]
    assert "payment_intent.succeeded" in types and "payment_intent.created" in types
    for delivery in Delivery.objects.filter(endpoint__public_id=endpoint.id):
        attempt_delivery.call(delivery.pk, delivery.event.account_id)
    [request] = receiver.requests
    event = stripe.Webhook.construct_event(request.body.decode(),
                                           request.headers["Stripe-Signature"],
                                           endpoint.secret)
    assert (event.type, event.data.object.id) == ("payment_intent.succeeded", paid.id)
    assert json.loads(request.body)["object"] == "event"
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(request.body.decode(),
                                       request.headers["Stripe-Signature"], "whsec_wrong")


def test_a_v1_payment_and_a_stripe_refund_share_one_balance(sdk):
    v1 = client_for(ADMIN_KEY).post("/v1/payments", PAYMENT_BODY, format="json").json()
    refund = stripe.Refund.create(payment_intent=v1["id"], amount=4000)
    assert refund.amount == 4000
    left = client_for(ADMIN_KEY).post(f"/v1/payments/{v1['id']}/refund", {"amount": 10.00},
                                      format="json")
    error = v1_error(left, 422, type="validation_error", param="amount")
    assert "9.99 USD" in error["message"]  # what the Stripe refund left


def docs_block(marker: str, fence: str, base: str) -> str:
    """A block of docs/stripe.md, with its base URL replaced by `base`."""
    docs = (Path(__file__).parents[2] / "docs" / "stripe.md").read_text()
    block = docs.split(f"<!-- {marker} -->")[1].split(f"```{fence}")[1].split("```")[0]
    return block.replace("http://127.0.0.1:8000", base)


def test_the_docs_python_example_runs_as_written(sdk, live_server):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(docs_block("stripe-sdk", "python", live_server.url), {})  # noqa: S102
    lines = printed.getvalue().splitlines()
    assert lines[0].startswith("pi_") and lines[0].endswith(" succeeded")
    assert lines[1:] == ["card_declined generic_decline", "1500", "succeeded"]


def documents(text: str) -> list:
    """The JSON bodies of `text`, one after the other (curl prints them back to back)."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while text[at:].strip():
        document, at = decoder.raw_decode(text, len(text) - len(text[at:].lstrip()))
        found.append(document)
    return found


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_the_docs_curl_lines_run_as_written(sdk, live_server):
    script = docs_block("stripe-curl", "sh", live_server.url)
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    intent, customer, listed, found, endpoint = documents(result.stdout)
    assert (intent["status"], intent["metadata"]) == ("succeeded", {"order_id": "42"})
    assert customer["email"] == "jenny@example.com"
    assert listed["object"] == "list" and listed["data"][0]["id"] == intent["id"]
    assert (found["object"], found["total_count"]) == ("search_result", 1)
    assert found["data"][0]["id"] == customer["id"]
    assert endpoint["secret"].startswith("whsec_")
