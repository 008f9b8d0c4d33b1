"""Delivery to a real HTTP receiver on 127.0.0.1, signed per Standard Webhooks."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from webhooks_app.models import Delivery, WebhookEndpoint

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def endpoint(admin_api, receiver):
    def register(events=("payment.created", "payment.completed"), url=None):
        response = admin_api.post(
            "/v1/webhooks/endpoints", {"url": url or receiver.url, "events": list(events)},
            format="json",
        )
        assert response.status_code == 201, response.content
        return response.json()

    return register


def test_events_arrive_signed_and_verify(endpoint, receiver, create_payment, run_tasks, api):
    secret = endpoint()["secret"]
    payment = create_payment().json()
    run_tasks()
    assert len(receiver.requests) == 2
    for received in receiver.requests:
        event = Webhook(secret).verify(received.body, received.headers)
        assert received.headers["webhook-id"] == event["id"]
        assert received.headers["Content-Type"] == "application/json"
        assert event["data"]["object"]["id"] == payment["id"]
        assert api.get(f"/v1/webhooks/events/{event['id']}").json() == event
    assert sorted(json.loads(r.body)["type"] for r in receiver.requests) == [
        "payment.completed", "payment.created"]
    print("delivered headers:", {k: v for k, v in receiver.requests[0].headers.items()
                                 if k.lower().startswith(("webhook", "content", "user"))})


def test_a_tampered_body_does_not_verify(endpoint, receiver, create_payment, run_tasks):
    from standardwebhooks.webhooks import WebhookVerificationError

    secret = endpoint()["secret"]
    create_payment()
    run_tasks()
    received = receiver.requests[0]
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(received.body.replace(b"49.99", b"4.99"), received.headers)


def test_only_subscribed_events_are_sent(endpoint, receiver, create_payment, run_tasks):
    endpoint(events=["payment.failed"])
    create_payment()
    create_payment(amount=13.00)
    run_tasks()
    assert [json.loads(r.body)["type"] for r in receiver.requests] == ["payment.failed"]


def test_a_500_is_retried_on_schedule_with_the_same_webhook_id(
    endpoint, receiver, create_payment, run_tasks
):
    receiver.answers = [(500, {}), (200, {})]
    endpoint(events=["payment.completed"])
    create_payment()
    started = timezone.now()
    ran = run_tasks()
    assert [r.headers["webhook-id"] for r in receiver.requests] == [
        receiver.requests[0].headers["webhook-id"]] * 2
    first, second = Delivery.objects.order_by("attempt")
    assert (first.attempt, first.status, first.response_status) == (1, "failed", 500)
    assert (second.attempt, second.status, second.response_status) == (2, "succeeded", 200)
    retry_at = [run_after for name, _, run_after in ran if name == "attempt_delivery"][1]
    assert timedelta(seconds=4) <= retry_at - started <= timedelta(seconds=7)
    assert first.next_retry_at == second.scheduled_for
    print("retry timeline:", [(d.attempt, d.status, d.response_status,
                               round((d.scheduled_for - started).total_seconds(), 1))
                              for d in (first, second)])


def test_the_schedule_runs_out(endpoint, receiver, create_payment, run_tasks, settings):
    settings.WEBHOOK_RETRY_SCHEDULE = (0, 5, 300)
    receiver.answers = [(500, {})]
    endpoint(events=["payment.completed"])
    create_payment()
    run_tasks()
    deliveries = list(Delivery.objects.order_by("attempt"))
    assert [(d.attempt, d.status) for d in deliveries] == [
        (1, "failed"), (2, "failed"), (3, "failed")]
    assert [round((d.scheduled_for - deliveries[0].scheduled_for).total_seconds())
            for d in deliveries] == [0, 5, 300]
    assert deliveries[-1].next_retry_at is None
    assert WebhookEndpoint.objects.get().failure_count == 3


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured(endpoint, receiver, create_payment, run_tasks, status):
    receiver.answers = [(status, {"Retry-After": "120"}), (200, {})]
    endpoint(events=["payment.completed"])
    create_payment()
    run_tasks()
    first, second = Delivery.objects.order_by("attempt")
    assert timedelta(seconds=119) <= second.scheduled_for - first.attempted_at <= timedelta(
        seconds=125)


def test_a_410_disables_the_endpoint(endpoint, receiver, create_payment, run_tasks):
    receiver.answers = [(410, {})]
    endpoint()
    create_payment()
    run_tasks()
    endpoint_row = WebhookEndpoint.objects.get()
    assert not endpoint_row.is_enabled and "410" in endpoint_row.disabled_reason
    assert len(receiver.requests) == 1  # nothing retried, the second event not sent
    assert Delivery.objects.filter(status="succeeded").count() == 0


def test_a_redirect_is_a_failure_and_not_followed(endpoint, receiver, create_payment, run_tasks,
                                                  settings):
    settings.WEBHOOK_RETRY_SCHEDULE = (0,)
    receiver.answers = [(302, {"Location": "http://127.0.0.1:1/elsewhere"})]
    endpoint(events=["payment.completed"])
    create_payment()
    run_tasks()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.response_status) == ("failed", 302)


def test_an_endpoint_failing_for_days_is_disabled(endpoint, receiver, create_payment, run_tasks):
    receiver.answers = [(500, {})]
    endpoint(events=["payment.completed"])
    WebhookEndpoint.objects.update(failing_since=timezone.now() - timedelta(days=6),
                                   failure_count=40)
    create_payment()
    run_tasks()
    endpoint_row = WebhookEndpoint.objects.get()
    assert not endpoint_row.is_enabled and "Failing since" in endpoint_row.disabled_reason
    assert Delivery.objects.count() == 1


def test_success_resets_the_failure_count(endpoint, receiver, create_payment, run_tasks):
    endpoint(events=["payment.completed"])
    WebhookEndpoint.objects.update(failing_since=timezone.now(), failure_count=3)
    create_payment()
    run_tasks()
    endpoint_row = WebhookEndpoint.objects.get()
    assert (endpoint_row.failure_count, endpoint_row.failing_since) == (0, None)


def test_private_destinations_are_refused_at_delivery(endpoint, receiver, create_payment,
                                                      run_tasks, settings):
    settings.WEBHOOK_RETRY_SCHEDULE = (0,)
    endpoint(events=["payment.completed"])
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    create_payment()
    run_tasks()
    assert receiver.requests == []
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and delivery.error.startswith("Refused")


def test_unreachable_receiver_is_a_recorded_failure(endpoint, create_payment, run_tasks,
                                                    settings):
    settings.WEBHOOK_RETRY_SCHEDULE = (0,)
    endpoint(events=["payment.completed"], url="http://127.0.0.1:1/closed")
    create_payment()
    run_tasks()
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and delivery.response_status is None
    assert "ConnectionError" in delivery.error


def test_a_receiver_slower_than_the_timeout_fails(endpoint, receiver, create_payment,
                                                  run_tasks, settings):
    settings.WEBHOOK_RETRY_SCHEDULE = (0,)
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    receiver.delay = 1.5
    endpoint(events=["payment.completed"])
    create_payment()
    run_tasks()
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and "Timeout" in delivery.error


def test_resend_makes_a_new_attempt(endpoint, receiver, create_payment, run_tasks):
    from webhooks_app.models import Event
    from webhooks_app.services import delivery_resend

    endpoint(events=["payment.completed"])
    create_payment()
    run_tasks()
    delivery_resend(event=Event.objects.get(type="payment.completed"),
                    endpoint=WebhookEndpoint.objects.get())
    run_tasks()
    assert len(receiver.requests) == 2
    assert list(Delivery.objects.order_by("attempt").values_list("attempt", "status")) == [
        (1, "succeeded"), (2, "succeeded")]


def test_the_docs_verification_snippet_works(endpoint, receiver, create_payment, run_tasks):
    """docs/webhooks.md's receiver snippet verifies a real delivery."""
    docs = (Path(__file__).parents[2] / "docs" / "webhooks.md").read_text()
    snippet = docs.split("<!-- webhook-verification-snippet -->")[1].split("```python")[1]
    snippet = snippet.split("```")[0]
    secret = endpoint(events=["payment.completed"])["secret"]
    create_payment()
    run_tasks()
    namespace = {}
    exec(snippet.replace('"whsec_..."', repr(secret)), namespace)  # noqa: S102
    received = receiver.requests[0]
    assert namespace["handle_webhook"](received.body, received.headers)["type"] == (
        "payment.completed")
    assert namespace["handle_webhook"](received.body + b" ", received.headers) is None
