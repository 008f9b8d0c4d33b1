"""The devdraft dialect's wire format, over the Django test client."""

import uuid

import pytest
from rest_framework.test import APIClient

from payments.models import Payment
from refunds.models import Refund
from tests.support.credentials import STANDARD_KEY
from tests.support.errors import devdraft_error

BODY = {"amount": 100.00, "currency": "USD", "description": "Test payment for order #12345",
        "customerId": "cus_12345"}


def devdraft_client(client_id="demo_client_standard", secret=STANDARD_KEY, style="x-client"):
    client = APIClient()
    names = ("x-client-key", "x-client-secret") if style == "x-client" else (
        "Client-Key", "Client-Secret")
    client.credentials(**{f"HTTP_{names[0].upper().replace('-', '_')}": client_id,
                          f"HTTP_{names[1].upper().replace('-', '_')}": secret})
    return client


@pytest.fixture
def dd(demo):
    return devdraft_client()


def create(client, body=BODY, key=None):
    headers = {} if key is False else {"Idempotency-Key": key or str(uuid.uuid4())}
    return client.post("/api/v0/test-payment", body, format="json", headers=headers)


def test_create_answers_devdrafts_body(dd):
    response = create(dd)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "amount", "currency", "status", "timestamp"}
    assert body["status"] == "succeeded"
    assert b'"amount":100.00' in response.content
    assert body["timestamp"].endswith("Z") and len(body["timestamp"]) == 24
    payment = Payment.objects.get(public_id=body["id"])
    assert (payment.customer_id, payment.description) == ("cus_12345", BODY["description"])


def test_client_key_and_secret_headers_of_the_seed_curl(demo):
    response = create(devdraft_client(style="Client"))
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["currency"]) == ("succeeded", "USD")
    assert Payment.objects.get(public_id=body["id"]).account.public_id == "acct_demo"


def test_a_payment_made_here_shows_on_v1(dd, api):
    payment_id = create(dd).json()["id"]
    v1 = api.get(f"/v1/payments/{payment_id}").json()
    assert (v1["status"], v1["amount"]) == ("completed", 100.0)


@pytest.mark.parametrize("key", [False, "abc", "x" * 65, "bad key!"])
def test_missing_or_malformed_idempotency_key_is_devdrafts_400(dd, key):
    response = create(dd, key=key)
    assert response.status_code == 400
    assert response.json() == {
        "statusCode": 400,
        "message": "The idempotency-key header is required for POST requests",
    }
    assert not Payment.objects.exists()


def test_replay_and_conflict(dd):
    key = str(uuid.uuid4())
    first = create(dd, key=key)
    again = create(dd, key=key)
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    conflict = create(dd, {**BODY, "amount": 101.00}, key=key)
    assert conflict.status_code == 409
    assert conflict.json() == {
        "statusCode": 409,
        "message": "Conflict: Idempotency key already used with different request data",
    }
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("client", "status"),
    [(APIClient(), 401), (None, 401), ("readonly", 403)],
)
def test_credential_errors_use_the_dialect_shape(demo, client, status):
    if client is None:
        client = devdraft_client(client_id="demo_client_admin")  # secret of another key
    elif client == "readonly":
        client = devdraft_client("demo_client_readonly", "demo_key_readonly_9f8g7h6j5k4l3m2n")
    response = create(client)
    assert response.status_code == status
    assert set(response.json()) == {"statusCode", "message"}
    assert response.json()["statusCode"] == status


def test_only_one_of_the_pair_is_401(demo):
    client = APIClient()
    client.credentials(HTTP_X_CLIENT_KEY="demo_client_standard")
    devdraft_error(create(client), 401,
                   message="Both x-client-key and x-client-secret headers are required.")
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    "override",
    [{"amount": "100"}, {"amount": -1}, {"amount": 0}, {"amount": 10.001},
     {"currency": "XYZ"}, {"description": None}, {"customerId": 5}],
)
def test_bad_input_is_422_in_the_dialect_shape(dd, override):
    response = create(dd, {**BODY, **override})
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"statusCode", "message"} and body["statusCode"] == 422
    assert body["message"].split(":")[0] in {"amount", "currency", "description", "customerId"}


def test_a_decline_is_402_with_the_failed_payment(dd):
    response = create(dd, {**BODY, "amount": 13.00})
    assert response.status_code == 402
    body = response.json()
    assert body["statusCode"] == 402 and body["status"] == "failed"
    assert body["message"] == "Payment declined: card_declined"
    assert Payment.objects.get(public_id=body["id"]).status == "failed"


def test_get(dd):
    created = create(dd).json()
    response = dd.get(f"/api/v0/test-payment/{created['id']}")
    assert response.status_code == 200 and response.json() == created


def test_get_unknown_is_404_in_the_dialect_shape(dd):
    response = dd.get("/api/v0/test-payment/pay_nope")
    assert response.status_code == 404
    assert response.json() == {"statusCode": 404, "message": "Payment 'pay_nope' not found."}


def test_unknown_route_is_404_in_the_dialect_shape(dd):
    assert dd.get("/api/v0/nothing-here").json()["statusCode"] == 404


def test_refund_with_no_body_refunds_everything(dd):
    payment_id = create(dd).json()["id"]
    response = dd.post(f"/api/v0/test-payment/{payment_id}/refund",
                       headers={"Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "paymentId", "amount", "status", "timestamp"}
    assert (body["paymentId"], body["amount"], body["status"]) == (payment_id, 100.0,
                                                                   "succeeded")
    assert dd.get(f"/api/v0/test-payment/{payment_id}").json()["status"] == "refunded"


def test_refund_needs_an_idempotency_key(dd):
    payment_id = create(dd).json()["id"]
    response = dd.post(f"/api/v0/test-payment/{payment_id}/refund")
    assert response.status_code == 400
    assert response.json()["message"] == (
        "The idempotency-key header is required for POST requests")
    assert not Refund.objects.exists()


def test_refund_twice_is_409_and_unknown_is_404(dd):
    payment_id = create(dd).json()["id"]
    refund = f"/api/v0/test-payment/{payment_id}/refund"
    dd.post(refund, headers={"Idempotency-Key": str(uuid.uuid4())})
    again = dd.post(refund, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert again.status_code == 409 and again.json()["statusCode"] == 409
    missing = dd.post("/api/v0/test-payment/pay_nope/refund",
                      headers={"Idempotency-Key": str(uuid.uuid4())})
    assert missing.json() == {"statusCode": 404, "message": "Payment 'pay_nope' not found."}


def test_refund_of_a_failed_payment_is_400(dd):
    payment_id = create(dd, {**BODY, "amount": 13.00}).json()["id"]
    response = dd.post(f"/api/v0/test-payment/{payment_id}/refund",
                       headers={"Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 400 and response.json()["statusCode"] == 400
