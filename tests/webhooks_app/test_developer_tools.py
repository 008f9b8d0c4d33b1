"""The webhook developer tools over the API, against a real receiver on loopback: the delivery
log with what the receiver answered, redelivery, endpoint updates, and signing-secret
rotation with an overlap."""

import itertools
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import client_for
from tests.support.errors import v1_error
from tests.support.factories import make_account, make_api_key
from webhooks_app.models import Delivery, WebhookEndpoint

DELIVERIES = "/v1/webhooks/deliveries"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)
    return run


@pytest.fixture
def endpoint(admin_api, receiver):
    """Endpoints on the receiver, each on a URL of its own (one endpoint per URL)."""
    urls = (f"{receiver.url}?endpoint={n}" for n in itertools.count())

    def create(events=("payment.created",)):
        response = admin_api.post("/v1/webhooks/endpoints",
                                  {"url": next(urls), "events": list(events)}, format="json")
        assert response.status_code == 201, response.content
        return response.json()
    return create


@pytest.fixture
def pay(api, committed):
    def create():
        return committed(api.post, "/v1/payments", PAYMENT_BODY, format="json",
                         headers={"Idempotency-Key": str(uuid.uuid4())}).json()
    return create


@pytest.fixture
def post(admin_api, committed):
    def send(path, body=None, key=None):
        return committed(admin_api.post, path, body or {}, format="json",
                         headers={"Idempotency-Key": key or str(uuid.uuid4())})
    return send


def test_the_delivery_log_shows_a_500_then_a_200_with_what_the_receiver_said(
        admin_api, endpoint, pay, receiver, run_due_tasks, post, settings):
    settings.WEBHOOKS_SHOW_PRIVATE_RESPONSES = True  # the receiver is on 127.0.0.1
    receiver.answers = [(500, {}, b'{"error": "database is down"}'), (200, {}, b"thanks")]
    hook = endpoint()
    payment = pay()
    run_due_tasks()
    post("/v1/test/clock/advance", {"seconds": 5})  # the second attempt is due
    run_due_tasks()
    log = admin_api.get(DELIVERIES).json()
    assert log["object"] == "list"
    second, first = log["data"]
    assert (first["attempt"], first["status"], first["response_status"]) == (1, "failed", 500)
    assert first["response_body"] == '{"error": "database is down"}'
    assert first["error"] == "HTTP 500" and first["next_retry_at"] is not None
    assert (second["attempt"], second["status"], second["response_status"]) == (
        2, "succeeded", 200)
    assert second["response_body"] == "thanks" and second["error"] is None
    assert first["id"].startswith("del_") and first["object"] == "webhook_delivery"
    assert first["endpoint_id"] == hook["id"] == second["endpoint_id"]
    event_id = first["event_id"]
    assert admin_api.get(f"/v1/webhooks/events/{event_id}").json()["data"]["object"]["id"] == (
        payment["id"])
    assert admin_api.get(f"{DELIVERIES}/{first['id']}").json() == first


def test_the_log_filters_by_endpoint_event_and_status(admin_api, endpoint, pay, receiver,
                                                      run_due_tasks):
    receiver.answers = [(500, {}), (200, {})]
    endpoint()
    pay()
    pay()
    run_due_tasks()
    everything = admin_api.get(DELIVERIES).json()["data"]
    assert len(everything) == 3  # the failed attempt's retry waits, pending
    for status in ("failed", "succeeded", "pending"):
        matching = admin_api.get(DELIVERIES, {"status": status}).json()["data"]
        assert [d["status"] for d in matching] == [status]
    [succeeded] = [d for d in everything if d["status"] == "succeeded"]
    one_event = admin_api.get(DELIVERIES, {"event_id": succeeded["event_id"]}).json()
    assert [d["id"] for d in one_event["data"]] == [succeeded["id"]]
    assert admin_api.get(DELIVERIES, {"endpoint_id": "we_nope"}).json()["data"] == []
    assert len(admin_api.get(DELIVERIES, {"limit": 1}).json()["data"]) == 1
    v1_error(admin_api.get(DELIVERIES, {"status": "lost"}), 422, type="validation_error",
             code="invalid_choice", param="status")


def test_only_the_first_1024_characters_of_the_answer_are_kept(admin_api, endpoint, pay,
                                                               receiver, run_due_tasks,
                                                               settings):
    settings.WEBHOOKS_SHOW_PRIVATE_RESPONSES = True  # the receiver is on 127.0.0.1
    receiver.answers = [(200, {}, "é".encode() * 100_000)]
    endpoint()
    pay()
    run_due_tasks()
    assert admin_api.get(DELIVERIES).json()["data"][0]["response_body"] == "é" * 1024


