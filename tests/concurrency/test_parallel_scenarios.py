"""Scenarios under real parallelism: 20 requests at once against `times: 1` — exactly one is
shaped, on several gunicorn processes sharing one PostgreSQL; and the `delay` outcome's
promise to a client that retries while the first answer is still on its way."""

import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from accounts.models import Scenario
from accounts.services import scenario_create
from payments.models import Payment
from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import STANDARD_KEY
from tests.support.live_server import run_gunicorn

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.live,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
AUTH = {"Authorization": f"Bearer {STANDARD_KEY}"}


def create(base: str, key: str | None = None) -> requests.Response:
    return requests.post(f"{base}/v1/payments", json=PAYMENT_BODY, timeout=30,
                         headers={**AUTH, "Idempotency-Key": key or uuid.uuid4().hex})


@pytest.mark.parametrize("outcome", ["decline", "server_error"])
def test_twenty_parallel_creates_against_times_1_shape_exactly_one(demo, outcome):
    scenario = scenario_create(account=demo, operation="payment.create", outcome=outcome,
                               decline_code="card_declined" if outcome == "decline" else "")
    barrier = threading.Barrier(20, timeout=30)
    with run_gunicorn(workers=4) as server:
        def send(_):
            barrier.wait()
            return create(server)

        with ThreadPoolExecutor(max_workers=20) as pool:
            responses = list(pool.map(send, range(20)))
    statuses = Counter(r.status_code for r in responses)
    shaped = [r for r in responses if "Sandbox-Scenario" in r.headers]
    assert len(shaped) == 1, statuses
    assert shaped[0].status_code == (402 if outcome == "decline" else 500)
    assert statuses[201] == 19
    assert Scenario.objects.get(pk=scenario.pk).remaining == 0
    assert Payment.objects.filter(account=demo).count() == (20 if outcome == "decline" else 19)


def test_a_retry_during_a_delay_is_told_the_key_is_in_use_then_replayed(demo):
    scenario_create(account=demo, operation="payment.create", outcome="delay", delay_ms=3000)
    key = uuid.uuid4().hex
    with run_gunicorn(workers=2) as server:
        with ThreadPoolExecutor(max_workers=1) as pool:
            first = pool.submit(create, server, key)
            time.sleep(1)  # the payment has committed; its answer waits
            during = create(server, key)
            first = first.result()
        after = create(server, key)
    assert first.status_code == 201 and "Sandbox-Scenario" in first.headers
    assert during.status_code == 409
    assert during.json()["error"]["code"] == "idempotency_key_in_use"
    assert after.status_code == 201 and after.headers["Idempotent-Replayed"] == "true"
    assert after.content == first.content
    assert Payment.objects.filter(account=demo).count() == 1
