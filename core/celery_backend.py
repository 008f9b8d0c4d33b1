"""Celery as the task engine (TASKS_BACKEND=celery): django-tasks-celery's backend, and the
base of the Celery tasks it makes of ours (config/celery.py), so that a task behaves as it
does on the database queue:

- enqueued only once the change commits (`core.tasks.enqueue_on_commit`);
- acknowledged late: a task whose worker is killed is run again, by another worker or the
  same one started again, once the broker's visibility timeout has passed
  (CELERY_VISIBILITY_TIMEOUT_SECONDS; the settings say more);
- run again after a pause, up to MAX_TASK_RETRIES times, when it fails on a database that
  went away (a restarting PostgreSQL), rather than failed;
- held to its `core.tasks.limit_concurrency` limit (webhook attempts per account): a task
  whose key has no free place goes back on its queue for a moment, while the work behind it
  runs;
- a task due later than half the visibility timeout (a webhook retry in five hours) is not
  handed to a worker to hold until then, which Redis would hand out again each visibility
  timeout: it is published to wait half of it at most, and each time it comes due early it
  is published again for the next hop (RUN_AFTER_HEADER says when it is really due).

`run_worker` is what `manage.py worker` runs under this engine: a Celery worker on the
project's queues, with the scheduler (`core.periodic.scheduler_tick`) in a thread beside it.
"""

import logging
import os
import random
import signal
import threading
import time
from datetime import datetime, timedelta

from celery import Task as CeleryTask
from celery.exceptions import Ignore, Retry
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.tasks.backends.base import BaseTaskBackend
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_celery import CeleryBackend as PackageCeleryBackend
from django_tasks_celery import register
from django_tasks_celery.register import ensure_celery_task

from core import periodic
from core.tasks import Busy, note_done, note_queued, take_place

logger = logging.getLogger(__name__)

RUN_AFTER_HEADER = "django_run_after"
BUSY_HEADER = "django_busy"  # how often the task found its key at its concurrency limit
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
MAX_TASK_RETRIES = 5
# A task whose key is at its concurrency limit waits this long for a place to free up, then
# is published again to run 0.5 s later, 1 s the next time, 2 s... up to BUSY_DELAY_MAX
# (jittered): a backlog of one account costs a few deferrals per task, not one a second.
BUSY_WAIT = 0.2
BUSY_DELAY_MAX = 8.0


def hop() -> timedelta:
    """The longest a published task may wait for its time (half the visibility timeout)."""
    return timedelta(seconds=settings.CELERY_VISIBILITY_TIMEOUT_SECONDS / 2)


class CeleryBackend(PackageCeleryBackend):
    """django-tasks-celery's backend: tasks are registered as they are defined (an error
    then is raised, not logged at debug level and the task left unregistered), with the app
    of this backend's CELERY_APP even when another app got them first (the package registers
    a task with the first app only), and those due far off are published in hops."""

    def validate_task(self, task) -> None:
        BaseTaskBackend.validate_task(self, task)
        app = self._get_celery_app()
        ensure_celery_task(task, app, self)
        if task.module_path not in app.tasks:
            register._register_on_app(task.module_path, register._make_run_fn(task, self), app)

    notes_queued_tasks = True  # core.tasks.live_task_values asks the cache

    def enqueue(self, task, args, kwargs):
        result = super().enqueue(task, args, kwargs)
        note_queued(task.module_path, kwargs,
                    until=max(timezone.now(), task.run_after or timezone.now()) + lost_after())
        return result

    def _get_celery_app(self):
        return import_string(self.options.get("CELERY_APP", "config.celery.app"))

    def _build_send_options(self, task) -> dict:
        options = super()._build_send_options(task)
        if task.run_after is not None:
            options.update(hop_options(task.run_after))
        return options


def lost_after() -> timedelta:
    """How long after it was due a task not done counts as lost (its worker died, and the
    broker should have handed it out again by then)."""
    return timedelta(seconds=settings.CELERY_VISIBILITY_TIMEOUT_SECONDS
                     + settings.CELERY_RESTORE_INTERVAL_SECONDS + 10)


def hop_options(run_after: datetime) -> dict:
    """apply_async options for a task due at `run_after`: at most one hop away."""
    soonest = timezone.now() + hop()
    if run_after <= soonest:
        return {"eta": run_after}
    return {"eta": soonest, "headers": {RUN_AFTER_HEADER: run_after.isoformat()}}


def _due(request) -> datetime | None:
    value = request.get(RUN_AFTER_HEADER) or (request.headers or {}).get(RUN_AFTER_HEADER)
    return datetime.fromisoformat(value) if value else None


