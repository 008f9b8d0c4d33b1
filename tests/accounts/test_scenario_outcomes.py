"""Every outcome of the scenario table, on every surface it applies to, in that surface's
shape; how scenarios count down, match, and meet idempotency."""

import uuid
from decimal import Decimal

import pytest
from django.tasks import default_task_backend

from accounts.models import Scenario
from api.models import IdempotencyKey
from payments.models import Payment
from payments.services import payment_settle
from refunds.models import Refund
from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import devdraft_client, uqpay_client
from tests.support.errors import v1_error
from tests.support.factories import make_endpoint, make_payment
from webhooks_app.models import Delivery, Event

DEVDRAFT_BODY = {"amount": 49.99, "currency": "USD", "description": "Order"}


@pytest.fixture
def scenario(admin_api):
    def create(**body):
        response = admin_api.post("/v1/test/scenarios", body, format="json")
        assert response.status_code == 201, response.content
        return response.json()
    return create


@pytest.fixture
def devdraft(demo):
    return devdraft_client()


@pytest.fixture
def uqpay(demo):
    return uqpay_client()


def post(client, path, body, key=None, header="Idempotency-Key"):
    headers = {header: key or str(uuid.uuid4())}
    return client.post(path, body, format="json", headers=headers)


def v1_create(api, key=None, **overrides):
    return post(api, "/v1/payments", {**PAYMENT_BODY, **overrides}, key)


def devdraft_create(devdraft, key=None):
    return post(devdraft, "/api/v0/test-payment", DEVDRAFT_BODY, key)


def remaining(scenario_id: str) -> int:
    return Scenario.objects.get(public_id=scenario_id).remaining


# --- payment.create -------------------------------------------------------------------------

def test_decline_on_v1_is_the_stored_failed_payment(api, scenario):
    shaped = scenario(operation="payment.create", outcome="decline",
                      decline_code="insufficient_funds")
    response = v1_create(api)
    assert response.status_code == 402
    assert (response.json()["status"], response.json()["failure_reason"]) == (
        "failed", "insufficient_funds")
    assert response["Sandbox-Scenario"] == shaped["id"]
    assert Payment.objects.get().status == "failed"
    assert remaining(shaped["id"]) == 0
    normal = v1_create(api)
    assert normal.status_code == 201 and "Sandbox-Scenario" not in normal


def test_decline_on_devdraft_in_its_shape(devdraft, scenario):
    shaped = scenario(operation="payment.create", outcome="decline", decline_code="lost_card")
    response = devdraft_create(devdraft)
    assert response.status_code == 402
    body = response.json()
    assert (body["statusCode"], body["status"]) == (402, "failed")
    assert "lost_card" in body["message"]
    assert response["Sandbox-Scenario"] == shaped["id"]


@pytest.mark.parametrize(("outcome", "status", "code"), [
    ("server_error", 500, "simulated_server_error"),
    ("unavailable", 503, "simulated_unavailable"),
])
def test_outages_on_v1_store_nothing_and_leave_the_key_free(api, scenario, outcome, status,
                                                            code):
    shaped = scenario(operation="payment.create", outcome=outcome)
    response = v1_create(api, key="outage-key-1")
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["type"], error["code"], error["status"]) == ("api_error", code, status)
    assert response["Sandbox-Scenario"] == shaped["id"]
    if outcome == "unavailable":
        assert response["Retry-After"] == "1"
    assert not Payment.objects.exists() and not IdempotencyKey.objects.exists()
    assert remaining(shaped["id"]) == 0  # the count-down committed though nothing else did
    retry = v1_create(api, key="outage-key-1")
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(("outcome", "status"), [("server_error", 500), ("unavailable", 503)])
def test_outages_on_devdraft_in_its_shape(devdraft, scenario, outcome, status):
    scenario(operation="payment.create", outcome=outcome)
    response = devdraft_create(devdraft)
    assert response.status_code == status
    assert response.json()["statusCode"] == status and response.json()["message"]
    assert not Payment.objects.exists()


def test_an_outage_without_an_idempotency_key(api, scenario):
    shaped = scenario(operation="payment.create", outcome="server_error")
    response = api.post("/v1/payments", PAYMENT_BODY, format="json")
    v1_error(response, 500, type="api_error", code="simulated_server_error")
    assert response["Sandbox-Scenario"] == shaped["id"]
    assert not Payment.objects.exists()