def test_another_accounts_deliveries_are_not_visible(admin_api, endpoint, pay, run_due_tasks):
    endpoint()
    pay()
    run_due_tasks()
    delivery = admin_api.get(DELIVERIES).json()["data"][0]
    stranger = client_for(make_api_key(make_account(), ["webhooks:manage"]).secret)
    assert stranger.get(DELIVERIES).json()["data"] == []
    v1_error(stranger.get(f"{DELIVERIES}/{delivery['id']}"), 404, code="resource_missing",
             param="delivery_id", message=f"Delivery '{delivery['id']}' not found.")


def test_redelivery_sends_the_same_webhook_id_as_a_new_attempt(admin_api, endpoint, pay,
                                                               receiver, run_due_tasks, post):
    endpoint()
    pay()
    run_due_tasks()
    event_id = admin_api.get(DELIVERIES).json()["data"][0]["event_id"]
    response = post(f"/v1/webhooks/events/{event_id}/redeliver", key="redeliver-key-1")
    assert response.status_code == 202
    assert (response.json()["object"], response.json()["total_count"],
            response.json()["pagination"]["total"]) == ("list", 1, 1)
    [new] = response.json()["data"]
    assert (new["attempt"], new["status"], new["event_id"]) == (2, "pending", event_id)
    run_due_tasks()
    assert [r.headers["webhook-id"] for r in receiver.requests] == [event_id, event_id]
    assert admin_api.get(f"{DELIVERIES}/{new['id']}").json()["status"] == "succeeded"
    replay = post(f"/v1/webhooks/events/{event_id}/redeliver", key="redeliver-key-1")
    assert replay["Idempotent-Replayed"] == "true"
    assert Delivery.objects.count() == 2  # the replay made no new attempt


def test_redelivery_to_one_named_endpoint(admin_api, endpoint, pay, run_due_tasks, post):
    first = endpoint()
    second = endpoint()
    pay()
    run_due_tasks()
    event_id = admin_api.get(DELIVERIES).json()["data"][0]["event_id"]
    response = post(f"/v1/webhooks/events/{event_id}/redeliver", {"endpoint_id": second["id"]})
    assert [d["endpoint_id"] for d in response.json()["data"]] == [second["id"]]
    admin_api.patch(f"/v1/webhooks/endpoints/{first['id']}", {"enabled": False},
                    format="json")
    refused = post(f"/v1/webhooks/events/{event_id}/redeliver", {"endpoint_id": first["id"]})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "endpoint_disabled"
    v1_error(post("/v1/webhooks/events/evt_nope/redeliver"), 404, code="resource_missing",
             param="event_id", message="Event 'evt_nope' not found.")
    missing = post(f"/v1/webhooks/events/{event_id}/redeliver", {"endpoint_id": "we_nope"})
    v1_error(missing, 404, code="resource_missing", param="endpoint_id",
             message="Webhook endpoint 'we_nope' not found.")


def test_patch_re_enables_an_endpoint_disabled_by_a_410(admin_api, endpoint, pay, receiver,
                                                        run_due_tasks):
    receiver.answers = [(410, {}), (200, {})]
    hook = endpoint()
    pay()
    run_due_tasks()
    disabled = admin_api.get(f"/v1/webhooks/endpoints/{hook['id']}").json()
    assert disabled["enabled"] is False and "410" in disabled["disabled_reason"]
    response = admin_api.patch(f"/v1/webhooks/endpoints/{hook['id']}", {"enabled": True},
                               format="json")
    assert response.status_code == 200
    assert (response.json()["enabled"], response.json()["disabled_reason"]) == (True, "")
    stored = WebhookEndpoint.objects.get(public_id=hook["id"])
    assert (stored.failure_count, stored.failing_since) == (0, None)
    pay()
    run_due_tasks()
    assert len(receiver.requests) == 2 and Delivery.objects.filter(status="succeeded").exists()


