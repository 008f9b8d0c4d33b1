"""`/v1/payments` as a client sees it: the documented examples plus bad input of every kind."""

import json

import pytest
from django.core.cache import cache

from accounts.services import scenario_create
from core.periodic import SCHEDULE_CACHE_KEY
from payments.models import Payment
from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import ADMIN_KEY, READONLY_KEY, client_for
from tests.support.errors import v1_error
from tests.support.factories import make_account, make_api_key


def post_raw(api, body: str, **headers):
    return api.post("/v1/payments", body, content_type="application/json", headers=headers)


def test_create_answers_201_with_the_payment_object(create_payment):
    response = create_payment()
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {
        "id", "object", "amount", "currency", "description", "customer_email",
        "payment_method", "metadata", "status", "created_at", "updated_at",
        "idempotency_key", "failure_reason", "refunded_amount", "livemode",
    }
    assert body["id"].startswith("pay_") and len(body["id"]) == 28
    assert body["object"] == "payment"
    assert body["status"] == "completed"
    assert body["metadata"] == PAYMENT_BODY["metadata"]
    assert body["idempotency_key"] is None
    assert body["failure_reason"] is None
    assert body["livemode"] is False
    assert body["created_at"].endswith("+00:00")


def test_amounts_are_json_numbers_with_the_currencys_digits(api, demo):
    body = dict(PAYMENT_BODY)
    body["amount"] = 100
    response = post_raw(api, json.dumps(body))
    assert b'"amount":100.00' in response.content
    assert b'"refunded_amount":0.00' in response.content
    body.update(amount=1500, currency="JPY")
    assert b'"amount":1500,' in post_raw(api, json.dumps(body)).content


def test_amount_is_stored_in_minor_units_without_float_error(api, demo):
    body = json.dumps(PAYMENT_BODY).replace("49.99", "1.07")
    payment_id = post_raw(api, body).json()["id"]
    assert Payment.objects.get(public_id=payment_id).amount_minor == 107


def test_precision_is_judged_by_value(api, demo):
    raw = json.dumps({**PAYMENT_BODY, "currency": "JPY"}).replace("49.99", "1500.00")
    response = post_raw(api, raw)
    assert response.status_code == 201
    assert response.json()["amount"] == 1500


@pytest.mark.parametrize(
    ("amount", "code"),
    [("-5", "invalid_amount"), ("0", "invalid_amount"), ("NaN", "invalid_type"),
     ("Infinity", "invalid_type"), ("-Infinity", "invalid_type"), ('"49.99"', "invalid_type"),
     ("true", "invalid_type"), ("null", None), ("49.999", "invalid_precision"),
     ("0.49", "amount_too_small"), ("1000000.00", "amount_too_large"), ("[1]", "invalid_type")],
)
def test_bad_amounts_are_422_on_the_amount_field(api, demo, amount, code):
    raw = json.dumps(PAYMENT_BODY).replace("49.99", amount)
    response = post_raw(api, raw)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["type"] == "validation_error"
    assert error["param"] == "amount"
    assert error["errors"][0]["field"] == "amount"
    if code:
        assert error["errors"][0]["code"] == code
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("override", "field"),
    [({"currency": "XYZ"}, "currency"), ({"currency": 840}, "currency"),
     ({"description": "x" * 501}, "description"), ({"description": 5}, "description"),
     ({"customer_email": "not-an-email"}, "customer_email"),
     ({"payment_method": "cheque"}, "payment_method"),
     ({"payment_method_id": "card_123"}, "payment_method_id"),
     ({"metadata": {f"k{i}": "v" for i in range(21)}}, "metadata"),
     ({"metadata": ["a"]}, "metadata"), ({"metadata": {"n": 5}}, "metadata")],
)
def test_bad_fields_are_422_naming_the_field(create_payment, field, override):
    response = create_payment(**override)
    assert response.status_code == 422
    assert response.json()["error"]["errors"][0]["field"] == field
    assert not Payment.objects.exists()


def test_missing_required_fields_are_all_reported(api, demo):
    response = post_raw(api, "{}")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["error"]["errors"]}
    assert fields == {"amount", "currency", "description", "customer_email"}
    assert all(e["code"] == "required" for e in response.json()["error"]["errors"])


def test_body_that_is_not_an_object_is_422(api, demo):
    error = v1_error(post_raw(api, "[1, 2]"), 422, type="validation_error")
    assert error["errors"][0]["field"] is None  # the body as a whole, no field of it
    assert "Expected a dictionary" in error["errors"][0]["message"]


