"""Hostile bodies cost nothing: numbers and nesting are judged on their text before any
arithmetic, on every surface, and answered in that surface's error shape with nothing stored."""

import json
import uuid

import pytest
import simplejson
from rest_framework.test import APIClient

from api import idempotency
from api.json import parse_body
from api.models import IdempotencyKey
from payments.models import Payment
from refunds.models import Refund
from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import STANDARD_KEY, client_for
from tests.support.errors import v1_error

HUGE = ["1e999990", "1e999999999", "-1e-999999999", "1" * 41, "0." + "0" * 40 + "1",
        "1." + "0" * 40, "123456789012345678901234567890.12345678901"]


def raw_post(client, path, text, key="hostile-key-1", header="Idempotency-Key"):
    return client.post(path, text, content_type="application/json", headers={header: key})


@pytest.fixture
def no_arithmetic(monkeypatch):
    """Fail the test if a refused number reached the money code."""
    def forbidden(*args, **kwargs):
        raise AssertionError("a refused number was computed with")

    monkeypatch.setattr("payments.money.to_minor", forbidden)


@pytest.mark.parametrize("literal", HUGE)
def test_v1_amounts_out_of_range_are_422_before_any_arithmetic(api, literal, no_arithmetic):
    body = json.dumps({**PAYMENT_BODY, "amount": 1}).replace('"amount": 1', f'"amount": {literal}')
    response = raw_post(api, "/v1/payments", body)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("number_out_of_range", "amount")
    assert error["errors"] == [{"field": "amount", "code": "number_out_of_range",
                                "message": error["errors"][0]["message"]}]
    assert not Payment.objects.exists() and not IdempotencyKey.objects.exists()


def test_two_hundred_huge_numbers_in_a_keyed_body_cost_nothing(api, no_arithmetic):
    """The probe's 1.9 KB body that took a worker to 0.9 GB: the fingerprint keeps each
    number as its text, and the metadata field refuses them."""
    metadata = ", ".join(f'"k{i}": 1e999990' for i in range(200))
    body = json.dumps(PAYMENT_BODY).replace('"metadata": {', f'"metadata": {{{metadata}, ')
    response = raw_post(api, "/v1/payments", body)
    assert response.status_code == 422
    assert response.json()["error"]["param"] == "metadata"
    assert not IdempotencyKey.objects.exists()


def test_the_fingerprint_of_a_huge_number_is_its_text():
    body = parse_body('{"a": 1e999999999, "b": [1e-999999], "c": 4.999e1}')
    canonical = simplejson.dumps(idempotency._canonical(body))
    assert len(canonical) < 100 and "1e999999999" in canonical
    assert idempotency.fingerprint("POST", "/x", body) != idempotency.fingerprint(
        "POST", "/x", parse_body('{"a": 1e999999998, "b": [1e-999999], "c": 49.99}'))
    assert idempotency.fingerprint("POST", "/x", parse_body('{"c": 4.999e1}')) == (
        idempotency.fingerprint("POST", "/x", parse_body('{"c": 49.990}')))


def test_huge_numbers_in_fields_nobody_reads_are_ignored(api):
    """Like any unknown field; they are never stored nor computed with."""
    body = json.dumps({**PAYMENT_BODY, "note": 1}).replace('"note": 1', '"note": 1e999999')
    response = raw_post(api, "/v1/payments", body)
    assert response.status_code == 201
    assert response.json()["amount"] == 49.99 and "note" not in response.json()


def test_huge_numbers_and_nul_in_a_stored_simulate_payload_are_422(admin_api):
    for payload in ('{"x": 1e999999}', '{"x": ["a\\u0000b"]}', '{"a\\u0000": 1}'):
        body = '{"event_type": "payment.created", "payload": ' + payload + "}"
        response = raw_post(admin_api, "/v1/webhooks/simulate", body)
        assert response.status_code == 422, response.content
        assert response.json()["error"]["param"].startswith("payload")


def test_numbers_within_bounds_still_work(api):
    body = json.dumps(PAYMENT_BODY).replace("49.99", "4.999e1")
    exponent = raw_post(api, "/v1/payments", body)
    assert exponent.status_code == 201 and exponent.json()["amount"] == 49.99
    body = json.dumps({**PAYMENT_BODY, "amount": 1}).replace(
        '"amount": 1', '"amount": 49.9900000000000000000000000000000000000')  # 40 digits
    long = raw_post(api, "/v1/payments", body, key="hostile-key-2")
    assert long.status_code == 201 and long.json()["amount"] == 49.99
    assert sorted(Payment.objects.values_list("amount_minor", flat=True)) == [4999, 4999]


def nested(depth: int) -> str:
    return '{"metadata": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


@pytest.mark.parametrize("depth", [33, 5000, 200_000])
def test_nesting_deeper_than_32_levels_is_400_on_v1(api, depth):
    response = raw_post(api, "/v1/payments", nested(depth))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
    assert "32 levels" in response.json()["error"]["message"]


