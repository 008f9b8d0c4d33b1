"""Failures schemathesis found, kept so they stay fixed."""

from urllib.parse import parse_qsl

import pytest

from payments.models import Payment
from tests.support.credentials import client_for
from tests.support.errors import oauth_error, v1_error


@pytest.mark.parametrize("path", ["/v1/oauth/token", "/v1/oauth/revoke", "/v1/oauth/introspect",
                                  "/v1/payments", "/api/v0/test-payment",
                                  "/api/v2/payment/refunds"])
def test_options_is_405_json_not_a_crash(demo, path):
    response = client_for("demo_key_BQokikJOvBiI2HlWgH4olfQ2").options(path)
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("body", ["-8.137749541192866e+24", "[1, 2]", '"token"', "null"])
def test_oauth_bodies_that_are_not_objects_are_400(demo, body):
    response = client_for(None).post("/v1/oauth/revoke", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize("query", ["page=309213176590631078649562923008&per_page=51",
                                   "offset=23677342966874333687958208512&limit=100",
                                   "page=10000001"])
def test_page_numbers_past_any_real_list_are_422_not_a_crash(api, query):
    sent = {name for name, _ in parse_qsl(query)}
    for path in ("/v1/payments", "/v1/webhooks/events"):
        error = v1_error(api.get(f"{path}?{query}"), 422, type="validation_error")
        assert error["param"] in sent, (path, error)


def test_nullable_fields_are_documented_as_such(db):
    schema = client_for(None).get("/api/schema/?format=json").json()
    payment = schema["components"]["schemas"]["Payment"]["properties"]
    for name in ("cancelled_at", "failure_reason", "idempotency_key", "customer_email"):
        assert payment[name].get("nullable") is True, name


@pytest.mark.parametrize("stamp", ["2699-10-20T10:35:05.02-23:31", "9999-12-31T23:59:59-10:00",
                                   "2025-01-01T00:00:00+15:00", "0000-01-01T00:00:00+10:00",
                                   "2016-12-31T23:59:60Z"])
def test_every_rfc_3339_time_is_answered_even_past_the_range(api, create_payment, stamp):
    """RFC 3339 allows offsets up to ±23:59 (the schema says date-time); times past the
    representable range are clamped to its end."""
    create_payment()
    response = api.get("/v1/payments", {"created_before": stamp})
    assert response.status_code == 200
    expected = 1 if stamp.startswith(("2699", "9999")) else 0
    assert response.json()["total_count"] == expected


@pytest.mark.parametrize("stamp", ["", "2025-01-15", "2025-01-15 10:30:00", "2025-13-01T00:00:00Z",
                                   "2025-02-30T00:00:00Z", "2025-01-15T10:30:00+24:00",
                                   "2025-01-15T10:30", "yesterday"])
def test_anything_but_an_rfc_3339_time_is_422(api, stamp):
    response = api.get("/v1/payments", {"created_before": stamp})
    assert response.status_code == 422
    assert response.json()["error"]["param"] == "created_before"


def test_offsets_are_applied(api, create_payment):
    create_payment()
    assert api.get("/v1/payments", {"created_after": "2000-01-01T05:00:00+05:00"}).json()[
        "total_count"] == 1


NUL = "\x00"


def test_nul_in_a_field_of_a_json_body_is_422_on_that_field(api, demo):
    body = '{"amount": 10, "currency": "USD", "description": "a\\u0000b", ' \
           '"customer_email": "a@example.com", "metadata": {"k\\u0000": "v"}}'
    response = api.post("/v1/payments", body, content_type="application/json")
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["error"]["errors"]}
    assert fields == {"description", "metadata"}
    assert not Payment.objects.exists()


def test_nul_in_an_oauth_form_or_json_body_is_400(demo):
    anon = client_for(None)
    form = anon.post("/v1/oauth/introspect", "token=x&client_id=t%00f",
                     content_type="application/x-www-form-urlencoded")
    as_json = anon.post("/v1/oauth/introspect", '{"token": "x", "client_id": "t\\u0000f"}',
                        content_type="application/json")
    oauth_error(form, 400, "invalid_request")
    oauth_error(as_json, 400, "invalid_request")


@pytest.mark.parametrize("path", ["/v1/payments/pay_%00x", "/v1/payments?status=%00",
                                  "/api/v0/test-payment/pay%00", "/api/v2/payment/refunds/r%00"])
def test_nul_in_the_path_or_query_is_400_in_the_surfaces_shape(api, path):
    response = api.get(path)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_too_many_query_parameters_is_400_json(api):
    query = "&".join(f"per_page={i}" for i in range(1100))
    response = api.get(f"/v1/payments?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("query", ["page=abc", "page=1.0", "page=%201", "per_page=1_0",
                                   "limit=%2B5", "offset=-1", "page="])
def test_page_parameters_are_digits_only(api, query):
    [(name, _)] = parse_qsl(query, keep_blank_values=True)
    error = v1_error(api.get(f"/v1/payments?{query}"), 422, type="validation_error",
                     param=name)
    assert error["errors"][0]["field"] == name


def test_an_undeclared_method_is_405_whatever_its_query_string(demo):
    """`created=0&created[gt]=0` is no bracket notation (one value and one object), but a
    method no operation declares is refused as such before its query string is read."""
    api = client_for("demo_key_BQokikJOvBiI2HlWgH4olfQ2")
    response = api.generic("TRACE", "/stripe/v1/checkout/sessions?created=0&created%5Bgt%5D=0")
    assert response.status_code == 405
    assert response.json()["error"]["type"] == "invalid_request_error"
    assert api.get("/stripe/v1/checkout/sessions?created=0&created%5Bgt%5D=0").status_code == 400


def test_a_stripe_confirmation_keeps_its_receipt_email_and_words_a_missing_method(demo):
    """Was a 500: a confirmation's `receipt_email` reached the domain as an unknown detail."""
    stripe = client_for("demo_key_BQokikJOvBiI2HlWgH4olfQ2")
    form = "application/x-www-form-urlencoded"
    intent = stripe.post("/stripe/v1/payment_intents", "amount=100&currency=usd",
                         content_type=form).json()["id"]
    refused = stripe.post(f"/stripe/v1/payment_intents/{intent}/confirm",
                          "receipt_email=jenny%40example.com", content_type=form)
    assert refused.status_code == 400
    assert refused.json()["error"]["message"].startswith(
        "You cannot confirm this PaymentIntent because it's missing a payment method.")
    confirmed = stripe.post(f"/stripe/v1/payment_intents/{intent}/confirm",
                            "receipt_email=jenny%40example.com&payment_method=pm_card_visa",
                            content_type=form)
    assert confirmed.json()["status"] == "succeeded"
    assert confirmed.json()["receipt_email"] == "jenny@example.com"
    assert Payment.objects.get(public_id=intent).customer_email == "jenny@example.com"
