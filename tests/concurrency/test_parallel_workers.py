"""Two worker processes, sixteen threads between them, racing for the same queue: every
delivery is made exactly once, and (through the shared cache) no account has more than
WEBHOOK_CONCURRENCY_PER_ACCOUNT attempts in flight across both processes."""

import os
import time
from collections import Counter

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tests.support.factories import make_account, make_endpoint, make_payment
from tests.support.live_server import run_worker
from tests.support.webhooks import most_at_once
from webhooks_app.models import Delivery

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.live,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
DATABASE_QUEUE = {"BACKEND": "django_tasks_db.DatabaseBackend",
                  "QUEUES": ["default", "webhooks", "webhook-retries", "settlements"]}
ACCOUNTS, ENDPOINTS, PAYMENTS = 3, 2, 10


@pytest.fixture
def hooks(receivers):
    return receivers(delay=0.3)


def test_two_workers_deliver_everything_exactly_once_within_the_limits(settings, hooks):
    settings.TASKS = {"default": DATABASE_QUEUE}
    accounts = [make_account(name=f"Account {n}") for n in range(ACCOUNTS)]
    for account in accounts:
        for n in range(ENDPOINTS):  # one endpoint per URL: the same receiver, two paths
            make_endpoint(account, f"{hooks.url}/{n}", ["payment.completed"])
        account.refresh_from_db()
    with run_worker() as one, run_worker() as two:
        for _ in range(PAYMENTS):
            for account in accounts:
                make_payment(account, 100, "USD")
        expected = ACCOUNTS * ENDPOINTS * PAYMENTS
        deadline = time.monotonic() + 90
        while (Delivery.objects.filter(status="succeeded").count() < expected
               and time.monotonic() < deadline):
            time.sleep(0.2)
        assert one.poll() is None and two.poll() is None
    assert Delivery.objects.filter(status="succeeded").count() == expected
    assert Delivery.objects.count() == expected
    received = Counter(r.headers["webhook-id"] for r in hooks.requests)
    assert len(received) == ACCOUNTS * PAYMENTS and set(received.values()) == {ENDPOINTS}
    processes = {ids[-1].partition("/")[0] for ids in DBTaskResult.objects.filter(
        task_path__endswith="attempt_delivery").values_list("worker_ids", flat=True)}
    assert len(processes) == 2  # both took part
    if os.environ.get("REDIS_URL"):  # the limit is counted across processes in Redis
        for account in accounts:
            deliveries = Delivery.objects.filter(endpoint__account=account)
            assert most_at_once(deliveries) <= settings.WEBHOOK_CONCURRENCY_PER_ACCOUNT