def test_nesting_of_32_levels_is_parsed(api):
    response = raw_post(api, "/v1/payments", nested(32))
    # Parsed; then the fields are judged (not a `malformed_json` 400).
    error = v1_error(response, 422, type="validation_error")
    fields = {e["field"] for e in error["errors"]}
    assert {"amount", "currency", "metadata"} <= fields


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if a body is parsed: the refusal must come first, whatever its size."""
    def parsed(*args, **kwargs):
        pytest.fail("the body was parsed")
    monkeypatch.setattr("api.json.json.loads", parsed)


def test_a_body_of_52000_keys_is_refused_before_it_is_parsed(api, no_parsing):
    body = json.dumps({**PAYMENT_BODY, **{f"key{n}": n for n in range(52_000)}})
    error = v1_error(raw_post(api, "/v1/payments", body), 400, code="malformed_json")
    assert "at most 1000 members" in error["message"]
    assert not Payment.objects.exists()


@pytest.mark.parametrize(("members", "status"), [(1000, 201), (1001, 400)])
def test_members_are_counted_in_objects_and_arrays_together(api, members, status):
    """1,000 members in all (the keys of the body and of its objects, and the items of an
    array inside it) are parsed (an unknown field is then ignored); one more is not."""
    extra = members - len(PAYMENT_BODY) - len(PAYMENT_BODY["metadata"]) - 1
    body = json.dumps({**PAYMENT_BODY, "tags": list(range(extra))})
    response = raw_post(api, "/v1/payments", body)
    assert response.status_code == status, response.content
    if status == 400:
        v1_error(response, 400, code="malformed_json")


def test_the_member_limit_holds_on_every_surface(demo):
    body = json.dumps({f"k{n}": n for n in range(1001)})
    devdraft = client_for(None).post("/api/v0/test-payment", body, content_type="application/json",
                                     HTTP_X_CLIENT_KEY="demo_client_standard",
                                     HTTP_X_CLIENT_SECRET=STANDARD_KEY,
                                     HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
    assert devdraft.status_code == 400 and "1000 members" in devdraft.json()["message"]
    oauth = client_for(None).post("/v1/oauth/token", body, content_type="application/json")
    assert oauth.status_code == 400 and oauth.json()["error"] == "invalid_request"


@pytest.mark.parametrize("depth", [33, 5000])
def test_nesting_on_the_oauth_endpoints_is_400_in_rfc_6749_shape(db, depth):
    response = client_for(None).post("/v1/oauth/token", nested(depth),
                                     content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_numbers_out_of_range_on_the_oauth_endpoints(db):
    """OAuth parameters are strings: a number out of range is just a wrong parameter."""
    body = '{"grant_type": "client_credentials", "scope": 1e999999999, "x": 1e999999}'
    response = client_for(None).post("/v1/oauth/token", body, content_type="application/json")
    assert response.status_code in (400, 401)
    assert response.json()["error"] in ("invalid_request", "invalid_client")


def test_devdraft_numbers_and_nesting_in_its_shape(demo, no_arithmetic):
    client = APIClient()
    client.credentials(HTTP_X_CLIENT_KEY="demo_client_standard", HTTP_X_CLIENT_SECRET=STANDARD_KEY)
    body = '{"amount": 1e999990, "currency": "USD", "description": "d"}'
    response = raw_post(client, "/api/v0/test-payment", body)
    assert response.status_code == 422
    assert response.json()["statusCode"] == 422 and "significant digits" in (
        response.json()["message"])
    response = raw_post(client, "/api/v0/test-payment", nested(40), key="hostile-key-3")
    assert response.json()["statusCode"] == 400


@pytest.fixture
def uqpay(demo):
    client = APIClient()
    client.credentials(HTTP_X_AUTH_TOKEN=STANDARD_KEY, HTTP_X_CLIENT_ID="demo_client_standard")
    return client


@pytest.mark.parametrize("amount", ['"' + "9" * 10_000 + '"', '"1' + "0" * 60 + '.5"',
                                    "1e999990"])
def test_uqpay_amounts_out_of_range_in_its_shape(uqpay, completed_payment, amount,
                                                 monkeypatch):
    monkeypatch.setattr("payments.money.to_minor", lambda *a: pytest.fail("computed"))
    body = (f'{{"payment_intent_id": "{completed_payment.public_id}", "amount": {amount}, '
            '"reason": "Return good"}')
    response = raw_post(uqpay, "/api/v2/payment/refunds", body, key=str(uuid.uuid4()),
                        header="x-idempotency-key")
    assert response.status_code == 422
    assert response.json()["code"] in ("number_out_of_range", "invalid_type")
    assert not Refund.objects.exists()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/v1/test/no-such-thing", "/v1/nope", "/api/v0/nope",
                                  "/api/v2/payment/nope"])
def test_unsafe_methods_on_unknown_api_paths_are_404_json_not_a_csrf_page(db, method, path):
    client = APIClient(enforce_csrf_checks=True)
    client.cookies["sessionid"] = "whatever"  # a browser session must not change the answer
    response = getattr(client, method)(path, "{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
