"""What one account's test controls may cost the others: delayed answers hold server threads,
so an account has at most `SCENARIO_DELAYS_PER_ACCOUNT` of them at once; at most
`SCENARIOS_PER_ACCOUNT` active scenarios; and a deployment may switch the controls off."""

import pytest
from django.core.cache import cache

from accounts.models import Scenario
from core import sandbox
from payments.models import Payment
from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import ADMIN_KEY, client_for
from tests.support.errors import v1_error
from tests.support.factories import make_account, make_api_key


@pytest.fixture(autouse=True)
def one_delay_each(settings):
    settings.SCENARIO_DELAYS_PER_ACCOUNT = 1
    cache.clear()


def delay(client, *, times: int = 3, delay_ms: int = 50) -> dict:
    response = client.post("/v1/test/scenarios", {
        "operation": "payment.create", "outcome": "delay", "delay_ms": delay_ms,
        "times": times}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_delayed_answer_takes_the_accounts_slot_and_gives_it_back(demo, admin_api):
    scenario = delay(admin_api)
    response = admin_api.post("/v1/payments", PAYMENT_BODY, format="json")
    assert response.status_code == 201 and response["Sandbox-Scenario"] == scenario["id"]
    assert cache.get(f"sandbox:delay:{demo.pk}:0") is None  # given back once it went out
    assert Scenario.objects.get(public_id=scenario["id"]).remaining == 2


def test_with_its_slots_taken_a_delay_is_429_and_nothing_happens(demo, admin_api):
    scenario = delay(admin_api)
    held = sandbox.delay_slot(account_id=demo.pk, seconds=30)  # a delayed answer in flight
    refused = admin_api.post("/v1/payments", PAYMENT_BODY, format="json",
                             headers={"Idempotency-Key": "delay-429-1"})
    error = v1_error(refused, 429, type="rate_limit_error", code="too_many_delayed_requests")
    assert "delayed answers in flight" in error["message"] and refused["Retry-After"] == "1"
    assert not Payment.objects.exists()  # refused before anything was written
    assert Scenario.objects.get(public_id=scenario["id"]).remaining == 3  # nothing used up
    sandbox.release_delay_slot(held)
    retried = admin_api.post("/v1/payments", PAYMENT_BODY, format="json",
                             headers={"Idempotency-Key": "delay-429-1"})  # the key was freed
    assert retried.status_code == 201 and retried["Sandbox-Scenario"] == scenario["id"]


def test_one_accounts_delays_take_no_slot_of_another(demo, admin_api):
    delay(admin_api)
    sandbox.delay_slot(account_id=demo.pk, seconds=30)  # the demo account's one slot
    other = make_account()
    other_admin = client_for(make_api_key(other).secret)
    scenario = delay(other_admin)
    response = other_admin.post("/v1/payments", PAYMENT_BODY, format="json")
    assert response.status_code == 201 and response["Sandbox-Scenario"] == scenario["id"]


def test_at_most_so_many_active_scenarios(demo, admin_api, settings):
    settings.SCENARIOS_PER_ACCOUNT = 3
    for _ in range(3):
        delay(admin_api, times=1)
    refused = admin_api.post("/v1/test/scenarios", {
        "operation": "payment.create", "outcome": "decline"}, format="json")
    error = v1_error(refused, 422, code="too_many_scenarios")
    assert error["errors"] == [{"field": None, "code": "too_many_scenarios",
                                "message": error["message"]}]
    assert "at most 3 active scenarios" in error["message"]
    admin_api.post("/v1/payments", PAYMENT_BODY, format="json")  # uses one up: 2 active
    assert admin_api.post("/v1/test/scenarios", {
        "operation": "payment.create", "outcome": "decline"}, format="json").status_code == 201


def test_switched_off_the_test_controls_are_no_route_and_have_no_effect(demo, admin_api,
                                                                      settings):
    delay(admin_api, delay_ms=30_000)
    assert admin_api.post("/v1/test/clock/advance", {"seconds": 86400},
                          format="json").status_code == 200
    settings.SANDBOX_TEST_CONTROLS = False
    for method, path in (("get", "/v1/test/scenarios"), ("post", "/v1/test/reset"),
                         ("get", "/v1/test/clock"), ("post", "/v1/test/clock/advance")):
        response = getattr(client_for(ADMIN_KEY), method)(path, {}, format="json")
        v1_error(response, 404, type="not_found", code="route_not_found")
    created = admin_api.post("/v1/payments", PAYMENT_BODY, format="json")
    assert created.status_code == 201 and "Sandbox-Scenario" not in created  # no delay
    payment = Payment.objects.get(public_id=created.json()["id"])
    demo.refresh_from_db()
    assert demo.clock_offset_seconds == 86400  # kept, but not read
    assert abs((payment.created_at - payment.updated_at).total_seconds()) < 1
    from django.utils import timezone
    assert abs((timezone.now() - payment.created_at).total_seconds()) < 60  # the wall clock


def test_another_accounts_scenario_never_shapes_this_accounts_requests(demo, api):
    """A decline scenario of another account (on every surface, matching everything) is not
    this account's: its payment completes and the scenario is left as it was (this account
    has a scenario of its own, so its requests do look for one)."""
    assert client_for(ADMIN_KEY).post("/v1/test/scenarios", {
        "operation": "refund.create", "outcome": "fail"}, format="json").status_code == 201
    other = make_account()
    theirs = client_for(make_api_key(other).secret).post("/v1/test/scenarios", {
        "operation": "payment.create", "outcome": "decline", "times": 5}, format="json")
    assert theirs.status_code == 201
    demo.refresh_from_db()
    response = api.post("/v1/payments", PAYMENT_BODY, format="json")
    assert response.status_code == 201 and response.json()["status"] == "completed"
    assert "Sandbox-Scenario" not in response
    assert Scenario.objects.get(public_id=theirs.json()["id"]).remaining == 5