def test_metadata_of_20_keys_is_fine(create_payment):
    metadata = {f"k{i}": "v" for i in range(20)}
    response = create_payment(metadata=metadata)
    assert response.status_code == 201
    assert response.json()["metadata"] == metadata


def test_currency_is_case_insensitive(create_payment):
    assert create_payment(currency="eur").json()["currency"] == "EUR"


@pytest.mark.parametrize(
    ("amount", "reason"),
    [(13.00, "card_declined"), (66.60, "insufficient_funds"), (9100, "amount_exceeds_limit")],
)
def test_declines_answer_402_with_the_stored_failed_payment(create_payment, amount, reason):
    response = create_payment(amount=amount)
    assert response.status_code == 402
    body = response.json()
    assert (body["status"], body["failure_reason"]) == ("failed", reason)
    assert Payment.objects.get(public_id=body["id"]).status == "failed"


@pytest.mark.parametrize(
    ("method_id", "reason"),
    [("pm_test_decline", "card_declined"), ("pm_test_insufficient_funds", "insufficient_funds"),
     ("pm_test_expired", "expired_card")],
)
def test_test_payment_methods(create_payment, method_id, reason):
    response = create_payment(payment_method_id=method_id)
    assert response.status_code == 402
    assert response.json()["failure_reason"] == reason
    assert response.json()["payment_method_id"] == method_id


def test_pm_test_success_succeeds(create_payment):
    response = create_payment(payment_method_id="pm_test_success")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["failure_reason"], body["payment_method_id"]) == (
        "completed", None, "pm_test_success")


def test_unknown_payment_method_is_404(create_payment):
    response = create_payment(payment_method_id="pm_nope")
    assert response.status_code == 404
    assert response.json()["error"]["param"] == "payment_method_id"
    assert not Payment.objects.exists()