def test_delay_commits_then_answers_late(api, scenario):
    shaped = scenario(operation="payment.create", outcome="delay", delay_ms=200)
    response = v1_create(api, key="delayed-key-1")
    assert response.status_code == 201 and response["Sandbox-Scenario"] == shaped["id"]
    assert float(response["X-Response-Time"]) >= 200
    record = IdempotencyKey.objects.get(key="delayed-key-1")
    assert record.replay_after is not None  # held back until the first answer has gone out
    replay = v1_create(api, key="delayed-key-1")
    assert replay["Idempotent-Replayed"] == "true" and replay.content == response.content
    assert Payment.objects.count() == 1


def test_the_surface_of_a_scenario_chooses_the_requests_it_shapes(api, devdraft, scenario):
    shaped = scenario(operation="payment.create", outcome="decline", surface="devdraft")
    assert v1_create(api).status_code == 201
    assert devdraft_create(devdraft).status_code == 402
    assert remaining(shaped["id"]) == 0


def test_match_chooses_the_operations_it_shapes(api, scenario):
    scenario(operation="payment.create", outcome="decline",
             match={"currency": "EUR", "amount": 12.5, "payment_method": "wallet"})
    assert v1_create(api, currency="EUR", amount=12.5).status_code == 201  # card, not wallet
    assert v1_create(api, currency="USD", amount=12.5, payment_method="wallet"
                     ).status_code == 201
    assert v1_create(api, currency="EUR", amount=12.50, payment_method="wallet"
                     ).status_code == 402


def test_times_count_down_oldest_scenario_first(api, scenario):
    older = scenario(operation="payment.create", outcome="decline", times=2)
    newer = scenario(operation="payment.create", outcome="server_error")
    assert [v1_create(api).status_code for _ in range(4)] == [402, 402, 500, 201]
    assert (remaining(older["id"]), remaining(newer["id"])) == (0, 0)


def test_replays_consume_nothing(api, scenario):
    shaped = scenario(operation="payment.create", outcome="decline", times=2)
    first = v1_create(api, key="replayed-key-1")
    replay = v1_create(api, key="replayed-key-1")
    assert replay.content == first.content and replay["Idempotent-Replayed"] == "true"
    assert remaining(shaped["id"]) == 1


def test_scenarios_come_before_test_methods_and_amount_triggers(api, scenario):
    scenario(operation="payment.create", outcome="decline", times=2,
             decline_code="do_not_honor")
    declined = v1_create(api, payment_method_id="pm_test_success").json()
    assert declined["failure_reason"] == "do_not_honor"
    unknown = v1_create(api, payment_method_id="pm_no_such_method")
    assert unknown.status_code == 402  # not 404: the scenario answered first
    assert (unknown.json()["status"], unknown.json()["failure_reason"]) == (
        "failed", "do_not_honor")
    scenario(operation="payment.create", outcome="server_error")
    assert v1_create(api, amount=113.00).status_code == 500  # not the 13.00 decline


def test_operations_outside_an_api_request_are_not_shaped(demo, scenario):
    """The admin, commands and tasks of the operator are not the integrator's requests."""
    shaped = scenario(operation="payment.create", outcome="server_error")
    payment = make_payment(demo, 5000, "USD")
    assert payment.status == "completed" and remaining(shaped["id"]) == 1


# --- payment.cancel -------------------------------------------------------------------------

@pytest.fixture
def pending(api):
    return v1_create(api, payment_method="bank_transfer").json()["id"]


@pytest.mark.parametrize(("outcome", "status"), [("server_error", 500), ("unavailable", 503)])
def test_cancel_outages_leave_the_payment_pending(api, scenario, pending, outcome, status):
    scenario(operation="payment.cancel", outcome=outcome)
    response = post(api, f"/v1/payments/{pending}/cancel", {}, key="cancel-key-1")
    code = {500: "simulated_server_error", 503: "simulated_unavailable"}[status]
    v1_error(response, status, type="api_error", code=code)
    assert Payment.objects.get(public_id=pending).status == "pending"
    retry = post(api, f"/v1/payments/{pending}/cancel", {}, key="cancel-key-1")
    assert retry.status_code == 200 and retry.json()["status"] == "cancelled"


def test_cancel_delay(api, scenario, pending):
    shaped = scenario(operation="payment.cancel", outcome="delay", delay_ms=100)
    response = post(api, f"/v1/payments/{pending}/cancel", {})
    assert response.status_code == 200 and response["Sandbox-Scenario"] == shaped["id"]
    assert float(response["X-Response-Time"]) >= 100


# --- refund.create --------------------------------------------------------------------------

@pytest.fixture
def paid(api):
    return v1_create(api).json()["id"]


def refund_events():
    return list(Event.objects.filter(type__startswith="refund.").order_by("id")
                .values_list("type", flat=True))


