"""The UQPay refunds dialect's wire format."""

import uuid

import pytest
from rest_framework.test import APIClient

from refunds.models import Refund
from tests.support.credentials import READONLY_CLIENT_ID, READONLY_KEY, STANDARD_KEY, uqpay_client
from tests.support.errors import uqpay_error


@pytest.fixture
def uq(demo):
    return uqpay_client()


def body_for(payment, **overrides):
    return {
        "payment_intent_id": payment.public_id,
        "amount": "10.01",
        "reason": "Return good",
        "payment_attempt_id": "PA1234567890123456789",
        "metadata": {"customer_id": "cust_12345", "order_id": "order_6789"},
        **overrides,
    }


def refund(client, body, key=None):
    headers = {} if key is False else {"x-idempotency-key": key or str(uuid.uuid4())}
    return client.post("/api/v2/payment/refunds", body, format="json", headers=headers)


def test_create_answers_uqpays_body(uq, completed_payment):
    response = refund(uq, body_for(completed_payment))
    assert response.status_code == 200
    body = response.json()
    assert body["payment_refund_id"].startswith("ref_")
    assert body["payment_attempt_id"] == "PA1234567890123456789"
    assert (body["amount"], body["currency"], body["refund_status"]) == ("10.01", "USD",
                                                                         "SUCCEEDED")
    assert body["reason"] == "Return good"
    assert body["metadata"] == {"customer_id": "cust_12345", "order_id": "order_6789"}
    assert body["create_time"].endswith("+00:00") and "T" in body["create_time"]
    assert set(body) == {"payment_refund_id", "payment_attempt_id", "amount", "currency",
                         "refund_status", "create_time", "update_time", "reason", "metadata"}


def test_the_refund_shows_on_v1(uq, api, completed_payment):
    refund_id = refund(uq, body_for(completed_payment)).json()["payment_refund_id"]
    v1 = api.get(f"/v1/refunds/{refund_id}").json()
    assert (v1["amount"], v1["payment_id"]) == (10.01, completed_payment.public_id)
    payment = api.get(f"/v1/payments/{completed_payment.public_id}").json()
    assert payment["refunded_amount"] == 10.01


def test_attempt_id_defaults_to_the_payment(uq, completed_payment):
    body = body_for(completed_payment)
    del body["payment_attempt_id"], body["metadata"]
    response = refund(uq, body).json()
    assert response["payment_attempt_id"] == completed_payment.public_id
    assert response["metadata"] == {}


def test_get(uq, completed_payment):
    created = refund(uq, body_for(completed_payment)).json()
    fetched = uq.get(f"/api/v2/payment/refunds/{created['payment_refund_id']}")
    assert fetched.status_code == 200 and fetched.json() == created


@pytest.mark.parametrize("key", [False, "not-a-uuid", "order-12345-retry"])
def test_idempotency_key_must_be_a_uuid(uq, completed_payment, key):
    response = refund(uq, body_for(completed_payment), key=key)
    assert response.status_code == 400
    assert set(response.json()) == {"code", "message"}
    assert "x-idempotency-key" in response.json()["message"]
    assert not Refund.objects.exists()


def test_replay_and_conflict(uq, completed_payment):
    key = str(uuid.uuid4())
    first = refund(uq, body_for(completed_payment), key)
    again = refund(uq, body_for(completed_payment), key)
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    conflict = refund(uq, body_for(completed_payment, amount="1.00"), key)
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "idempotency_key_reused"
    assert Refund.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [({"amount": 10.01}, 422, "invalid_type"), ({"amount": "ten"}, 422, "invalid_type"),
     ({"amount": "0"}, 422, "invalid_amount"), ({"amount": "-1.00"}, 422, "invalid_type"),
     ({"amount": "1.001"}, 422, "invalid_type"), ({"amount": "1" * 10}, 422, "invalid_type"),
     ({"amount": "100.01"}, 422, "amount_exceeds_balance"),
     ({"reason": "x" * 101}, 422, None), ({"payment_intent_id": "x" * 37}, 422, None),
     ({"payment_intent_id": "pay_000000000000000000000000"}, 404, "resource_missing")],
)
def test_bad_input(uq, completed_payment, overrides, status, code):
    response = refund(uq, body_for(completed_payment, **overrides))
    assert response.status_code == status
    assert set(response.json()) == {"code", "message"}
    if code:
        assert response.json()["code"] == code
    assert not Refund.objects.exists()


def test_missing_fields_are_named(uq, completed_payment):
    response = refund(uq, {})
    assert response.status_code == 422
    message = response.json()["message"]
    for field in ("payment_intent_id", "amount", "reason"):
        assert field in message


def test_fully_refunded_is_409(uq, completed_payment):
    refund(uq, body_for(completed_payment, amount="100.00"))
    response = refund(uq, body_for(completed_payment, amount="1.00"))
    assert response.status_code == 409 and response.json()["code"] == "already_refunded"


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_X_AUTH_TOKEN": STANDARD_KEY},
     {"HTTP_X_AUTH_TOKEN": STANDARD_KEY, "HTTP_X_CLIENT_ID": "demo_client_admin"},
     {"HTTP_X_AUTH_TOKEN": "nope", "HTTP_X_CLIENT_ID": "demo_client_standard"}],
)
def test_bad_credentials_are_401(demo, completed_payment, headers):
    client = APIClient()
    client.credentials(**headers)
    response = refund(client, body_for(completed_payment))
    assert response.status_code == 401 and set(response.json()) == {"code", "message"}


def test_read_only_key_cannot_refund(demo, completed_payment):
    client = uqpay_client(READONLY_CLIENT_ID, READONLY_KEY)
    uqpay_error(refund(client, body_for(completed_payment)), 403, code="insufficient_scope",
                message="This credential lacks the 'refunds:write' scope.")
    assert not Refund.objects.exists()


def test_unknown_refund_is_404(uq):
    response = uq.get("/api/v2/payment/refunds/ref_nope")
    assert response.status_code == 404
    assert response.json() == {
        "code": "resource_missing", "message": "Refund 'ref_nope' not found."
    }
