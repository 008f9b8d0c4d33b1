"""The task worker outlives its database going away: a SQLite database locked by another
process, a PostgreSQL server stopped and started again. It logs, waits, and delivers
afterwards; it does not exit (django-tasks-db's own `db_worker` does, for good)."""

import contextlib
import os
import shlex
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.support.factories import make_endpoint, make_payment
from tests.support.live_server import run_worker
from tests.support.processes import wait_for
from webhooks_app.models import Delivery

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]
DATABASE_QUEUE = {"BACKEND": "django_tasks_db.DatabaseBackend",
                  "QUEUES": ["default", "webhooks", "webhook-retries", "settlements"]}


@pytest.fixture
def hooks(settings, receiver):
    """A receiver, and this process enqueueing into the database queue the worker reads."""
    settings.TASKS = {"default": DATABASE_QUEUE}
    return receiver


def pay(account):
    return make_payment(account, 1000, "USD")


def all_succeeded() -> bool:
    return not Delivery.objects.exclude(status="succeeded").exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="locks a SQLite database")
def test_the_worker_waits_out_a_locked_sqlite_database_then_delivers(demo, hooks):
    make_endpoint(demo, hooks.url, ["payment.completed"])
    demo.refresh_from_db()
    hooks.delay = 1.0  # the answer comes back while the database is locked
    # The worker gives up on a lock after 0.1 s instead of 20, so a few seconds are plenty.
    impatient = {"DJANGO_SETTINGS_MODULE": "tests.ops.settings_impatient_sqlite"}
    with run_worker(extra_env=impatient) as worker:
        pay(demo)
        wait_for(lambda: hooks.requests, 20, "the first delivery is sent", interval=0.1)
        locker = sqlite3.connect(connection.settings_dict["NAME"], timeout=10,
                                 isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")  # no other process may write until we end it
        time.sleep(4)
        locker.execute("ROLLBACK")
        locker.close()
        pay(demo)
        wait_for(lambda: Delivery.objects.filter(status="succeeded").count() == 2, 30,
                 "both events are delivered after the lock", interval=0.1)
        assert worker.poll() is None, "the worker exited"
        log = worker.log_path.read_text()
    assert "database unavailable (OperationalError: database is locked)" in log
    assert "the database is back" in log
    assert all_succeeded()
    ids = [received.headers["webhook-id"] for received in hooks.requests]
    # The first answer could not be recorded while locked: that attempt was made again.
    assert len(set(ids)) == 2 and len(ids) <= 3


def _postgres_commands() -> tuple[list[str], list[str]]:
    """Stop the cluster of scripts/with-postgres (ending every connection; not "immediate":
    with durability off, as with-postgres runs it, a crash would lose the last commits); start
    it again with its own options (`pg_ctl restart` reads them back from the data
    directory)."""
    restart = shlex.split(os.environ["PG_RESTART_COMMAND"])
    data = restart[restart.index("-D") + 1]
    pg_ctl = next(i for i, arg in enumerate(restart) if arg.endswith("/pg_ctl"))
    as_owner = [*restart[: pg_ctl + 1], "-D", data, "-w", "-t", "60"]
    log = str(Path(data).parent / "postgres.log")
    return ([*as_owner, "-m", "fast", "stop"],
            [*as_owner, "-l", log, "-m", "fast", "restart"])


@contextlib.contextmanager
def postgres_down(seconds: float):
    stop, start = _postgres_commands()
    subprocess.run(stop, check=True, timeout=60, capture_output=True)
    try:
        time.sleep(seconds)
    finally:
        subprocess.run(start, check=True, timeout=90, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        connection.close()  # this process's connection died with the server
    yield


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.skipif(not os.environ.get("PG_RESTART_COMMAND"),
                    reason="needs the PostgreSQL of scripts/with-postgres")
@pytest.mark.disruptive
def test_the_worker_waits_out_a_stopped_postgresql_then_delivers(demo, hooks):
    make_endpoint(demo, hooks.url, ["payment.completed"])
    demo.refresh_from_db()
    with run_worker() as worker:
        pay(demo)
        wait_for(lambda: Delivery.objects.filter(status="succeeded").count() == 1, 20,
                 "the first event is delivered", interval=0.1)
        with postgres_down(4):
            pass
        pay(demo)
        wait_for(lambda: Delivery.objects.filter(status="succeeded").count() == 2, 45,
                 "the event created after the restart is delivered", interval=0.1)
        assert worker.poll() is None, "the worker exited"
        log = worker.log_path.read_text()
    assert "database unavailable (OperationalError" in log
    assert "the database is back" in log
    assert all_succeeded()
    assert len({received.headers["webhook-id"] for received in hooks.requests}) == 2
    assert len(hooks.requests) <= 3  # at least once: an attempt cut off may be made again
