"""Bounds on what one account can make the webhook tables hold: bad URLs are 422s, at most
16 endpoints, capped simulate payloads, and old delivery history purged."""

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.errors import UnprocessableRequest
from core.periodic import run_periodic_jobs
from tests.support.errors import v1_error
from webhooks_app import services
from webhooks_app.models import Delivery, DeliveryStatus, Event, WebhookEndpoint

ENDPOINTS = itertools.count()


def register(client, url=None):
    """An endpoint (on a URL of its own unless `url` is given: one endpoint per URL)."""
    url = url or f"https://example.com/hooks/{next(ENDPOINTS)}"
    return client.post("/v1/webhooks/endpoints", {"url": url, "events": ["payment.completed"]},
                       format="json")


@pytest.mark.parametrize("port", ["99999", "65536", "0"])
def test_a_port_out_of_range_is_a_422_on_url(admin_api, settings, port):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    response = register(admin_api, f"https://example.com:{port}/hooks")
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["type"], error["code"], error["param"]) == (
        "validation_error", "url_not_allowed", "url")
    assert "65535" in error["message"]
    assert error["errors"] == [{"field": "url", "code": "url_not_allowed",
                                "message": error["message"]}]


def test_the_17th_endpoint_is_a_422(admin_api):
    created = [register(admin_api) for _ in range(16)]
    assert [r.status_code for r in created] == [201] * 16
    response = register(admin_api)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "too_many_endpoints" and "at most 16" in error["message"]
    assert WebhookEndpoint.objects.count() == 16
    admin_api.delete(f"/v1/webhooks/endpoints/{created[0].json()['id']}")
    assert register(admin_api).status_code == 201


def test_the_endpoint_cap_is_a_setting(admin_api, settings):
    settings.WEBHOOK_MAX_ENDPOINTS_PER_ACCOUNT = 2
    assert [register(admin_api).status_code for _ in range(2)] == [201, 201]
    error = v1_error(register(admin_api), 422, code="too_many_endpoints")
    assert "at most 2 webhook endpoints" in error["message"]


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_cannot_pass_the_cap(demo):
    """Each registration counts under the account's row lock, so of several racing for the
    last place exactly one gets it."""
    for n in range(15):
        services.endpoint_create(account=demo, url=f"https://example.com/hooks/{n}",
                                 events=["payment.completed"])
    barrier = threading.Barrier(4, timeout=30)

    def create():
        try:
            connection.ensure_connection()  # so that the racers start together
            barrier.wait()
            services.endpoint_create(account=demo, url=f"https://example.com/racer/{next(ENDPOINTS)}",
                                     events=["payment.completed"])
            return "created"
        except UnprocessableRequest as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(lambda _: create(), range(4)))
    assert outcomes == ["created"] + ["too_many_endpoints"] * 3
    assert WebhookEndpoint.objects.filter(account=demo).count() == 16


def simulate(client, payload):
    return client.post("/v1/webhooks/simulate",
                       {"event_type": "payment.completed", "payload": payload}, format="json")


def test_a_simulate_payload_of_16_kib_is_accepted(admin_api):
    payload = {"b": "x" * (16384 - len('{"b":""}'))}  # exactly 16,384 bytes of compact JSON
    response = simulate(admin_api, payload)
    assert response.status_code == 201
    assert response.json()["data"]["object"] == payload  # whole, not truncated


@pytest.mark.parametrize("payload", [
    {"b": "x" * (16385 - len('{"b":""}'))},  # one byte over
    {"b": "é" * 8190},  # 8,198 characters, 16,388 bytes
    {"blob": "x" * 1_000_000},  # the probe's size: just under the 1 MiB request limit
])
def test_an_oversized_simulate_is_a_422_and_stores_nothing(admin_api, payload):
    response = simulate(admin_api, payload)
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("too_large", "payload")
    assert Event.objects.count() == 0


def test_the_simulate_cap_is_a_setting(admin_api, settings):
    settings.WEBHOOK_SIMULATE_MAX_BYTES = 10
    assert simulate(admin_api, {"a": 1}).status_code == 201  # {"a":1}: 7 bytes
    error = v1_error(simulate(admin_api, {"a": 1, "b": 2}), 422,  # 13 bytes
                     code="too_large", param="payload")
    assert "10 bytes" in error["errors"][0]["message"], error  # the limit, as configured


def test_old_finished_deliveries_are_purged(demo, settings):
    settings.WEBHOOK_DELIVERY_RETENTION_DAYS = 30
    endpoint = services.endpoint_create(account=demo, url="https://example.com/hooks",
                                        events=["payment.completed"])
    event = services.event_simulate(account=demo, event_type="payment.completed", payload={})
    now = timezone.now()
    old, recent = now - timedelta(days=31), now - timedelta(days=29)

    def delivery(attempt, status, attempted_at):
        return Delivery.objects.create(event=event, endpoint=endpoint, attempt=attempt,
                                       status=status, scheduled_for=attempted_at or old,
                                       attempted_at=attempted_at)

    Delivery.objects.all().delete()  # the simulated event's own first attempt
    delivery(1, DeliveryStatus.FAILED, old)
    delivery(2, DeliveryStatus.SUCCEEDED, old)
    kept = [delivery(3, DeliveryStatus.FAILED, recent).pk,
            delivery(4, DeliveryStatus.SUCCEEDED, recent).pk,
            delivery(5, DeliveryStatus.PENDING, None).pk,  # due long ago, never attempted
            delivery(6, DeliveryStatus.PENDING, old).pk]  # pending is never purged
    assert run_periodic_jobs()["deliveries_purged"] == 2
    assert sorted(Delivery.objects.values_list("pk", flat=True)) == sorted(kept)
    assert run_periodic_jobs()["deliveries_purged"] == 0  # safe to run twice
    assert Event.objects.filter(pk=event.pk).exists()
