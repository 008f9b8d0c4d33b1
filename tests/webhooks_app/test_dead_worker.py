"""A worker SIGKILLed in the middle of a delivery: another worker's scheduler takes its task row
back and makes the attempt again, with no traffic, well within two minutes; the receiver gets
the event once more at most."""

import os
import signal
import time

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tests.support.factories import make_endpoint, make_payment
from tests.support.live_server import run_worker
from tests.support.processes import wait_for
from webhooks_app.models import Delivery

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.live,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
DATABASE_QUEUE = {"BACKEND": "django_tasks_db.DatabaseBackend",
                  "QUEUES": ["default", "webhooks", "webhook-retries", "settlements"]}
BOUND = 120.0  # the contract: work left by a dead worker resumes within 2 minutes


def test_a_delivery_cut_off_by_a_killed_worker_is_made_again_within_two_minutes(
        demo, receiver, settings, capsys):
    settings.TASKS = {"default": DATABASE_QUEUE}
    receiver.delay = 3.0  # a slow receiver: the worker dies while it waits for the answer
    make_endpoint(demo, receiver.url, ["payment.completed"])
    demo.refresh_from_db()
    with run_worker() as doomed:
        make_payment(demo, 1000, "USD")
        wait_for(lambda: receiver.requests, 30, "the first worker sends the event")
        with run_worker() as survivor:
            wait_for(lambda: "starting" in survivor.log_path.read_text(), 30,
                     "the second worker starts")
            time.sleep(1)  # its first scheduler tick, with both alive, has taken its turn
            os.killpg(doomed.pid, signal.SIGKILL)
            doomed.wait()
            [row] = DBTaskResult.objects.filter(task_path__endswith="attempt_delivery")
            assert row.status == "RUNNING"  # what a dead worker leaves behind
            resent = wait_for(lambda: len(receiver.requests) == 2, BOUND,
                              "the attempt is made again")
            recorded = wait_for(lambda: Delivery.objects.filter(status="succeeded").exists(),
                                30, "the attempt is recorded") + resent
            time.sleep(receiver.delay + 1)  # nothing else arrives
            assert survivor.poll() is None
            log = survivor.log_path.read_text()
    with capsys.disabled():
        print(f"\n[killed worker] its delivery was sent again {resent:.1f} s after the kill, "
              f"recorded at {recorded:.1f} s (bound {BOUND:.0f} s)")
    assert resent < BOUND
    assert "its worker" in log and "is gone; queued again" in log
    assert [r.headers["webhook-id"] for r in receiver.requests] == [
        receiver.requests[0].headers["webhook-id"]] * 2
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL" and len(row.worker_ids) == 2
    [delivery] = Delivery.objects.all()
    assert (delivery.attempt, delivery.status) == (1, "succeeded")
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()
