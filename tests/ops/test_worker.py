"""The task worker's parts, in this process: lanes, the per-account limit, taking back the rows
of dead workers, resuming lost work without doubling it, the scheduler's turns."""

import json
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError
from django.db.models import F
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import periodic, tasks
from core.tasks import (
    UNVERIFIABLE_AFTER,
    heartbeat_key,
    live_task_values,
    on_queue,
    task_rows_take_back,
    worker_alive,
    worker_process_id,
)
from core.worker import Lane, parse_lanes
from payments import services as payments
from payments.models import Payment
from tests.support.factories import make_endpoint, make_payment
from webhooks_app import services as webhooks
from webhooks_app.models import Delivery
from webhooks_app.tasks import attempt_delivery

DATABASE_QUEUE = {"BACKEND": "django_tasks_db.DatabaseBackend",
                  "QUEUES": ["default", "webhooks", "webhook-retries", "settlements"]}
CALLS = []


@task
def flaky(fail: bool) -> str:
    CALLS.append(fail)
    if fail:
        raise OperationalError("database is locked")
    return "ok"


def clear_cache():
    """Empty the cache (Redis under scripts/with-redis: a test before may have restarted it,
    leaving a dead connection to fail once)."""
    try:
        cache.clear()
    except Exception:  # noqa: BLE001
        cache.clear()


@pytest.fixture
def queue(db, settings):
    settings.TASKS = {"default": DATABASE_QUEUE}
    clear_cache()
    yield
    clear_cache()


def lane(*queues: str) -> Lane:
    return Lane(queue_names=list(queues), interval=0.1, backend_name="default",
                worker_id=f"{worker_process_id()}/test.1", stopping=threading.Event())


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_lanes_are_read_from_their_spec():
    assert parse_lanes("webhooks=4, webhook-retries=2,settlements+default=1,idle=0") == [
        (["webhooks"], 4), (["webhook-retries"], 2), (["settlements", "default"], 1)]
    assert parse_lanes("*") == [(["*"], 1)]
    with pytest.raises(ValueError):
        parse_lanes("=3")


def test_tasks_go_to_their_queues_and_stay_on_default_where_a_backend_has_no_such_queue(
        queue, settings):
    from payments.tasks import settle_payment

    assert on_queue(settle_payment).queue_name == "settlements"
    assert on_queue(attempt_delivery, "webhook-retries").queue_name == "webhook-retries"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert on_queue(settle_payment).queue_name == "default"


def test_a_lane_claims_only_its_queues(queue):
    on_queue(attempt_delivery, "webhook-retries").enqueue(delivery_id=1, account_id=1)
    assert lane("webhooks").claim() is None
    row, _slot = lane("webhooks", "webhook-retries").claim()
    assert row.status == TaskResultStatus.RUNNING and row.queue_name == "webhook-retries"


def test_an_account_at_its_limit_is_passed_over_for_the_rows_behind_it(queue, settings):
    settings.WEBHOOK_CONCURRENCY_PER_ACCOUNT = 2
    first = on_queue(attempt_delivery, "webhooks")
    for n in range(50):  # more than a lane looks at in one pass
        first.enqueue(delivery_id=n, account_id=7)
    other = first.enqueue(delivery_id=99, account_id=8)
    worker = lane("webhooks")
    claimed = [worker.claim() for _ in range(3)]
    accounts = [row.args_kwargs["kwargs"]["account_id"] for row, _slot in claimed]
    assert accounts == [7, 7, 8]
    assert str(claimed[2][0].id) == str(other.id)
    assert worker.claim() is None  # account 7 has two running, nobody else waits
    claimed[0][1].release()  # one of account 7's ends
    row, _slot = worker.claim()
    assert row.args_kwargs["kwargs"]["account_id"] == 7


def test_no_limit_without_a_cache(queue, settings, monkeypatch):
    settings.WEBHOOK_CONCURRENCY_PER_ACCOUNT = 1

    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "add", down)
    task = on_queue(attempt_delivery, "webhooks")
    for n in range(3):
        task.enqueue(delivery_id=n, account_id=7)
    worker = lane("webhooks")
    assert all(worker.claim() is not None for _ in range(3))