def test_refund_fail_on_v1_is_a_stored_failed_refund_and_the_balance_is_untouched(
        api, scenario, paid):
    shaped = scenario(operation="refund.create", outcome="fail", decline_code="expired_card")
    response = post(api, f"/v1/payments/{paid}/refund", {"amount": 10})
    assert response.status_code == 201 and response["Sandbox-Scenario"] == shaped["id"]
    assert (response.json()["status"], response.json()["failure_reason"]) == (
        "failed", "expired_card")
    payment = Payment.objects.get(public_id=paid)
    assert (payment.status, payment.refunded_minor) == ("completed", 0)
    assert refund_events() == ["refund.created", "refund.failed"]
    assert not Event.objects.filter(type="payment.refunded").exists()
    assert post(api, f"/v1/payments/{paid}/refund", {}).json()["amount"] == 49.99


def test_refund_fail_on_devdraft_and_uqpay_in_their_shapes(devdraft, uqpay, scenario, paid):
    scenario(operation="refund.create", outcome="fail", times=2)
    dd = post(devdraft, f"/api/v0/test-payment/{paid}/refund", {"amount": 1})
    assert (dd.status_code, dd.json()["status"]) == (200, "failed")
    uq = post(uqpay, "/api/v2/payment/refunds",
              {"payment_intent_id": paid, "amount": "1.00", "reason": "Return good"},
              key=str(uuid.uuid4()), header="x-idempotency-key")
    assert (uq.status_code, uq.json()["refund_status"]) == (200, "FAILED")
    assert Refund.objects.filter(status="failed").count() == 2


@pytest.mark.parametrize(("surface", "status"), [
    ("v1", 500), ("devdraft", 500), ("uqpay", 500), ("v1", 503), ("uqpay", 503)])
def test_refund_outages_on_each_surface(api, devdraft, uqpay, scenario, paid, surface, status):
    scenario(operation="refund.create",
             outcome="server_error" if status == 500 else "unavailable", surface=surface)
    if surface == "v1":
        response = post(api, f"/v1/payments/{paid}/refund", {})
        assert response.json()["error"]["status"] == status
    elif surface == "devdraft":
        response = post(devdraft, f"/api/v0/test-payment/{paid}/refund", {})
        assert response.json()["statusCode"] == status
    else:
        response = post(uqpay, "/api/v2/payment/refunds",
                        {"payment_intent_id": paid, "amount": "1.00", "reason": "r"},
                        key=str(uuid.uuid4()), header="x-idempotency-key")
        assert response.json()["code"].startswith("simulated_")
    assert response.status_code == status and not Refund.objects.exists()


def test_refund_delay(api, scenario, paid):
    scenario(operation="refund.create", outcome="delay", delay_ms=100)
    response = post(api, f"/v1/payments/{paid}/refund", {})
    assert response.status_code == 201 and float(response["X-Response-Time"]) >= 100


# --- payment.settle -------------------------------------------------------------------------

def test_settle_fail_moves_a_pending_payment_to_failed(api, scenario, demo):
    scenario(operation="payment.settle", outcome="fail", decline_code="insufficient_funds",
             match={"payment_method": "bank_transfer"})
    crypto = v1_create(api, payment_method="crypto").json()["id"]
    transfer = v1_create(api, payment_method="bank_transfer").json()["id"]
    assert payment_settle(payment_id=crypto).status == "completed"
    failed = payment_settle(payment_id=transfer)
    assert (failed.status, failed.failure_reason) == ("failed", "insufficient_funds")
    assert Event.objects.filter(type="payment.failed", object_id=transfer).exists()
    assert not Event.objects.filter(type="payment.completed", object_id=transfer).exists()


# --- webhook.delivery -----------------------------------------------------------------------

def test_delay_holds_the_first_attempt_back(api, scenario, demo,
                                            django_capture_on_commit_callbacks):
    make_endpoint(demo, "https://example.com/hook", ["payment.created"])
    scenario(operation="webhook.delivery", outcome="delay", delay_ms=30_000)
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        v1_create(api)
    delivery = Delivery.objects.get()
    event = Event.objects.get(type="payment.created")
    assert (delivery.scheduled_for - event.created_at).total_seconds() == pytest.approx(30, 0.1)
    [queued] = [r for r in default_task_backend.results if r.task.name == "attempt_delivery"]
    assert queued.task.run_after is not None


def test_amounts_match_by_value(api, scenario):
    scenario(operation="payment.create", outcome="decline", match={"amount": 50.5})
    assert v1_create(api, amount=Decimal("50.51")).status_code == 201
    assert v1_create(api, amount=Decimal("50.50")).status_code == 402
