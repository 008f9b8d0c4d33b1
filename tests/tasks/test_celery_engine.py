"""Celery as the task engine (core.celery_backend), in this process: an in-memory broker and a
worker embedded in the test process (celery.contrib.testing), on SQLite as on PostgreSQL,
no Redis needed. What a task relies on whatever the engine: enqueued only once the change
commits, the per-account limit on webhook attempts, a task due far off waiting in hops
rather than in a worker's hands, a database outage waited out.

The same engine with Redis and real worker processes (killed among other things):
tests/tasks/test_celery_live.py; a whole cluster under faults: `make soak-short TASKS=celery`.
"""

import threading
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import before_task_publish
from django.core.cache import cache
from django.db import OperationalError, transaction
from django.tasks import task_backends
from django.utils import timezone

from core import celery_backend, periodic
from core.tasks import CONCURRENCY_LIMITS, live_task_values
from payments import tasks as payment_tasks
from payments.models import Payment
from tests.support.celery_app import QUEUES, app
from tests.support.factories import make_account, make_endpoint, make_payment
from tests.support.processes import wait_for
from webhooks_app import tasks as webhook_tasks
from webhooks_app.models import Delivery

pytestmark = pytest.mark.django_db(transaction=True)
CELERY = {"BACKEND": "core.celery_backend.CeleryBackend", "QUEUES": QUEUES,
          "OPTIONS": {"CELERY_APP": "tests.support.celery_app.app"}}


def drain() -> list:
    """Take every message off our queues of the in-memory broker: [(queue, message)]."""
    taken = []
    with app.connection_for_read() as connection:
        for name in QUEUES:
            queue = connection.SimpleQueue(name)
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    break
                message.ack()
                taken.append((name, message))
            queue.close()
    return taken


@pytest.fixture
def celery(settings):
    """This process enqueues into the in-memory broker (nothing runs until `worker`)."""
    settings.TASKS = {"default": CELERY}
    # Registered with the app before a worker starts (its consumer knows the tasks it was
    # started with), as they are in a process whose TASKS_BACKEND is celery from the start.
    for each in (payment_tasks.settle_payment, webhook_tasks.attempt_delivery,
                 periodic.maintenance):
        task_backends["default"].validate_task(each)
    cache.clear()
    drain()
    yield app
    drain()


@pytest.fixture
def worker(celery):
    with start_worker(app, pool="threads", concurrency=4, perform_ping_check=False,
                      queues=",".join(QUEUES), shutdown_timeout=30) as embedded:
        yield embedded


@pytest.fixture
def published():
    """Every task published (apply_async, by enqueue or a deferral): (name, headers)."""
    seen = []

    def record(sender=None, headers=None, **kwargs):
        seen.append((sender, dict(headers or {})))

    before_task_publish.connect(record, weak=False)
    yield seen
    before_task_publish.disconnect(record)


def test_the_engine_is_registered_with_late_acknowledgement_and_retries(celery):
    from config.celery import app as project_app  # what TASKS_BACKEND=celery uses
    from config.settings import CELERY_BROKER_TRANSPORT_OPTIONS, next_redis_database

    task = app.tasks["payments.tasks.settle_payment"]
    assert isinstance(task, celery_backend.Task)
    assert task.acks_late and task.reject_on_worker_lost
    assert task.autoretry_for == celery_backend.TRANSIENT_ERRORS and task.max_retries == 5
    assert project_app.conf.worker_prefetch_multiplier == 1
    assert project_app.conf.task_acks_late and project_app.conf.task_reject_on_worker_lost
    assert CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == 300
    assert next_redis_database("redis://h:6379/0") == "redis://h:6379/1"
    assert next_redis_database("redis://h:6379") == "redis://h:6379/1"


def test_tasks_are_published_only_once_the_change_commits(demo, celery, receiver):
    make_endpoint(demo, receiver.url, ["payment.created"])
    demo.refresh_from_db()
    with transaction.atomic():
        payment = make_payment(demo, 1000, "USD", payment_method="bank_transfer")
        assert drain() == []  # nothing reaches the broker inside the transaction
    taken = {(queue, message.headers["task"]): message for queue, message in drain()}
    assert set(taken) == {("settlements", "payments.tasks.settle_payment"),
                          ("webhooks", "webhooks_app.tasks.attempt_delivery")}
    settle = taken["settlements", "payments.tasks.settle_payment"]
    assert settle.payload[1] == {"payment_id": payment.public_id}
    assert settle.headers["eta"]  # at the end of the settlement delay
    with pytest.raises(RuntimeError), transaction.atomic():
        make_payment(demo, 1000, "USD", payment_method="bank_transfer")
        raise RuntimeError("rolled back")
    assert drain() == []  # a rolled-back change enqueues nothing