def test_patch_changes_url_events_and_description_by_the_registration_rules(admin_api,
                                                                          endpoint, settings):
    hook = endpoint()
    url = f"/v1/webhooks/endpoints/{hook['id']}"
    changed = admin_api.patch(url, {"url": "https://example.com/new", "events": [
        "refund.completed", "refund.completed"], "description": "billing"}, format="json")
    assert {k: changed.json()[k] for k in ("url", "events", "description")} == {
        "url": "https://example.com/new", "events": ["refund.completed"],
        "description": "billing"}
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    for body in ({"url": "http://127.0.0.1:8080/x"}, {"url": "http://a\\@example.com/"},
                 {"events": []}, {"enabled": "yes"}, {"url": "https://example.com:99999/"}):
        [field] = body
        error = v1_error(admin_api.patch(url, body, format="json"), 422)
        assert error["param"] == field, (body, error)
    assert admin_api.get(url).json()["url"] == "https://example.com/new"
    v1_error(admin_api.patch("/v1/webhooks/endpoints/we_nope", {"description": "x"},
                             format="json"), 404, code="resource_missing", param="endpoint_id")


def verifies(secret: str, received) -> bool:
    try:
        Webhook(secret).verify(received.body, received.headers)
    except WebhookVerificationError:
        return False
    return True


def test_a_rotated_secret_overlaps_then_only_the_new_one_signs(admin_api, endpoint, pay,
                                                               receiver, run_due_tasks, post):
    hook = endpoint()
    old = hook["secret"]
    rotated = post(f"/v1/webhooks/endpoints/{hook['id']}/rotate-secret",
                   {"expire_previous_in_seconds": 3600}, key="rotate-key-1")
    assert rotated.status_code == 200
    new = rotated.json()["secret"]
    assert new.startswith("whsec_") and new != old
    pay()
    run_due_tasks()
    during = receiver.requests[-1]
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert verifies(new, during) and verifies(old, during)
    post("/v1/test/clock/advance", {"seconds": 3601})
    stored = WebhookEndpoint.objects.get(public_id=hook["id"])
    assert (stored.previous_secret, stored.previous_secret_expires_at) == ("", None)
    pay()
    run_due_tasks()
    after = receiver.requests[-1]
    assert verifies(new, after) and not verifies(old, after)
    replay = post(f"/v1/webhooks/endpoints/{hook['id']}/rotate-secret",
                  {"expire_previous_in_seconds": 3600}, key="rotate-key-1")
    assert replay.json()["secret"] is None  # shown once, never stored for replays


@pytest.mark.parametrize("ends_by", ["the wall clock", "the account's clock"])
def test_a_previous_secret_whose_overlap_ended_no_longer_signs_before_it_is_purged(
        demo, endpoint, pay, receiver, run_due_tasks, post, ends_by):
    """The delivery path judges the overlap itself: the expired previous secret is still
    stored (no clean-up ran), and signs nothing."""
    hook = endpoint()
    old = hook["secret"]
    new = post(f"/v1/webhooks/endpoints/{hook['id']}/rotate-secret",
               {"expire_previous_in_seconds": 60}).json()["secret"]
    if ends_by == "the wall clock":
        WebhookEndpoint.objects.filter(public_id=hook["id"]).update(
            previous_secret_expires_at=timezone.now() - timedelta(seconds=1))
    else:  # the account's clock moved on; the due work that would purge it did not run
        demo.clock_offset_seconds = 61
        demo.save(update_fields=["clock_offset_seconds"])
    assert WebhookEndpoint.objects.get(public_id=hook["id"]).previous_secret == old
    pay()
    run_due_tasks()
    [signature] = receiver.requests[-1].headers["webhook-signature"].split(" ")
    assert verifies(new, receiver.requests[-1]) and not verifies(old, receiver.requests[-1])
    assert signature.startswith("v1,")


def test_a_rotation_without_overlap_retires_the_old_secret_at_once(endpoint, pay, receiver,
                                                                   run_due_tasks, post):
    hook = endpoint()
    new = post(f"/v1/webhooks/endpoints/{hook['id']}/rotate-secret",
               {"expire_previous_in_seconds": 0}).json()["secret"]
    pay()
    run_due_tasks()
    assert verifies(new, receiver.requests[0]) and not verifies(hook["secret"],
                                                                receiver.requests[0])


@pytest.mark.parametrize("seconds", [-1, 604_801, "60", None])
def test_the_overlap_is_bounded(endpoint, post, seconds):
    hook = endpoint()
    response = post(f"/v1/webhooks/endpoints/{hook['id']}/rotate-secret",
                    {"expire_previous_in_seconds": seconds})
    v1_error(response, 422, type="validation_error", param="expire_previous_in_seconds")
    assert WebhookEndpoint.objects.get(public_id=hook["id"]).previous_secret in ("", None)
