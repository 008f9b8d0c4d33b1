"""Celery as the task engine for real: Redis as the broker (scripts/with-redis), worker
processes (`manage.py worker` under TASKS_BACKEND=celery), PostgreSQL. A payment settles and
its events are delivered end to end; a worker SIGKILLed in the middle of a delivery leaves
the task unacknowledged in Redis, and it is run again once the visibility timeout has passed
(late acknowledgement), by the worker started in its place, with no scheduler to help.
"""

import json
import os
import signal
import time

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from tests.support.factories import make_endpoint, make_payment
from tests.support.live_server import run_worker
from tests.support.processes import wait_for
from webhooks_app.models import Delivery

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.live,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)"),
    pytest.mark.django_db(transaction=True),
]
VISIBILITY = 8  # seconds: short, for the test (the default is 300)
CELERY_WORKER = {"TASKS_BACKEND": "celery", "CELERY_VISIBILITY_TIMEOUT_SECONDS": str(VISIBILITY),
                 "CELERY_RESTORE_INTERVAL_SECONDS": "1", "LOG_LEVEL": "INFO"}


@pytest.fixture
def broker(settings, monkeypatch):
    """This process enqueues into Celery (config.celery's app, the broker of REDIS_URL), on
    an empty broker database."""
    for name in ("CELERY_LOG_LEVEL", "CELERY_LOG_FILE", "CELERY_LOG_REDIRECT",
                 "CELERY_LOG_REDIRECT_LEVEL"):  # left by an embedded worker's log set-up
        monkeypatch.delenv(name, raising=False)
    settings.TASKS = {"default": {"BACKEND": "core.celery_backend.CeleryBackend",
                                  "QUEUES": django_settings.TASK_QUEUES,
                                  "OPTIONS": {"CELERY_APP": "config.celery.app"}}}
    client = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def ready(worker) -> bool:
    return " ready." in worker.log_path.read_text()


def test_a_payment_settles_and_its_events_are_delivered_through_celery(
        demo, settings, broker, receiver):
    settings.SETTLEMENT_DELAY_SECONDS = 1
    make_endpoint(demo, receiver.url, ["payment.created", "payment.completed"])
    demo.refresh_from_db()
    with run_worker(extra_env=CELERY_WORKER) as worker:
        wait_for(lambda: ready(worker), 30, "the Celery worker is ready")
        payment = make_payment(demo, 1000, "USD", payment_method="bank_transfer")
        assert payment.status == "pending"
        wait_for(lambda: Delivery.objects.filter(status="succeeded").count() == 2, 30,
                 "settled, and both events delivered")
        log = worker.log_path.read_text()
    payment.refresh_from_db()
    assert payment.status == "completed"
    assert "payments.tasks.settle_payment" in log and "celery@" not in log
    assert len(receiver.requests) == 2
    assert not broker.hlen("unacked")  # every task acknowledged once done


def test_a_celery_worker_killed_mid_task_has_its_task_run_again(
        demo, broker, receiver, capsys):
    receiver.delay = 3.0  # the worker dies while it waits for the answer
    make_endpoint(demo, receiver.url, ["payment.completed"])
    demo.refresh_from_db()
    # No scheduler: what brings the task back is the broker (late ack + visibility timeout).
    with run_worker(extra_env=CELERY_WORKER, args=("--no-scheduler",)) as doomed:
        wait_for(lambda: ready(doomed), 30, "the first Celery worker is ready")
        make_payment(demo, 1000, "USD")
        wait_for(lambda: receiver.requests, 30, "the first worker sends the event")
        os.killpg(doomed.pid, signal.SIGKILL)
        doomed.wait()
        killed = time.monotonic()
    [(_, held)] = broker.hgetall("unacked").items()  # taken, never acknowledged
    assert json.loads(held)[0]["headers"]["task"] == "webhooks_app.tasks.attempt_delivery"
    assert Delivery.objects.get().status == "pending"
    receiver.delay = 0.0
    with run_worker(extra_env=CELERY_WORKER, args=("--no-scheduler",)) as survivor:
        wait_for(lambda: len(receiver.requests) == 2, VISIBILITY + 20,
                 "the attempt is made again")
        resent = time.monotonic() - killed
        wait_for(lambda: Delivery.objects.filter(status="succeeded").exists(), 20,
                 "the attempt is recorded")
        time.sleep(2)  # nothing else arrives
        assert survivor.poll() is None
    with capsys.disabled():
        print(f"\n[killed Celery worker] its delivery was sent again {resent:.1f} s after the "
              f"kill (visibility timeout {VISIBILITY} s)")
    assert resent < VISIBILITY + 5
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert len(ids) == 2 and len(set(ids)) == 1
    [delivery] = Delivery.objects.all()
    assert (delivery.attempt, delivery.status) == (1, "succeeded")
    assert not broker.hlen("unacked")