def test_a_payment_settles_and_its_events_are_delivered(demo, settings, worker, receiver):
    settings.SETTLEMENT_DELAY_SECONDS = 1
    make_endpoint(demo, receiver.url, ["payment.created", "payment.completed"])
    demo.refresh_from_db()
    payment = make_payment(demo, 1000, "USD", payment_method="bank_transfer")
    assert payment.status == "pending"
    wait_for(lambda: Delivery.objects.filter(status="succeeded").count() == 2, 20,
             "the payment settles and both events are delivered")
    payment.refresh_from_db()
    assert payment.status == "completed"
    assert [r.headers["webhook-id"] for r in receiver.requests] == list(
        Delivery.objects.order_by("id").values_list("event__public_id", flat=True))


def test_at_most_so_many_attempts_of_one_account_run_at_once(demo, settings, worker, receiver,
                                                              receivers, published):
    settings.WEBHOOK_CONCURRENCY_PER_ACCOUNT = 2
    fast = receivers()
    other = make_account()
    in_flight, most, lock = [0], [0], threading.Lock()
    answer = receiver.answer

    def counting_answer():  # as each POST arrives; it answers 0.4 s later
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.4)
        with lock:  # just before the answer goes out (the place is given back after)
            in_flight[0] -= 1
        return answer()

    receiver.answer = counting_answer
    make_endpoint(demo, receiver.url, ["payment.completed"])
    make_endpoint(other, fast.url, ["payment.completed"])
    demo.refresh_from_db()
    other.refresh_from_db()
    for _ in range(6):
        make_payment(demo, 100, "USD")
    time.sleep(0.2)  # the busy account's attempts are queued first
    make_payment(other, 100, "USD")
    waited = wait_for(lambda: fast.requests, 10, "the other account's attempt")
    wait_for(lambda: Delivery.objects.filter(status="succeeded").count() == 7, 30,
             "every attempt")
    assert most[0] == 2  # the limit, and reached
    assert waited < 2.0  # not behind the busy account's queue
    deferred = [h for name, h in published if h.get(celery_backend.BUSY_HEADER)]
    assert deferred  # some of the busy account's attempts went back on the queue
    assert len(receiver.requests) == 6 and len(fast.requests) == 1
    assert not any(key.startswith("tasks:slot") for key in cache._cache) if hasattr(
        cache, "_cache") else True  # every place given back (local-memory cache)


def test_a_task_due_after_half_the_visibility_timeout_waits_in_hops(demo, settings, worker,
                                                                     published):
    settings.CELERY_VISIBILITY_TIMEOUT_SECONDS = 2  # a hop: 1 s
    settings.SETTLEMENT_DELAY_SECONDS = 3
    payment = make_payment(demo, 1000, "USD", payment_method="bank_transfer")
    assert payment.public_id in live_task_values(payment_tasks.settle_payment, "payment_id")
    time.sleep(2.2)
    payment.refresh_from_db()
    assert payment.status == "pending"  # handed out early, it was published again instead
    wait_for(lambda: Payment.objects.get(pk=payment.pk).status == "completed", 10,
             "the payment settles when due")
    settled = timezone.now()
    hops = [h for name, h in published if name == "payments.tasks.settle_payment"]
    assert len(hops) >= 3  # enqueued, then published again at least twice
    assert all(h.get(celery_backend.RUN_AFTER_HEADER) for h in hops)
    assert settled - payment.created_at >= timedelta(seconds=3)
    assert payment.public_id not in live_task_values(payment_tasks.settle_payment,
                                                     "payment_id")


def test_a_task_failing_on_a_database_outage_is_run_again(demo, settings, worker, monkeypatch):
    settings.SETTLEMENT_DELAY_SECONDS = 0
    settle = payment_tasks.services.payment_settle
    failures = []

    def flaky(**kwargs):
        if not failures:
            failures.append(kwargs)
            raise OperationalError("server closed the connection unexpectedly")
        return settle(**kwargs)

    monkeypatch.setattr(payment_tasks.services, "payment_settle", flaky)
    payment = make_payment(demo, 1000, "USD", payment_method="bank_transfer")
    wait_for(lambda: Payment.objects.get(pk=payment.pk).status == "completed", 15,
             "the settlement is run again")
    assert failures == [{"payment_id": payment.public_id}]


def test_webhook_attempts_declare_their_limit():
    limit = CONCURRENCY_LIMITS[webhook_tasks.attempt_delivery.module_path]
    assert limit.per == "account_id"
