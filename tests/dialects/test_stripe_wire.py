"""`/stripe/v1` on the wire as Stripe's API is: a `Request-Id` on every answer (which the SDK
reads), `Stripe-Version`, pretty-printed JSON, events that name the API call that caused them,
and refusals of a PaymentIntent's status worded with Stripe's statuses."""

import json
import uuid
from urllib.parse import urlencode

import pytest
import stripe

from tests.support.credentials import STANDARD_KEY, client_for
from tests.support.errors import stripe_error
from tests.support.factories import make_authorized_payment
from webhooks_app.api.stripe.rendering import API_VERSION
from webhooks_app.models import Delivery, Event
from webhooks_app.tasks import attempt_delivery

FORM = "application/x-www-form-urlencoded"


def stored(event_type: str) -> list[dict]:
    return [json.loads(event.payload) for event in Event.objects.filter(type=event_type)]


@pytest.mark.django_db(transaction=True)
class TestWithTheSDK:
    def test_the_sdk_reads_the_request_id_of_every_answer(self, sdk):
        created = stripe.Customer.create(email="a@example.com")
        assert created.last_response.request_id.startswith("req_")
        again = stripe.Customer.retrieve(created.id)
        assert again.last_response.request_id not in ("", created.last_response.request_id)
        with pytest.raises(stripe.InvalidRequestError) as raised:
            stripe.Customer.retrieve("cus_missing")
        assert raised.value.request_id.startswith("req_")

    def test_an_event_names_the_call_that_caused_it_and_a_replay_makes_none(self, sdk,
                                                                           receiver):
        endpoint = stripe.WebhookEndpoint.create(url=receiver.url,
                                                 enabled_events=["payment_intent.created"])
        key = f"order-{uuid.uuid4()}"
        created = stripe.PaymentIntent.create(amount=2000, currency="usd",
                                              idempotency_key=key)
        request_id = created.last_response.request_id
        [event] = stripe.Event.list(type="payment_intent.created").data
        assert (event.request.id, event.request.idempotency_key) == (request_id, key)
        replayed = stripe.PaymentIntent.create(amount=2000, currency="usd",
                                               idempotency_key=key)
        assert replayed.last_response.headers["Idempotent-Replayed"] == "true"
        assert len(stored("payment_intent.created")) == 1
        for delivery in Delivery.objects.filter(endpoint__public_id=endpoint.id):
            attempt_delivery.call(delivery.pk, delivery.event.account_id)
        [delivered] = receiver.requests
        assert json.loads(delivered.body)["request"] == {"id": request_id,
                                                         "idempotency_key": key}

    def test_refusals_of_an_intents_status_name_stripes_status(self, sdk):
        paid = stripe.PaymentIntent.create(amount=2000, currency="usd",
                                           payment_method="pm_card_visa", confirm=True)
        refusals = {
            "You cannot confirm this PaymentIntent because it has a status of succeeded.":
                lambda: stripe.PaymentIntent.confirm(paid.id),
            "This PaymentIntent could not be captured because it has a status of succeeded. "
            "Only a PaymentIntent with one of the following statuses may be captured: "
            "requires_capture.": lambda: stripe.PaymentIntent.capture(paid.id),
            "You cannot cancel this PaymentIntent because it has a status of succeeded. Only a "
            "PaymentIntent with one of the following statuses may be canceled: "
            "requires_payment_method, requires_capture, requires_confirmation, "
            "requires_action, processing.": lambda: stripe.PaymentIntent.cancel(paid.id),
            "This PaymentIntent's payment_method could not be updated because it has a status "
            "of succeeded. You may only update the payment_method of a PaymentIntent with one "
            "of the following statuses: requires_payment_method, requires_confirmation, "
            "requires_action.": lambda: stripe.PaymentIntent.modify(
                paid.id, payment_method="pm_card_mastercard"),
        }
        for message, refused in refusals.items():
            with pytest.raises(stripe.InvalidRequestError) as raised:
                refused()
            assert raised.value.code == "payment_intent_unexpected_state"
            assert raised.value.user_message == message
        canceled = stripe.PaymentIntent.create(amount=2000, currency="usd")
        stripe.PaymentIntent.cancel(canceled.id)
        with pytest.raises(stripe.InvalidRequestError) as raised:
            stripe.PaymentIntent.modify(canceled.id, description="late")
        assert raised.value.user_message == (
            "You cannot update this PaymentIntent because it has a status of canceled.")
        with pytest.raises(stripe.InvalidRequestError) as raised:
            stripe.Refund.create(payment_intent=canceled.id)
        assert "status" not in raised.value.user_message  # Stripe's own words, no status


