"""What one account can make a destination receive: one endpoint per URL, and every host
paced service-wide (`WEBHOOK_HOST_RATE_PER_SECOND`): first attempts, retries made due by a
clock advance, `duplicate` scenarios and redeliveries all wait their turn, none dropped."""

import base64
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.db import connection

from tests.support.credentials import ADMIN_KEY, client_for
from tests.support.errors import stripe_error, v1_error
from tests.support.factories import make_account, make_endpoint, make_payment
from tests.support.live_server import run_worker
from tests.support.processes import wait_for
from webhooks_app import pacing
from webhooks_app.models import Delivery
from webhooks_app.services import delivery_attempt


def register(client, url):
    return client.post("/v1/webhooks/endpoints", {"url": url, "events": ["payment.completed"]},
                       format="json")


def test_a_second_endpoint_on_one_url_is_refused_on_every_format(admin_api):
    assert register(admin_api, "https://hooks.example.com/pay").status_code == 201
    for url in ("https://hooks.example.com/pay", "https://HOOKS.example.com:443/pay"):
        error = v1_error(register(admin_api, url), 422, code="url_taken", param="url")
        assert "already has a webhook endpoint for https://" in error["message"]
    stripe = client_for(None)
    stripe.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(
        f"{ADMIN_KEY}:".encode()).decode())
    refused = stripe.post("/stripe/v1/webhook_endpoints", urlencode(
        {"url": "https://hooks.example.com/pay", "enabled_events[0]": "*"}),
        content_type="application/x-www-form-urlencoded")
    stripe_error(refused, 400, type="invalid_request_error", code="resource_already_exists",
                 param="url")
    # Another path is another URL.
    assert register(admin_api, "https://hooks.example.com/pay/2").status_code == 201


def test_changing_an_endpoints_url_to_a_taken_one_is_refused(admin_api):
    register(admin_api, "https://hooks.example.com/a")
    moving = register(admin_api, "https://hooks.example.com/b").json()
    response = admin_api.patch(f"/v1/webhooks/endpoints/{moving['id']}",
                               {"url": "https://hooks.example.com/a"}, format="json")
    v1_error(response, 422, code="url_taken", param="url")
    same = admin_api.patch(f"/v1/webhooks/endpoints/{moving['id']}",
                           {"url": "https://hooks.example.com/b"}, format="json")
    assert same.status_code == 200 and same.json()["url"] == "https://hooks.example.com/b"


def test_each_account_may_have_its_own_endpoint_on_a_url(demo):
    make_endpoint(demo, "https://hooks.example.com/shared")
    other = make_account()
    assert make_endpoint(other, "https://hooks.example.com/shared").account == other


@pytest.fixture
def frozen(monkeypatch, settings):
    settings.WEBHOOK_HOST_RATE_PER_SECOND = 2
    clock = SimpleNamespace(now=1_000_000.25)
    monkeypatch.setattr(pacing.time, "time", lambda: clock.now)
    from django.core.cache import cache
    cache.clear()
    return clock


def test_a_host_gets_its_rate_a_second_and_the_rest_later_turns(frozen):
    waits = [pacing.wait_for_turn("hooks.example.com") for _ in range(7)]
    assert waits == [0, 0, 0.75, 0.75, 1.75, 1.75, 2.75]
    assert pacing.wait_for_turn("other.example.com") == 0  # another host, its own turns
    assert pacing.wait_for_turn("HOOKS.example.com") == 2.75  # the same host
    frozen.now += 1
    assert pacing.wait_for_turn("hooks.example.com") == 0


def test_an_attempt_over_the_rate_waits_for_its_turn_and_is_not_dropped(
        frozen, demo, receiver, settings, django_capture_on_commit_callbacks):
    from django.tasks import default_task_backend
    make_endpoint(demo, receiver.url, ["payment.completed"])
    demo.refresh_from_db()
    for _ in range(3):
        make_payment(demo)
    deliveries = list(Delivery.objects.order_by("id"))
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = [delivery_attempt(delivery_id=d.pk).status for d in deliveries]
    assert outcomes == ["succeeded", "succeeded", "pending"]
    assert len(receiver.requests) == 2
    [later] = default_task_backend.results
    assert later.kwargs["delivery_id"] == deliveries[2].pk
    assert later.task.run_after is not None  # queued for its turn
    frozen.now += 1
    assert delivery_attempt(delivery_id=deliveries[2].pk).status == "succeeded"
    assert len(receiver.requests) == 3


@pytest.mark.postgres
@pytest.mark.live
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (workers)")
@pytest.mark.django_db(transaction=True)
def test_a_host_receives_no_more_than_its_rate_across_accounts_duplicates_and_redeliveries(
        demo, receivers, settings, admin_api):
    """Two accounts, several endpoints each on one host, a `duplicate` scenario and a
    redelivery: everything arrives (nothing dropped), never more than the rate in a second
    of the receiver's clock (one more at most: the second boundaries of the sandbox and the
    receiver need not coincide)."""
    rate = 3
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default", "webhooks", "webhook-retries",
                                             "settlements"]}}
    hooks = receivers()
    other = make_account()
    for account in (demo, other):
        for n in range(3):
            make_endpoint(account, f"{hooks.url}?endpoint={n}", ["payment.completed"])
        account.refresh_from_db()
    admin_api.post("/v1/test/scenarios", {"operation": "webhook.delivery",
                                          "outcome": "duplicate", "times": 3}, format="json")
    demo.refresh_from_db()
    with run_worker(extra_env={"WEBHOOK_HOST_RATE_PER_SECOND": str(rate)}):
        for account in (demo, other):
            for _ in range(3):
                make_payment(account)
        expected = 2 * 3 * 3 + 3  # 18 attempts, 3 of them sent twice
        wait_for(lambda: len(hooks.requests) >= expected, 60,
                 f"all {expected} deliveries arrive")
        event = Delivery.objects.filter(endpoint__account=demo).values_list(
            "event__public_id", flat=True).first()
        redelivered = admin_api.post(f"/v1/webhooks/events/{event}/redeliver", {},
                                     format="json")
        assert redelivered.status_code == 202
        wait_for(lambda: len(hooks.requests) >= expected + 3, 30, "the redeliveries arrive")
    per_second = {}
    for request in hooks.requests:
        second = int(request.received_at)
        per_second[second] = per_second.get(second, 0) + 1
    print(f"\n[pacing at {rate}/s] arrivals per second: {sorted(per_second.values())}")
    assert max(per_second.values()) <= rate + 1
    assert len(hooks.requests) == expected + 3