def test_a_task_failing_on_a_database_error_is_run_again_later_not_failed(queue):
    CALLS.clear()
    result = on_queue(flaky).enqueue(fail=True)
    worker = lane("default")
    row, _slot = worker.claim()
    worker.run_task(row)
    row.refresh_from_db()
    assert CALLS == [True]
    assert row.status == TaskResultStatus.READY and row.run_after > timezone.now()
    DBTaskResult.objects.filter(id=result.id).update(
        run_after=timezone.now(), worker_ids=["w"] * 6)  # used up its retries
    row, _slot = worker.claim()
    worker.run_task(row)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED and "database is locked" in row.traceback


def test_a_lane_waits_out_a_database_error_and_carries_on(queue, monkeypatch, caplog):
    worker = lane("default")
    outcomes = [OperationalError("database is locked"), OperationalError("server closed "
                "the connection unexpectedly")]

    def claim():
        if outcomes:
            raise outcomes.pop(0)
        worker.stopping.set()
        return None

    monkeypatch.setattr(worker, "claim", claim)
    monkeypatch.setattr(worker.stopping, "wait", lambda seconds: None)
    worker.run()
    messages = [r.getMessage() for r in caplog.records if r.name == "core.worker"]
    assert sum("database unavailable" in m for m in messages) == 2
    assert any("database is back after 2 failures" in m for m in messages)


def test_the_liveness_of_a_worker(monkeypatch):
    clear_cache()
    now = timezone.now()
    long_ago = now - UNVERIFIABLE_AFTER - timedelta(minutes=1)
    host = worker_process_id().split(":")[0]
    assert worker_alive(f"{worker_process_id()}/webhooks.1", started_at=long_ago, now=now)
    assert not worker_alive(f"{host}:{dead_pid()}:abcdef/webhooks.1", started_at=now,
                            now=now)
    # plain db_worker's ids cannot be checked: alive until UNVERIFIABLE_AFTER
    assert worker_alive("q12GyXj3P6VIeTSdZFRb9T4MkdVIbnJ0", started_at=now, now=now)
    assert not worker_alive("q12GyXj3P6VIeTSdZFRb9T4MkdVIbnJ0", started_at=long_ago, now=now)
    # another host: with a cache only this process sees, it cannot be checked either
    elsewhere = "other-host:4242:abcdef"
    monkeypatch.setattr(tasks, "_shared_cache", lambda: False)
    assert worker_alive(f"{elsewhere}/webhooks.1", started_at=now - timedelta(minutes=5),
                        now=now)
    # with a shared cache (Redis), its heartbeat tells
    monkeypatch.setattr(tasks, "_shared_cache", lambda: True)
    a_minute_ago = now - timedelta(minutes=1)
    assert not worker_alive(f"{elsewhere}/webhooks.1", started_at=a_minute_ago, now=now)
    assert worker_alive(f"{elsewhere}/webhooks.1", started_at=now, now=now)  # too soon to say
    cache.set(heartbeat_key(elsewhere), "now")
    assert worker_alive(f"{elsewhere}/webhooks.1", started_at=a_minute_ago, now=now)
    cache.delete(heartbeat_key(elsewhere))


def test_rows_of_dead_workers_are_run_again_and_failed_after_three_deaths(queue):
    host = worker_process_id().split(":")[0]
    gone = f"{host}:{dead_pid()}:abcdef/webhooks.1"
    task = on_queue(attempt_delivery, "webhooks")
    mine, dead, cursed = (task.enqueue(delivery_id=n, account_id=1) for n in range(3))
    started = timezone.now() - timedelta(minutes=1)
    DBTaskResult.objects.filter(id=mine.id).update(
        status="RUNNING", started_at=started, worker_ids=[f"{worker_process_id()}/w.1"])
    DBTaskResult.objects.filter(id=dead.id).update(
        status="RUNNING", started_at=started, worker_ids=[gone])
    DBTaskResult.objects.filter(id=cursed.id).update(
        status="RUNNING", started_at=started, worker_ids=[gone, gone, gone])
    assert task_rows_take_back(grace=timedelta(0)) == 2
    status = {str(pk): value for pk, value in DBTaskResult.objects.values_list("id", "status")}
    assert [status[str(r.id)] for r in (mine, dead, cursed)] == ["RUNNING", "READY", "FAILED"]
    assert task_rows_take_back(grace=timedelta(0)) == 0


