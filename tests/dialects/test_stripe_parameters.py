"""`/stripe/v1` judges every parameter, in the body and in the query string, before anything
changes: an unknown one is 400 `parameter_unknown`, a query string that is no bracket
notation is 400, and in either case nothing was created, confirmed or updated."""

from urllib.parse import urlencode

import pytest

from payments.models import Payment
from refunds.models import Refund
from tests.support.credentials import ADMIN_KEY, STANDARD_KEY, client_for
from tests.support.errors import stripe_error
from tests.support.factories import make_stripe_payment

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def stripe(demo):
    return client_for(STANDARD_KEY)


def post(client, path, fields, **extra):
    return client.post(path, urlencode(fields), content_type=FORM, **extra)


@pytest.mark.parametrize(("path", "fields"), [
    ("/stripe/v1/payment_intents", {"amount": 2000, "currency": "usd", "order_id": "42"}),
    ("/stripe/v1/customers", {"email": "a@example.com", "order_id": "42"}),
    ("/stripe/v1/webhook_endpoints", {"url": "https://example.com/h",
                                      "enabled_events[0]": "*", "order_id": "42"}),
])
def test_an_unknown_body_parameter_is_refused(demo, path, fields):
    response = post(client_for(ADMIN_KEY), path, fields)
    stripe_error(response, 400, type="invalid_request_error", code="parameter_unknown",
                 param="order_id")
    assert "Received unknown parameter: order_id" in response.json()["error"]["message"]


def test_an_unknown_refund_parameter_is_refused_and_nothing_is_refunded(stripe, demo):
    intent = make_stripe_payment(demo, confirm=True, payment_method_id="pm_card_visa")
    response = post(stripe, "/stripe/v1/refunds", {"payment_intent": intent.public_id,
                                                   "order_id": "42"})
    stripe_error(response, 400, code="parameter_unknown", param="order_id")
    assert not Refund.objects.exists()


def test_an_unknown_query_parameter_is_refused_on_a_list_and_a_retrieve(stripe, demo):
    intent = make_stripe_payment(demo)
    stripe_error(stripe.get("/stripe/v1/payment_intents?order_id=42"), 400,
                 code="parameter_unknown", param="order_id")
    stripe_error(stripe.get(f"/stripe/v1/payment_intents/{intent.public_id}?limit=3"), 400,
                 code="parameter_unknown", param="limit")
    assert stripe.get("/stripe/v1/payment_intents?limit=3&customer=cus_x").status_code == 200


@pytest.mark.parametrize("query", ["expand[=1", "expand[0]=customer&order_id=1",
                                   "a[b]=1&a=2"])
def test_a_bad_query_string_leaves_nothing_changed(stripe, demo, query):
    created = post(stripe, f"/stripe/v1/payment_intents?{query}",
                   {"amount": 2000, "currency": "usd", "payment_method": "pm_card_visa",
                    "confirm": "true"})
    assert created.status_code == 400, created.content
    assert not Payment.objects.exists()  # nothing created, nothing charged
    intent = make_stripe_payment(demo)
    confirmed = post(stripe, f"/stripe/v1/payment_intents/{intent.public_id}/confirm?{query}",
                     {"payment_method": "pm_card_visa"})
    updated = post(stripe, f"/stripe/v1/payment_intents/{intent.public_id}?{query}",
                   {"description": "changed"})
    assert (confirmed.status_code, updated.status_code) == (400, 400)
    intent.refresh_from_db()
    assert (intent.status, intent.description) == ("requires_confirmation", "")
    assert intent.amount_received_minor == 0  # not charged


def test_a_method_not_offered_is_405_whatever_the_query_string(stripe):
    """The query string is judged for an operation only: `created` with `created[gt]` is no
    bracket notation (400 on a GET), but a TRACE is 405 first."""
    query = "?created=0&created%5Bgt%5D=0"
    stripe_error(stripe.get("/stripe/v1/charges" + query), 400, type="invalid_request_error")
    assert stripe.generic("TRACE", "/stripe/v1/charges" + query).status_code == 405