def test_get_and_status(api, create_payment):
    created = create_payment().json()
    fetched = api.get(f"/v1/payments/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == created
    status = api.get(f"/v1/payments/{created['id']}/status").json()
    assert status == {"id": created["id"], "status": "completed", "failure_reason": None,
                      "updated_at": created["updated_at"]}


def test_unknown_payment_is_404_in_the_v1_error_shape(api, demo):
    response = api.get("/v1/payments/pay_000000000000000000000000")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["type"] == "not_found"
    assert error["status"] == 404
    assert error["message"] == "Payment 'pay_000000000000000000000000' not found."


def test_another_accounts_payment_is_invisible(api, demo, create_payment):
    stranger = client_for(make_api_key(make_account(), ["payments:read"]).secret)
    payment_id = create_payment().json()["id"]
    # Exactly as if it did not exist: nothing tells the stranger it belongs to someone.
    v1_error(stranger.get(f"/v1/payments/{payment_id}"), 404, type="not_found",
             code="resource_missing", message=f"Payment '{payment_id}' not found.")
    assert stranger.get("/v1/payments").json()["total_count"] == 0


class TestList:
    @pytest.fixture
    def payments(self, create_payment):
        made = [create_payment(amount=20 + i).json() for i in range(5)]
        made.append(create_payment(amount=13.00).json())  # failed
        made.append(create_payment(currency="EUR", payment_method="bank_transfer").json())
        return made

    def test_page_style_newest_first_with_both_seeds_fields(self, api, payments):
        body = api.get("/v1/payments?page=1&per_page=3").json()
        assert body["object"] == "list"
        assert [p["id"] for p in body["data"]] == [p["id"] for p in reversed(payments)][:3]
        assert body["pagination"] == {"page": 1, "per_page": 3, "total": 7, "total_pages": 3,
                                      "has_more": True}
        assert (body["has_more"], body["total_count"]) == (True, 7)

    def test_last_page(self, api, payments):
        body = api.get("/v1/payments?page=3&per_page=3").json()
        assert len(body["data"]) == 1 and body["has_more"] is False

    def test_offset_style(self, api, payments):
        body = api.get("/v1/payments?limit=2&offset=4").json()
        assert [p["id"] for p in body["data"]] == [payments[2]["id"], payments[1]["id"]]
        assert body["pagination"]["page"] == 3 and body["has_more"] is True

    def test_default_page_size_is_10(self, api, payments):
        assert api.get("/v1/payments").json()["pagination"]["per_page"] == 10

    @pytest.mark.parametrize(
        ("query", "count"),
        [("status=failed", 1), ("status=pending", 1), ("currency=EUR", 1),
         ("status=completed&currency=USD", 5)],
    )
    def test_filters(self, api, payments, query, count):
        assert api.get(f"/v1/payments?{query}").json()["total_count"] == count

    def test_date_filters(self, api, payments):
        created = Payment.objects.get(public_id=payments[3]["id"]).created_at
        stamp = created.isoformat().replace("+00:00", "Z")
        after = api.get("/v1/payments", {"created_after": stamp}).json()
        before = api.get("/v1/payments", {"created_before": stamp}).json()
        assert after["total_count"] == 3
        assert before["total_count"] == 3

    @pytest.mark.parametrize(
        "query",
        ["page=0", "per_page=101", "per_page=abc", "limit=0", "offset=-1", "status=bogus",
         "currency=XYZ", "created_after=yesterday"],
    )
    def test_bad_query_parameters_are_422(self, api, payments, query):
        response = api.get(f"/v1/payments?{query}")
        assert response.status_code == 422
        assert response.json()["error"]["param"] == query.split("=")[0]


class TestCancel:
    def test_cancel_pending_with_reason(self, api, create_payment):
        payment_id = create_payment(payment_method="bank_transfer").json()["id"]
        response = api.post(f"/v1/payments/{payment_id}/cancel",
                            {"reason": "Customer requested cancellation"}, format="json")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "cancelled"
        assert body["cancellation_reason"] == "Customer requested cancellation"
        assert body["cancelled_at"] is not None

    def test_cancel_without_body(self, api, create_payment):
        payment_id = create_payment(payment_method="crypto").json()["id"]
        response = api.post(f"/v1/payments/{payment_id}/cancel")
        assert response.status_code == 200
        body = response.json()
        assert (body["id"], body["status"]) == (payment_id, "cancelled")
        assert body["cancellation_reason"] in ("", None)

    def test_cancel_completed_is_409_with_the_current_status(self, api, create_payment):
        payment_id = create_payment().json()["id"]
        response = api.post(f"/v1/payments/{payment_id}/cancel")
        assert response.status_code == 409
        assert response.json()["error"]["message"] == (
            f"Payment '{payment_id}' cannot be cancelled. Current status: 'completed'."
        )

    def test_cancel_unknown_is_404(self, api, demo):
        v1_error(api.post("/v1/payments/pay_nope/cancel"), 404, type="not_found",
                 code="resource_missing", param="payment_id",
                 message="Payment 'pay_nope' not found.")

    def test_cancel_reason_must_be_a_string(self, api, create_payment):
        payment_id = create_payment(payment_method="crypto").json()["id"]
        response = api.post(f"/v1/payments/{payment_id}/cancel", {"reason": 5}, format="json")
        error = v1_error(response, 422, type="validation_error", param="reason")
        assert error["errors"] == [
            {"field": "reason", "code": "invalid_value", "message": "Must be a string."}]
        assert api.get(f"/v1/payments/{payment_id}").json()["status"] == "pending"


class TestScopes:
    def test_read_only_key_can_read_but_not_write(self, demo, create_payment):
        payment_id = create_payment().json()["id"]
        reader = client_for(READONLY_KEY)
        assert reader.get(f"/v1/payments/{payment_id}").json()["id"] == payment_id
        for refused in (reader.post("/v1/payments", PAYMENT_BODY, format="json"),
                        reader.post(f"/v1/payments/{payment_id}/cancel")):
            v1_error(refused, 403, type="permission_error", code="insufficient_scope",
                     message="This credential lacks the 'payments:write' scope.")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("database_tasks")
class TestQueryCounts:
    """Ceilings of SQL statements per request, authentication included.

    Run outside a test transaction so that atomic blocks are real transactions, and with
    the persistent task backend, as in production: the counts are the statements a request
    really sends, BEGIN, COMMIT and SAVEPOINT included (Django logs them on both PostgreSQL
    and SQLite), and the INSERT of each task it enqueues after commit.
    """

    @pytest.fixture(autouse=True)
    def steady_state(self, api):
        """What every request after the first sees: the key's last-used time was written
        (at most once a minute) and the hourly purge of idempotency keys is scheduled."""
        api.get("/v1/payments")
        cache.set(SCHEDULE_CACHE_KEY, True)

    def test_create(self, api, count_queries):
        """Data: auth, payment INSERT, events INSERT. Plus BEGIN, COMMIT."""
        with count_queries(statements=5, queries=3):
            assert api.post("/v1/payments", PAYMENT_BODY, format="json").status_code == 201

    def test_create_with_idempotency_key(self, api, count_queries):
        """Data: auth, key pre-read, claim INSERT (autocommit), payment INSERT, events
        INSERT, response UPDATE. Plus BEGIN, SAVEPOINT, RELEASE, COMMIT around the work."""
        with count_queries(statements=10, queries=6):
            response = api.post("/v1/payments", PAYMENT_BODY, format="json",
                                headers={"Idempotency-Key": "count-queries-1"})
            assert response.status_code == 201

    def test_replay_costs_no_more_than_a_get(self, api, count_queries):
        headers = {"Idempotency-Key": "count-queries-2"}
        api.post("/v1/payments", PAYMENT_BODY, format="json", headers=headers)
        with count_queries(statements=2, queries=2):
            response = api.post("/v1/payments", PAYMENT_BODY, format="json", headers=headers)
            assert response["Idempotent-Replayed"] == "true"

    def test_get(self, api, create_payment, count_queries):
        payment_id = create_payment().json()["id"]
        with count_queries(statements=2, queries=2):
            assert api.get(f"/v1/payments/{payment_id}").status_code == 200

    def test_list(self, api, create_payment, count_queries):
        for _ in range(15):
            create_payment()
        with count_queries(statements=3, queries=3):
            assert len(api.get("/v1/payments?per_page=20").json()["data"]) == 15

    def test_cancel(self, api, create_payment, count_queries):
        payment_id = create_payment(payment_method="crypto").json()["id"]
        with count_queries(statements=6, queries=4):
            assert api.post(f"/v1/payments/{payment_id}/cancel").status_code == 200

    def test_create_for_an_account_that_has_had_scenarios(self, api, demo, count_queries):
        """One indexed read beyond an account that never had one: `has_scenarios` stays set
        until the last scenario is deleted, and none of this operation is active."""
        scenario_create(account=demo, operation="refund.create", outcome="fail")
        with count_queries(statements=6, queries=4):
            assert api.post("/v1/payments", PAYMENT_BODY, format="json").status_code == 201

    def test_create_for_an_account_with_webhook_endpoints(self, api, count_queries):
        """Beyond an account without endpoints: the SELECT of subscribed endpoints, the
        delivery INSERT and the delivery task's INSERT (one subscribed event here)."""
        webhooks = client_for(ADMIN_KEY)
        assert webhooks.post("/v1/webhooks/endpoints",
                             {"url": "https://example.com/hook", "events": ["payment.created"]},
                             format="json").status_code == 201
        with count_queries(statements=8, queries=6):
            assert api.post("/v1/payments", PAYMENT_BODY, format="json").status_code == 201


def test_list_totals_are_capped_past_the_count_limit(api, create_payment, settings):
    settings.LIST_COUNT_LIMIT = 3
    for _ in range(5):
        create_payment()
    body = api.get("/v1/payments?per_page=2&page=2").json()
    assert body["pagination"]["total"] == 3 and body["pagination"]["total_capped"] is True
    assert body["total_count"] == 3
    assert body["has_more"] is True  # exact: a fifth payment exists beyond page 2
    last = api.get("/v1/payments?per_page=2&page=3").json()
    assert len(last["data"]) == 1 and last["has_more"] is False
    settings.LIST_COUNT_LIMIT = 10
    assert "total_capped" not in api.get("/v1/payments").json()["pagination"]


@pytest.mark.parametrize("serializer_path", ["payments.api.v1.serializers.PaymentSerializer",
                                             "refunds.api.v1.serializers.RefundSerializer"])
def test_fast_rendering_matches_the_declared_fields(api, completed_payment, serializer_path):
    """The hand-written `to_representation` and the fields the schema documents agree."""
    from django.utils.module_loading import import_string
    from rest_framework import serializers

    from refunds.services import refund_create

    serializer_class = import_string(serializer_path)
    refund = refund_create(account=completed_payment.account,
                           payment_id=completed_payment.public_id)
    instance = refund if "Refund" in serializer_path else completed_payment
    fast = serializer_class(instance).data
    slow = serializers.Serializer.to_representation(serializer_class(), instance)
    assert list(fast) == list(slow)
    assert {k: str(v) for k, v in fast.items()} == {k: str(v) for k, v in slow.items()}


@pytest.mark.parametrize("param", ["status", "currency", "created_after"])
def test_an_empty_filter_is_refused_not_ignored(api, param):
    response = api.get(f"/v1/payments?{param}=")
    assert response.status_code == 422
    assert response.json()["error"]["errors"][0]["field"] == param
