"""`/v1` refund endpoints."""

import json

import pytest
from django.core.cache import cache

from core.periodic import SCHEDULE_CACHE_KEY
from refunds.models import Refund
from tests.support.credentials import READONLY_KEY, client_for
from tests.support.errors import v1_error


def post_refund(api, payment_id, body=None, **headers):
    raw = "" if body is None else (body if isinstance(body, str) else json.dumps(body))
    return api.post(f"/v1/payments/{payment_id}/refund", raw,
                    content_type="application/json", headers=headers)


def test_refund_answers_201_with_the_refund_object(api, completed_payment):
    response = post_refund(api, completed_payment.public_id,
                           {"amount": 25.00, "reason": "requested_by_customer"})
    assert response.status_code == 201
    body = response.json()
    assert body["id"].startswith("ref_") and len(body["id"]) == 28
    assert body["object"] == "refund"
    assert body["payment_id"] == completed_payment.public_id
    assert body["amount"] == 25.0 and b'"amount":25.00' in response.content
    assert (body["reason"], body["status"], body["failure_reason"]) == (
        "requested_by_customer", "completed", None)
    payment = api.get(f"/v1/payments/{completed_payment.public_id}").json()
    assert (payment["status"], payment["refunded_amount"]) == ("partially_refunded", 25.0)


def test_empty_body_refunds_everything(api, completed_payment):
    assert post_refund(api, completed_payment.public_id).json()["amount"] == 100.0
    payment = api.get(f"/v1/payments/{completed_payment.public_id}").json()
    assert payment["status"] == "refunded"


def test_null_amount_means_not_given(api, completed_payment):
    response = post_refund(api, completed_payment.public_id, {"amount": None, "reason": None})
    assert response.status_code == 201 and response.json()["amount"] == 100.0


def test_get_and_list_refunds(api, completed_payment):
    first = post_refund(api, completed_payment.public_id, {"amount": 10}).json()
    second = post_refund(api, completed_payment.public_id, {"amount": 20}).json()
    assert api.get(f"/v1/refunds/{first['id']}").json() == first
    listing = api.get(f"/v1/payments/{completed_payment.public_id}/refunds").json()
    assert [r["id"] for r in listing["data"]] == [second["id"], first["id"]]
    assert listing["total_count"] == 2 and listing["object"] == "list"


@pytest.mark.parametrize(
    ("body", "status", "param"),
    [({"amount": 0}, 422, "amount"), ({"amount": -1}, 422, "amount"),
     ({"amount": 10.001}, 422, "amount"), ({"amount": 100.01}, 422, "amount"),
     ({"amount": "10"}, 422, "amount"), ({"reason": "because"}, 422, "reason"),
     ({"metadata": {"a": 1}}, 422, "metadata")],
)
def test_bad_refund_input(api, completed_payment, body, status, param):
    response = post_refund(api, completed_payment.public_id, body)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["param"] == param
    assert error["errors"][0]["field"] == param
    assert not Refund.objects.exists()


def test_refund_of_a_failed_payment_is_400(api, create_payment):
    payment_id = create_payment(amount=13.00).json()["id"]
    response = post_refund(api, payment_id)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        f"Payment '{payment_id}' cannot be refunded. Current status: 'failed'."
    )


def test_refund_of_a_pending_payment_is_400(api, create_payment):
    payment_id = create_payment(payment_method="bank_transfer").json()["id"]
    v1_error(post_refund(api, payment_id), 400, type="invalid_request",
             code="payment_not_refundable",
             message=f"Payment '{payment_id}' cannot be refunded. Current status: 'pending'.")
    assert not Refund.objects.exists()


def test_refund_of_a_fully_refunded_payment_is_409(api, completed_payment):
    post_refund(api, completed_payment.public_id)
    response = post_refund(api, completed_payment.public_id, {"amount": 1})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_refunded"


def test_unknown_payment_and_refund_are_404(api, demo):
    missing_payment = {"type": "not_found", "code": "resource_missing", "param": "payment_id",
                       "message": "Payment 'pay_nope' not found."}
    v1_error(post_refund(api, "pay_nope"), 404, **missing_payment)
    v1_error(api.get("/v1/payments/pay_nope/refunds"), 404, **missing_payment)
    v1_error(api.get("/v1/refunds/ref_nope"), 404, type="not_found", code="resource_missing",
             param="refund_id", message="Refund 'ref_nope' not found.")


def test_refunds_need_refunds_write(completed_payment):
    reader = client_for(READONLY_KEY)
    v1_error(post_refund(reader, completed_payment.public_id), 403, type="permission_error",
             code="insufficient_scope", message="This credential lacks the 'refunds:write' scope.")
    assert not Refund.objects.exists()


def test_refund_is_idempotent(api, completed_payment):
    first = post_refund(api, completed_payment.public_id, {"amount": 10},
                        **{"Idempotency-Key": "refund-123456"})
    again = post_refund(api, completed_payment.public_id, {"amount": 10},
                        **{"Idempotency-Key": "refund-123456"})
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert Refund.objects.count() == 1
    conflict = post_refund(api, completed_payment.public_id, {"amount": 11},
                           **{"Idempotency-Key": "refund-123456"})
    v1_error(conflict, 409, type="idempotency_error", code="idempotency_key_reused")
    assert Refund.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("database_tasks")
def test_refund_query_ceiling(api, completed_payment, count_queries):
    """Data: auth, key pre-read, claim INSERT, payment lock, refund INSERT, payment UPDATE,
    events INSERT, response UPDATE; plus BEGIN, SAVEPOINT, RELEASE, COMMIT."""
    api.get("/v1/payments")
    cache.set(SCHEDULE_CACHE_KEY, True)
    with count_queries(statements=12, queries=8):
        response = post_refund(api, completed_payment.public_id, {"amount": 10},
                               **{"Idempotency-Key": "refund-queries"})
        assert response.status_code == 201