@pytest.mark.parametrize("path", ["/stripe/v1/customers", "/stripe/v1/customers/cus_missing",
                                  "/stripe/v1/nope"])
def test_stripe_answers_are_pretty_printed_and_v1_stays_compact(demo, path):
    api = client_for(STANDARD_KEY)
    body = api.get(path).content.decode()
    assert body.startswith("{\n  \"") and body.endswith("}\n")
    assert "\n    \"" in body or "\n  \"data\": []" in body  # nested objects indented further
    compact = api.get("/v1/payments").content.decode()
    assert "\n" not in compact and compact.startswith('{"')


def test_a_stripe_object_is_pretty_printed_with_its_keys_in_stripes_order(demo):
    api = client_for(STANDARD_KEY)
    created = api.post("/stripe/v1/customers", urlencode({"email": "a@example.com"}),
                       content_type=FORM).content.decode()
    assert created.startswith('{\n  "id": "cus_')
    assert "\n  \"id\"" in created and created.index('"id"') < created.index('"object"')


def test_stripe_version_is_echoed_or_the_sandboxs(demo):
    api = client_for(STANDARD_KEY)
    assert api.get("/stripe/v1/customers")["Stripe-Version"] == API_VERSION
    asked = api.get("/stripe/v1/customers", headers={"Stripe-Version": "2020-08-27"})
    assert asked["Stripe-Version"] == "2020-08-27"
    refused = api.get("/stripe/v1/customers/cus_missing",
                      headers={"Stripe-Version": "2024-06-20"})
    assert refused.status_code == 404 and refused["Stripe-Version"] == "2024-06-20"
    assert "Stripe-Version" not in api.get("/v1/payments")


def test_a_call_without_an_idempotency_key_is_named_with_a_null_key(demo):
    created = client_for(STANDARD_KEY).post("/stripe/v1/customers",
                                            urlencode({"email": "a@example.com"}),
                                            content_type=FORM)
    [event] = stored("customer.created")
    assert event["request"] == {"id": created["Request-Id"], "idempotency_key": None}


def test_what_the_sandbox_clock_makes_happen_names_no_call(demo, admin_api):
    """The release of an authorization its clock let expire is nobody's call: `request` is
    null, though a request (the clock advance) was being served."""
    intent = make_authorized_payment(demo)
    advanced = admin_api.post("/v1/test/clock/advance", {"seconds": 8 * 24 * 3600},
                              format="json", headers={"Idempotency-Key": "advance-8-days"})
    assert advanced.status_code == 200, advanced.content
    [released] = stored("payment_intent.canceled")
    assert released["data"]["object"]["id"] == intent.public_id
    assert released["request"] == {"id": None, "idempotency_key": None}


def test_a_refused_intent_status_is_never_worded_with_the_domains(demo):
    intent = make_authorized_payment(demo)
    response = client_for(STANDARD_KEY).post(
        f"/stripe/v1/payment_intents/{intent.public_id}/confirm", "", content_type=FORM)
    error = stripe_error(response, 400, code="payment_intent_unexpected_state")
    assert error["message"] == ("You cannot confirm this PaymentIntent because it has a "
                                "status of requires_capture.")
