"""Webhook chaos on demand (a delivery sent twice, or late), and a failing endpoint driven
through its whole retry schedule and its five-day disable by advancing the sandbox clock,
against a real receiver, in seconds of real time."""

import time
import uuid

import pytest
from django.conf import settings

from tests.support.bodies import PAYMENT_BODY
from tests.support.factories import make_endpoint
from webhooks_app.models import Delivery, WebhookEndpoint


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a request as if its transaction committed (the tasks it enqueues are queued)."""
    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)
    return run


@pytest.fixture
def create_payment(api, committed):
    def create():
        return committed(api.post, "/v1/payments", PAYMENT_BODY, format="json",
                         headers={"Idempotency-Key": str(uuid.uuid4())})
    return create


@pytest.fixture
def advance(admin_api, committed):
    def move(seconds: int) -> dict:
        response = committed(admin_api.post, "/v1/test/clock/advance", {"seconds": seconds},
                             format="json")
        assert response.status_code == 200, response.content
        return response.json()["processed"]
    return move


def test_duplicate_sends_one_event_twice_with_the_same_webhook_id(create_payment, admin_api, demo,
                                                                  receiver, run_due_tasks):
    make_endpoint(demo, receiver.url, ["payment.created"])
    admin_api.post("/v1/test/scenarios", {"operation": "webhook.delivery",
                                          "outcome": "duplicate",
                                          "match": {"event_type": "payment.created"}},
                   format="json")
    create_payment()
    create_payment()
    run_due_tasks()
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert len(ids) == 3 and ids[0] == ids[1] != ids[2]
    assert Delivery.objects.filter(attempt=1, status="succeeded").count() == 3


def test_a_failing_endpoint_through_its_whole_schedule_by_advancing_the_clock(
        create_payment, advance, demo, receiver, run_due_tasks):
    receiver.answers = [(500, {})]
    endpoint = make_endpoint(demo, receiver.url, ["payment.created"])
    create_payment()
    run_due_tasks()  # the first attempt, at once
    schedule = settings.WEBHOOK_RETRY_SCHEDULE  # 0, 5 s, 5 min, 30 min, 2 h ... 24 h
    for delay in schedule[1:]:
        assert run_due_tasks() == []  # nothing is due by the wall clock
        assert advance(delay)["webhook_attempts"] == 1
        run_due_tasks()
    attempts = list(Delivery.objects.order_by("attempt"))
    assert [d.attempt for d in attempts] == list(range(1, len(schedule) + 1))
    assert all(d.status == "failed" and d.response_status == 500 for d in attempts)
    gaps = [(later.scheduled_for - earlier.scheduled_for).total_seconds()
            for earlier, later in zip(attempts, attempts[1:], strict=False)]
    assert gaps == pytest.approx(list(schedule[1:]), abs=1)
    event_ids = {r.headers["webhook-id"] for r in receiver.requests}
    assert len(receiver.requests) == len(schedule) and len(event_ids) == 1
    assert attempts[-1].next_retry_at is None  # the schedule is used up
    endpoint.refresh_from_db()
    assert endpoint.is_enabled  # about 3.2 days of failures so far
    assert advance(2 * 86400)["endpoints_disabled"] == 1
    assert not WebhookEndpoint.objects.get(pk=endpoint.pk).is_enabled


def test_signatures_keep_wall_clock_timestamps(create_payment, advance, demo, receiver,
                                              run_due_tasks):
    advance(30 * 86400)
    make_endpoint(demo, receiver.url, ["payment.created"])
    create_payment()
    run_due_tasks()
    stamp = int(receiver.requests[0].headers["webhook-timestamp"])
    assert abs(stamp - time.time()) < 60
