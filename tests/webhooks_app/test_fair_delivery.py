"""Fair delivery, with a real worker process: one account's slow endpoints, and a pile of due
settlements, do not hold back another account's first attempt; the slow account still gets
everything, at most WEBHOOK_CONCURRENCY_PER_ACCOUNT attempts at a time."""

import time

import pytest
from django.db import connection

from payments.models import Payment
from tests.support.factories import make_account, make_endpoint, make_payment
from tests.support.live_server import run_worker
from tests.support.processes import wait_for
from tests.support.webhooks import most_at_once
from webhooks_app.models import Delivery

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]
DATABASE_QUEUE = {"BACKEND": "django_tasks_db.DatabaseBackend",
                  "QUEUES": ["default", "webhooks", "webhook-retries", "settlements"]}
SLOW_ENDPOINTS, SLOW_SECONDS = 6, 3.0




@pytest.mark.skipif(connection.vendor not in ("postgresql", "sqlite"), reason="a worker")
def test_a_slow_account_does_not_hold_back_another_accounts_first_attempt(
        demo, settings, receivers, capsys):
    settings.TASKS = {"default": DATABASE_QUEUE}
    settings.SETTLEMENT_DELAY_SECONDS = 0  # the settlements below are all due at once
    slow, fast = receivers(SLOW_SECONDS), receivers(0)
    other = make_account()
    busy = make_account(name="Settles a lot")
    for n in range(SLOW_ENDPOINTS):  # one endpoint per URL: the same receiver, six URLs
        make_endpoint(demo, f"{slow.url}?endpoint={n}", ["payment.completed"])
    make_endpoint(other, fast.url, ["payment.completed"])
    demo.refresh_from_db()
    other.refresh_from_db()
    with run_worker() as worker:
        wait_for(lambda: "starting" in worker.log_path.read_text(), 30, "the worker starts",
                 interval=0.1)
        for _ in range(30):
            make_payment(busy, 100, "EUR", payment_method="bank_transfer")
        make_payment(demo, 1000, "USD")
        time.sleep(0.3)  # the slow account's attempts are queued first
        make_payment(other, 1000, "USD")
        wait_for(lambda: Delivery.objects.filter(endpoint__account=other,
                                                 attempted_at__isnull=False).exists(),
                 SLOW_ENDPOINTS * SLOW_SECONDS + 30, "the other account's first attempt",
                 interval=0.1)
        [first] = Delivery.objects.filter(endpoint__account=other)
        waited = (first.attempted_at - first.scheduled_for).total_seconds()
        wait_for(lambda: Delivery.objects.filter(endpoint__account=demo,
                                                 status="succeeded").count() == SLOW_ENDPOINTS,
                 SLOW_ENDPOINTS * SLOW_SECONDS + 30, "every slow delivery", interval=0.1)
        settled = not Payment.objects.filter(account=busy, status="pending").exists()
    slowest = list(Delivery.objects.filter(endpoint__account=demo))
    with capsys.disabled():
        print(f"\n[fair delivery] other account's first attempt {waited:.2f} s after its "
              f"event, behind {SLOW_ENDPOINTS} endpoints answering in {SLOW_SECONDS:.0f} s "
              f"and 30 due settlements ({connection.vendor})")
    assert waited < 3.0
    assert first.status == "succeeded" and len(fast.requests) == 1
    assert len(slow.requests) == SLOW_ENDPOINTS and settled
    assert most_at_once(slowest) <= settings.WEBHOOK_CONCURRENCY_PER_ACCOUNT