class Task(CeleryTask):
    """The base of the Celery tasks made of our `django.tasks` tasks (config.celery)."""

    autoretry_for = TRANSIENT_ERRORS
    max_retries = MAX_TASK_RETRIES
    retry_backoff = 1  # 1, 2, 4, 8, 16 s (jittered)
    retry_backoff_max = 60
    retry_jitter = True
    _limit_warned = 0.0

    def __call__(self, *args, **kwargs):
        request = self.request
        if request.called_directly:
            return super().__call__(*args, **kwargs)
        # The worker's tracer has pushed this request (with its id, headers, retries): run
        # here, without Celery's __call__, which would push a bare one over it. Connections
        # are looked after as for a request (CONN_MAX_AGE, health checks), whether or not
        # Celery's Django fixup closes them too.
        close_old_connections()
        try:
            return self._call(request, *args, **kwargs)
        finally:
            close_old_connections()

    def _call(self, request, *args, **kwargs):
        due = _due(request)
        if due is not None and due > timezone.now() + timedelta(seconds=0.05):
            self.defer(**hop_options(due))
        try:
            place = self.place(kwargs)
        except Busy:
            busy = int(request.get(BUSY_HEADER) or (request.headers or {}).get(BUSY_HEADER) or 0)
            delay = min(BUSY_DELAY_MAX, 0.5 * 2 ** busy) * random.uniform(0.5, 1.5)  # noqa: S311
            self.defer(countdown=delay, headers={BUSY_HEADER: busy + 1})
        except Exception as exc:  # noqa: BLE001 - no cache, no limit: run it
            place = None
            if time.monotonic() > Task._limit_warned + 60:
                Task._limit_warned = time.monotonic()
                logger.warning("Concurrency limits not applied, the cache is unavailable "
                               "(%s: %s)", type(exc).__name__, exc)
        try:
            result = self.run(*args, **kwargs)
        except Retry:  # published again (a database outage): still queued
            note_queued(self.name, kwargs, until=timezone.now() + lost_after()
                        + timedelta(seconds=self.retry_backoff_max))
            raise
        except BaseException:
            note_done(self.name, kwargs)
            raise
        finally:
            if place is not None:
                place.release()
        note_done(self.name, kwargs)
        return result

    def place(self, kwargs: dict):
        """A place under the task's concurrency limit (None: it has none), waiting up to
        BUSY_WAIT for one; Busy when none came free."""
        owner = f"{self.request.hostname}:{self.request.id}"
        give_up = time.monotonic() + BUSY_WAIT
        while True:
            try:
                return take_place(self.name, kwargs, owner)
            except Busy:
                if time.monotonic() > give_up:
                    raise
                time.sleep(0.02)

    def defer(self, *, eta: datetime | None = None, countdown: float | None = None,
              headers: dict | None = None):
        """Publish this task again (same id, queue, arguments and retries) to run later, then
        end this delivery of it: it is acknowledged only once the new one is in the
        broker."""
        request = self.request
        options = {"eta": eta} if eta is not None else {"countdown": countdown}
        if headers is not None:
            options["headers"] = {**(request.headers or {}), **headers}
        self.signature_from_request(request, **options).apply_async()
        due = eta or timezone.now() + timedelta(seconds=countdown or 0)
        note_queued(self.name, request.kwargs, until=due + lost_after())
        raise Ignore()


# --- The worker --------------------------------------------------------------------------------


def _scheduler(stopping: threading.Event, interval: float) -> None:
    delay = random.uniform(0, 2)  # noqa: S311 - processes started together spread out
    while not stopping.wait(delay):
        try:
            periodic.scheduler_tick()
        except Exception as exc:  # noqa: BLE001 - the next tick tries again
            logger.warning("Scheduler tick failed (%s: %s); next in %.0f s",
                           type(exc).__name__, exc, interval)
        finally:
            for connection in connections.all(initialized_only=True):
                connection.close()
        delay = interval


def _watch_supervisor(stopping: threading.Event) -> None:
    """Started by `core.supervise` (SUPERVISOR_PID): stop (warm shutdown) when it is gone."""
    parent = os.environ.get("SUPERVISOR_PID", "")
    while parent.isdigit() and not stopping.wait(5):
        if os.getppid() != int(parent):
            logger.warning("Celery worker %s: its supervisor is gone; stopping", os.getpid())
            os.kill(os.getpid(), signal.SIGTERM)
            return


def worker_argv(lanes: list[tuple[list[str], int]]) -> list[str]:
    """The `celery worker` arguments for TASK_WORKER_QUEUES-style lanes: their queues ("*":
    all), as many pool threads (or processes) as their threads added up."""
    queues = [q for names, _ in lanes for q in names]
    queues = settings.TASK_QUEUES if "*" in queues else list(dict.fromkeys(queues))
    concurrency = sum(count for _, count in lanes)
    return ["worker", "--queues", ",".join(queues), "--concurrency", str(concurrency),
            "--pool", settings.CELERY_WORKER_POOL, "--hostname", f"worker-{os.getpid()}@%h",
            "--loglevel", os.environ.get("LOG_LEVEL") or "INFO",
            "--without-gossip", "--without-mingle"]


def run_worker(*, lanes: list[tuple[list[str], int]], scheduler: bool,
               scheduler_interval: float) -> None:
    """A Celery worker (returns when it has stopped: SIGTERM lets the running tasks finish,
    and the tasks it held but had not begun go back to the broker)."""
    app = import_string(settings.TASKS["default"].get("OPTIONS", {}).get(
        "CELERY_APP", "config.celery.app"))
    stopping = threading.Event()
    threading.Thread(target=_watch_supervisor, args=(stopping,), daemon=True,
                     name="supervisor-watch").start()
    if scheduler:
        threading.Thread(target=_scheduler, args=(stopping, scheduler_interval), daemon=True,
                         name="scheduler").start()
    argv = worker_argv(lanes)
    logger.warning("Celery worker %s starting: %s%s", os.getpid(), " ".join(argv[1:7]),
                   f"; scheduler every {scheduler_interval:.0f} s" if scheduler else "")
    try:
        app.worker_main(argv)
    finally:
        stopping.set()
