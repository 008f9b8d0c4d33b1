"""`/stripe/v1` on the wire as Stripe's API is: a `Request-Id` on every answer (which the SDK
reads), `Stripe-Version`, pretty-printed JSON, events that name the API call that caused them,
and refusals of an intent's status worded with Stripe's statuses (a PaymentIntent's, a
SetupIntent's), of a PaymentMethod's attach and detach in Stripe's sentences."""

import json
import uuid
from urllib.parse import urlencode

import pytest
import stripe

from tests.support.credentials import STANDARD_KEY, client_for
from tests.support.errors import stripe_error
from tests.support.factories import make_authorized_payment, make_customer
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


def post(api, path: str, key: str | None = None, **fields):
    """A form POST to `/stripe/v1` (with an `Idempotency-Key` when `key` is given)."""
    return api.post(f"/stripe/v1{path}", urlencode(fields), content_type=FORM,
                    headers={"Idempotency-Key": key} if key else {})


def test_the_events_of_charges_saved_cards_and_setups_name_their_call(demo):
    """Every kind of event a call causes names it: the customer's, the SetupIntent's and the
    card it saves, the PaymentIntent's charge, a detach."""
    api = client_for(STANDARD_KEY)
    customer = post(api, "/customers", "cus-create-1", email="a@example.com")
    setup = post(api, "/setup_intents", "seti-create-1", customer=customer.json()["id"],
                 payment_method="pm_card_visa", confirm="true")
    assert setup.json()["status"] == "succeeded", setup.content
    card = setup.json()["payment_method"]
    paid = post(api, "/payment_intents", "pi-create-1", amount=2000, currency="usd", confirm="true",
                customer=customer.json()["id"], payment_method=card)
    detached = post(api, f"/payment_methods/{card}/detach", "pm-detach-1")
    expected = {
        "customer.created": (customer, "cus-create-1"),
        "setup_intent.created": (setup, "seti-create-1"),
        "setup_intent.succeeded": (setup, "seti-create-1"),
        "payment_method.attached": (setup, "seti-create-1"),
        "payment_intent.succeeded": (paid, "pi-create-1"),
        "charge.succeeded": (paid, "pi-create-1"),
        "payment_method.detached": (detached, "pm-detach-1"),
    }
    for event_type, (response, key) in expected.items():
        assert response.status_code == 200, response.content
        [event] = stored(event_type)
        assert event["request"] == {"id": response["Request-Id"], "idempotency_key": key}, (
            event_type)


def test_refusals_of_a_setup_intents_status_name_stripes_status(demo):
    api = client_for(STANDARD_KEY)
    saved = post(api, "/setup_intents", "seti-create-2", payment_method="pm_card_visa",
                 confirm="true").json()
    refusals = {
        "confirm": "You cannot confirm this SetupIntent because it has a status of succeeded.",
        "cancel": "You cannot cancel this SetupIntent because it has a status of succeeded. "
                  "Only a SetupIntent with one of the following statuses may be canceled: "
                  "requires_payment_method, requires_confirmation, requires_action.",
        "": "You cannot update this SetupIntent because it has a status of succeeded.",
    }
    for action, message in refusals.items():
        path = f"/setup_intents/{saved['id']}" + (f"/{action}" if action else "")
        fields = {} if action else {"description": "late"}  # "": an update
        refused = post(api, path, f"seti-{action or 'update'}", **fields)
        error = stripe_error(refused, 400, code="setup_intent_unexpected_state")
        assert error["message"] == message


def test_refused_attach_and_detach_are_worded_as_stripe_words_them(demo):
    api = client_for(STANDARD_KEY)
    jenny, other = make_customer(demo), make_customer(demo, email="o@example.com")
    card = post(api, "/payment_methods/pm_card_visa/attach", "pm-attach-1",
                customer=jenny.public_id).json()["id"]
    taken = post(api, f"/payment_methods/{card}/attach", "pm-attach-2",
                 customer=other.public_id)
    error = stripe_error(taken, 400, code="payment_method_unexpected_state")
    assert error["message"] == ("The payment method you provided has already been attached "
                                "to a customer.")
    post(api, f"/payment_methods/{card}/detach", "pm-detach-2")
    again = post(api, f"/payment_methods/{card}/detach", "pm-detach-3")
    error = stripe_error(again, 400, code="payment_method_unexpected_state")
    assert error["message"] == ("The payment method you provided is not attached to a "
                                "customer so detachment is impossible.")