def test_lost_work_is_resumed_once_not_while_its_task_waits(queue, demo):
    make_endpoint(demo, "https://example.com/h", ["payment.created"])
    demo.refresh_from_db()
    payment = make_payment(demo, 500, "EUR", payment_method="bank_transfer")
    long_ago = timezone.now() - timedelta(hours=1)
    Payment.objects.update(created_at=long_ago)
    Delivery.objects.update(scheduled_for=long_ago)
    grace = timedelta(seconds=60)
    # Their tasks are still queued (a backlog): nothing to resume.
    assert payments.payments_settle_overdue(grace=grace) == 0
    assert webhooks.deliveries_resume(grace=grace) == 0
    DBTaskResult.objects.update(status="FAILED")  # lost (failed on an outage, say)
    assert payments.payments_settle_overdue(grace=grace) == 1
    assert webhooks.deliveries_resume(grace=grace) == 1
    assert payments.payments_settle_overdue(grace=grace) == 0
    assert webhooks.deliveries_resume(grace=grace) == 0
    queued = {(r.queue_name, r.task_path.rsplit(".", 1)[1],
               json.dumps(r.args_kwargs["kwargs"], sort_keys=True))
              for r in DBTaskResult.objects.filter(status="READY")}
    delivery = Delivery.objects.get()
    assert queued == {
        ("settlements", "settle_payment", json.dumps({"payment_id": payment.public_id})),
        ("webhooks", "attempt_delivery", json.dumps({"account_id": demo.pk,
                                                     "delivery_id": delivery.pk})),
    }
    assert live_task_values(attempt_delivery, "delivery_id") == {delivery.pk}


def test_lost_work_of_an_account_whose_clock_was_advanced_is_resumed_on_the_wall_clock(
        queue, demo):
    """Its times are on its own clock (a day ahead here): lost work counts as overdue by how
    long ago, on the wall, it was due, not a day late."""
    make_endpoint(demo, "https://example.com/h", ["payment.created"])
    demo.clock_offset_seconds = 86_400
    demo.save(update_fields=["clock_offset_seconds"])
    demo.refresh_from_db()
    make_payment(demo, 500, "EUR", payment_method="bank_transfer")
    assert Payment.objects.get().created_at > timezone.now() + timedelta(hours=23)
    DBTaskResult.objects.update(status="FAILED")
    grace = timedelta(seconds=60)
    assert payments.payments_settle_overdue(grace=grace) == 0  # due in a moment, not lost
    assert webhooks.deliveries_resume(grace=grace) == 0
    two_minutes = timedelta(minutes=2)
    Payment.objects.update(created_at=F("created_at") - two_minutes
                           - timedelta(seconds=settings.SETTLEMENT_DELAY_SECONDS))
    Delivery.objects.update(scheduled_for=F("scheduled_for") - two_minutes)
    assert payments.payments_settle_overdue(grace=grace) == 1
    assert webhooks.deliveries_resume(grace=grace) == 1


def test_one_scheduler_tick_per_interval_across_processes(queue, settings, monkeypatch):
    ran = []
    monkeypatch.setattr(periodic, "run_periodic_jobs",
                        lambda **kwargs: ran.append(kwargs) or {"x": 0})
    assert periodic.scheduler_tick() == {"x": 0}
    assert periodic.scheduler_tick() is None  # another process's turn was taken
    assert ran == [{"grace": timedelta(seconds=settings.TASK_RESUME_GRACE_SECONDS),
                    "frequent_only": True}]
    assert [r.task_path for r in DBTaskResult.objects.all()] == ["core.periodic.maintenance"]
    cache.delete(periodic.TICK_CACHE_KEY)
    periodic.scheduler_tick()
    assert DBTaskResult.objects.count() == 1  # maintenance: once an hour
