"""`/v1/test/scenarios`: creating, listing, reading and deleting scenarios, and the 422s of
combinations the table does not allow."""

import pytest

from accounts.models import Account
from tests.support.credentials import client_for
from tests.support.errors import v1_error
from tests.support.factories import make_account, make_api_key

SCENARIOS = "/v1/test/scenarios"


def create(api, **body):
    return api.post(SCENARIOS, body, format="json")


def test_create_answers_the_contracts_object(admin_api):
    response = create(admin_api, operation="payment.create", outcome="decline",
                      decline_code="insufficient_funds", times=2, surface="any",
                      match={"currency": "usd", "amount": 49.99})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"].startswith("scn_") and body["object"] == "scenario"
    assert {k: body[k] for k in ("operation", "outcome", "decline_code", "delay_ms", "times",
                                 "remaining", "surface", "match")} == {
        "operation": "payment.create", "outcome": "decline",
        "decline_code": "insufficient_funds", "delay_ms": None, "times": 2, "remaining": 2,
        "surface": "any", "match": {"currency": "USD", "amount": 49.99}}
    assert body["created_at"]


def test_defaults(admin_api):
    body = create(admin_api, operation="payment.create", outcome="decline").json()
    assert (body["times"], body["surface"], body["decline_code"], body["match"]) == (
        1, "any", "card_declined", {})


@pytest.mark.parametrize(("body", "fields"), [
    ({"operation": "payment.cancel", "outcome": "decline"}, {"outcome"}),
    ({"operation": "payment.settle", "outcome": "server_error"}, {"outcome"}),
    ({"operation": "webhook.delivery", "outcome": "fail"}, {"outcome"}),
    ({"operation": "payment.create", "outcome": "delay"}, {"delay_ms"}),
    ({"operation": "payment.create", "outcome": "decline", "delay_ms": 10}, {"delay_ms"}),
    ({"operation": "payment.create", "outcome": "server_error",
      "decline_code": "card_declined"}, {"decline_code"}),
    ({"operation": "payment.settle", "outcome": "fail", "surface": "v1"}, {"surface"}),
    ({"operation": "webhook.delivery", "outcome": "duplicate", "match": {"currency": "USD"}},
     {"match"}),
    ({"operation": "payment.create", "outcome": "decline", "match": {"event_type":
                                                                      "payment.created"}},
     {"match"}),
    ({"operation": "payment.create", "outcome": "delay", "delay_ms": 30_001}, {"delay_ms"}),
    ({"operation": "payment.create", "outcome": "delay", "delay_ms": 0}, {"delay_ms"}),
    ({"operation": "payment.create", "outcome": "decline", "times": 0}, {"times"}),
    ({"operation": "payment.create", "outcome": "decline", "times": 1001}, {"times"}),
    ({"operation": "payment.create", "outcome": "decline", "times": "2"}, {"times"}),
    ({"operation": "payment.create", "outcome": "decline", "decline_code": "nope"},
     {"decline_code"}),
    ({"operation": "refund.create", "outcome": "fail", "surface": "paypal"}, {"surface"}),
    ({"operation": "payment.fly", "outcome": "decline"}, {"operation"}),
    ({"operation": "checkout.complete", "outcome": "server_error"}, {"outcome"}),
    ({"operation": "checkout.complete", "outcome": "decline",
      "match": {"payment_method": "card"}}, {"match"}),
    ({"operation": "payment.create", "outcome": "delay", "decline_code": "fraudulent",
      "match": {"event_type": "payment.created"}},
     {"delay_ms", "decline_code", "match"}),
])
def test_combinations_the_table_does_not_allow_are_422_naming_each_field(admin_api, body,
                                                                          fields):
    response = create(admin_api, **body)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["type"] == "validation_error"
    assert {e["field"] for e in error["errors"]} >= fields


def test_list_shows_active_ones_newest_first_and_get_shows_used_up_ones(admin_api, demo):
    first = create(admin_api, operation="payment.create", outcome="decline").json()
    second = create(admin_api, operation="refund.create", outcome="fail", times=3).json()
    listed = admin_api.get(SCENARIOS).json()
    assert listed["object"] == "list" and [s["id"] for s in listed["data"]] == [
        second["id"], first["id"]]
    demo.scenarios.filter(public_id=first["id"]).update(remaining=0)
    assert [s["id"] for s in admin_api.get(SCENARIOS).json()["data"]] == [second["id"]]
    used_up = admin_api.get(f"{SCENARIOS}/{first['id']}").json()
    assert used_up["remaining"] == 0


def test_delete(admin_api):
    scenario = create(admin_api, operation="payment.create", outcome="decline").json()
    response = admin_api.delete(f"{SCENARIOS}/{scenario['id']}")
    assert response.json() == {"id": scenario["id"], "object": "scenario", "deleted": True}
    gone = {"type": "not_found", "code": "resource_missing", "param": "scenario_id",
            "message": f"Scenario '{scenario['id']}' not found."}
    v1_error(admin_api.get(f"{SCENARIOS}/{scenario['id']}"), 404, **gone)
    v1_error(admin_api.delete(f"{SCENARIOS}/{scenario['id']}"), 404, **gone)


def test_the_flag_that_spares_queries_follows_the_active_scenarios(admin_api, demo):
    assert Account.objects.get(pk=demo.pk).has_scenarios is False
    scenario = create(admin_api, operation="payment.create", outcome="decline").json()
    assert Account.objects.get(pk=demo.pk).has_scenarios is True
    admin_api.delete(f"{SCENARIOS}/{scenario['id']}")
    assert Account.objects.get(pk=demo.pk).has_scenarios is False


def test_one_accounts_scenarios_are_invisible_to_another(admin_api):
    scenario = create(admin_api, operation="payment.create", outcome="decline").json()
    stranger = client_for(make_api_key(make_account(), ["api:admin"]).secret)
    unknown = {"code": "resource_missing", "message": f"Scenario '{scenario['id']}' not found."}
    v1_error(stranger.get(f"{SCENARIOS}/{scenario['id']}"), 404, **unknown)
    v1_error(stranger.delete(f"{SCENARIOS}/{scenario['id']}"), 404, **unknown)
    assert stranger.get(SCENARIOS).json()["data"] == []
    assert admin_api.get(f"{SCENARIOS}/{scenario['id']}").json() == scenario  # still there


def test_reset_clears_scenarios_and_the_clock(admin_api, demo):
    create(admin_api, operation="payment.create", outcome="decline")
    admin_api.post("/v1/test/clock/advance", {"seconds": 3600}, format="json")
    reset = admin_api.post("/v1/test/reset", {}, format="json")
    assert reset.status_code == 200
    assert reset.json()["message"] == "All test data has been reset."
    assert admin_api.get(SCENARIOS).json()["data"] == []
    assert admin_api.get("/v1/test/clock").json()["offset_seconds"] == 0
    demo.refresh_from_db()
    assert (demo.has_scenarios, demo.clock_offset_seconds) == (False, 0)
