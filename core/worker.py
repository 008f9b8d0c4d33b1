"""The task worker (`manage.py worker`): django-tasks-db's worker loop, made to last and fair.

One process runs *lanes*: threads, each claiming rows of its own queues (the layout is
`TASK_WORKER_QUEUES`, e.g. four threads for first webhook attempts, two for retries, one for
settlements, one for the rest), so that no kind of work waits behind another. Besides them:

- a heartbeat thread, which tells the other processes (through the shared cache) that this
  one is alive, so that the rows it is running are not taken back (`core.tasks.worker_alive`);
- the scheduler thread, which runs `core.periodic.scheduler_tick` every
  `TASK_SCHEDULER_INTERVAL_SECONDS`: rows of dead workers are run again, overdue
  settlements and deliveries resumed, the hourly maintenance enqueued. No traffic needed.

A lane survives the database going away (locked, connection lost, server restarting): it
logs, closes its connections, waits (0.5 s doubling up to 30 s) and carries on; a row whose
outcome could not be recorded is put back when the database returns, and a task that failed
on such an error is run again after a pause rather than failed. A lane claims a row of a task
declared with `core.tasks.limit_concurrency` only while its key (an account) has a free place,
and meanwhile claims the rows behind it.

Signals: the first SIGTERM or SIGINT lets the running tasks finish, the second exits at once.
Started by `core.supervise` (whose pid is in SUPERVISOR_PID), it also stops when that parent
is gone.
"""

import logging
import os
import random
import signal
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import Error as DatabaseError
from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    connections,
)
from django.db.models import Q
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskContext, TaskResultStatus
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from core import periodic
from core.tasks import (
    CONCURRENCY_LIMITS,
    HEARTBEAT_SECONDS,
    Busy,
    Place,
    heartbeat,
    take_place,
    worker_process_id,
)

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError)
CANDIDATES = 20  # rows a lane looks at per pass when some are held back by their limit
PASSES = 5
MAX_TASK_RETRIES = 5  # a task failing on a transient database error is run again this often


def parse_lanes(spec: str) -> list[tuple[list[str], int]]:
    """"webhooks=4,webhook-retries=2,settlements+default=1" -> [(queues, threads), ...]
    ("*" is every queue; a missing "=n" is one thread)."""
    lanes = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        queues, _, threads = part.partition("=")
        names = [q.strip() for q in queues.split("+") if q.strip()]
        count = int(threads) if threads.strip() else 1
        if not names or count < 0:
            raise ValueError(f"not a lane: {part!r} (expected queue[+queue]=threads)")
        if count:
            lanes.append((names, count))
    if not lanes:
        raise ValueError(f"no lanes in {spec!r}")
    return lanes


class Backoff:
    """0.5 s, doubling up to `cap`, with jitter; reset after a success."""

    def __init__(self, first: float = 0.5, cap: float = 30.0):
        self.first, self.cap, self.failures = first, cap, 0

    def next(self) -> float:
        self.failures += 1
        delay = min(self.cap, self.first * 2 ** (self.failures - 1))
        return delay * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not cryptography


def _close_connections() -> None:
    for each in connections.all(initialized_only=True):
        with suppress(Exception):
            each.close()


def _brief(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:300]}"


class Lane(Worker):
    """One thread of a worker process: django-tasks-db's `Worker`, with its loop replaced."""

    def __init__(self, *, queue_names: list[str], interval: float, backend_name: str,
                 worker_id: str, stopping: threading.Event):
        super().__init__(queue_names=queue_names, interval=interval, batch=False,
                         backend_name=backend_name, startup_delay=False, max_tasks=None,
                         worker_id=worker_id, excluded_queue_names=[])
        self.stopping = stopping
        self.orphan = None  # a row we claimed whose outcome could not be recorded
        self.backoff = Backoff()
        self._limit_warned = 0.0

    # --- the loop -------------------------------------------------------------------------

    def run(self) -> None:
        logger.debug("Lane %s: queues %s", self.worker_id, ",".join(self.queue_names))
        try:
            while not self.stopping.is_set():
                self.step()
        finally:
            _close_connections()

    def step(self) -> None:
        """Claim and run one row, or wait; a database error is logged and waited out."""
        try:
            close_old_connections()
            self.put_back_orphan()
            claimed = self.claim()
        except Exception as exc:  # noqa: BLE001 - a worker must outlive any one failure
            self.trouble(exc)
            return
        self.recovered()
        if claimed is None:
            self.stopping.wait(self.interval)
            return
        row, slot = claimed
        try:
            self.run_task(row)
        except Exception as exc:  # noqa: BLE001 - recording the outcome failed
            self.orphan = row.id
            self.trouble(exc)
        finally:
            if slot is not None:
                slot.release()

    def trouble(self, exc: Exception) -> None:
        delay = self.backoff.next()
        if isinstance(exc, DatabaseError):
            logger.warning("Lane %s: database unavailable (%s); retrying in %.1f s "
                           "(failure %d)", self.worker_id, _brief(exc), delay,
                           self.backoff.failures)
        else:
            logger.exception("Lane %s: unexpected error; retrying in %.1f s", self.worker_id,
                             delay)
        _close_connections()
        self.stopping.wait(delay)

    def recovered(self) -> None:
        if self.backoff.failures:
            logger.warning("Lane %s: the database is back after %d failures", self.worker_id,
                           self.backoff.failures)
            self.backoff.failures = 0

    def put_back_orphan(self) -> None:
        """A row we were running when the database went away is queued again (its task may
        have run: tasks are safe to run twice)."""
        if self.orphan is not None:
            DBTaskResult.objects.filter(id=self.orphan, status=TaskResultStatus.RUNNING
                                        ).update(status=TaskResultStatus.READY)
            self.orphan = None

    # --- claiming ---------------------------------------------------------------------------

    def ready(self):
        rows = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            rows = rows.filter(queue_name__in=self.queue_names)
        return rows

    def claim(self) -> tuple[DBTaskResult, Place | None] | None:
        """The next ready row of this lane's queues that may run now, claimed; rows of a key
        at its limit are passed over (and those of the same key behind them, by a filter)."""
        ready = self.ready()
        if not ready.exists():  # a plain read: SQLite's write lock only when there is work
            return None
        held_back: dict[tuple[str, str], set] = {}
        for _ in range(PASSES):
            rows = ready
            for (task_path, kwarg), values in held_back.items():
                rows = rows.exclude(Q(task_path=task_path)
                                    & Q(**{f"args_kwargs__kwargs__{kwarg}__in": list(values)}))
            slot = None
            try:
                with exclusive_transaction(rows.db):
                    candidates = list(rows.select_for_update(skip_locked=True)[:CANDIDATES])
                    for row in candidates:
                        if self.held(row, held_back):
                            continue
                        try:
                            slot = self.place_for(row)
                        except Busy as busy:
                            held_back.setdefault(busy.args[0], set()).add(busy.args[1])
                            continue
                        row.claim(self.worker_id)
                        break
                    else:
                        row = None
            except BaseException:
                if slot is not None:
                    slot.release()
                raise
            if row is not None:
                return row, slot
            if len(candidates) < CANDIDATES:
                return None
        return None

    @staticmethod
    def held(row: DBTaskResult, held_back: dict) -> bool:
        limit = CONCURRENCY_LIMITS.get(row.task_path)
        return limit is not None and (row.args_kwargs.get("kwargs") or {}).get(
            limit.per) in held_back.get((row.task_path, limit.per), ())

    def place_for(self, row: DBTaskResult) -> Place | None:
        """A place under the row's concurrency limit (None: it has none); Busy when full."""
        try:
            return take_place(row.task_path, row.args_kwargs.get("kwargs"),
                              f"{self.worker_id}:{row.id}")
        except Busy:
            raise
        except Exception as exc:  # noqa: BLE001 - no cache, no limit: run it
            if time.monotonic() > self._limit_warned + 60:
                self._limit_warned = time.monotonic()
                logger.warning("Lane %s: concurrency limits not applied, the cache is "
                               "unavailable (%s)", self.worker_id, _brief(exc))
            return None

    # --- running ----------------------------------------------------------------------------

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run the row's task and record its outcome (django-tasks-db's `run_task`, but a
        task failing on a transient database error is queued again, up to
        MAX_TASK_RETRIES times, instead of failed)."""
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = task.get_backend()
            task_started.send(sender=backend_type, task_result=task_result)
            if task.takes_context:
                return_value = task.call(TaskContext(task_result=task_result),
                                         *task_result.args, **task_result.kwargs)
            else:
                return_value = task.call(*task_result.args, **task_result.kwargs)
            db_task_result.set_successful(return_value)
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        except TRANSIENT_ERRORS as exc:
            if len(db_task_result.worker_ids) > MAX_TASK_RETRIES:
                self.record_failure(db_task_result, exc)
            else:
                self.run_again_later(db_task_result, exc)
        except BaseException as exc:  # noqa: BLE001 - as django-tasks-db: the row records it
            self.record_failure(db_task_result, exc)
        finally:
            self.running_task = False
            self._run_tasks += 1

    def run_again_later(self, row: DBTaskResult, exc: BaseException) -> None:
        delay = min(60, 2 ** len(row.worker_ids))
        logger.warning("Task %s (%s) hit a database error (%s); running it again in %d s",
                       row.id, row.task_path, _brief(exc), delay)
        if not connection.in_atomic_block:
            close_old_connections()  # a broken connection is replaced
        DBTaskResult.objects.filter(id=row.id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY,
            run_after=timezone.now() + timedelta(seconds=delay))

    def record_failure(self, row: DBTaskResult, exc: BaseException) -> None:
        row.set_failed(exc)
        try:
            sender = type(row.task.get_backend())
            task_result = row.task_result
        except Exception:  # noqa: BLE001 - as django-tasks-db: the task cannot be loaded
            logger.exception("Task id=%s failed unexpectedly", row.id)
        else:
            task_finished.send(sender=sender, task_result=task_result)


@dataclass
class WorkerProcess:
    """The lanes, the heartbeat and the scheduler of one worker process."""

    lanes: list[tuple[list[str], int]]
    interval: float = 0.5
    backend_name: str = DEFAULT_TASK_BACKEND_ALIAS
    scheduler: bool = True
    scheduler_interval: float = 20.0
    stopping: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        process = worker_process_id()
        lanes = ", ".join(f"{'+'.join(queues)}={count}" for queues, count in self.lanes)
        scheduler = f"; scheduler every {self.scheduler_interval:.0f} s" if self.scheduler else ""
        logger.warning("Worker %s starting: %s%s", process, lanes, scheduler)
        with suppress(Exception):
            heartbeat()
        for queues, count in self.lanes:
            for n in range(1, count + 1):
                lane = Lane(queue_names=queues, interval=self.interval,
                            backend_name=self.backend_name,
                            worker_id=f"{process}/{'+'.join(queues)[:20]}.{n}"[:64],
                            stopping=self.stopping)
                self._thread(lane.run, lane.worker_id)
        self._thread(self._heartbeat, "heartbeat", daemon=True)
        if self.scheduler:
            self._thread(self._schedule, "scheduler", daemon=True)

    def _thread(self, target, name: str, daemon: bool = False) -> None:
        thread = threading.Thread(target=target, name=name, daemon=daemon)
        thread.start()
        self.threads.append(thread)

    def _heartbeat(self) -> None:
        parent = os.environ.get("SUPERVISOR_PID", "")
        while not self.stopping.wait(HEARTBEAT_SECONDS):
            if parent.isdigit() and os.getppid() != int(parent):
                logger.warning("Worker %s: its supervisor is gone; stopping",
                               worker_process_id())
                self.stop()
                return
            try:
                heartbeat()
            except Exception as exc:  # noqa: BLE001 - the cache will be back
                logger.warning("Worker heartbeat not written (%s)", _brief(exc))

    def _schedule(self) -> None:
        delay = random.uniform(0, 2)  # noqa: S311 - processes started together spread out
        while not self.stopping.wait(delay):
            try:
                periodic.scheduler_tick()
            except Exception as exc:  # noqa: BLE001 - the next tick tries again
                logger.warning("Scheduler tick failed (%s); next in %.0f s", _brief(exc),
                               self.scheduler_interval)
            finally:
                _close_connections()
            delay = self.scheduler_interval

    def stop(self) -> None:
        self.stopping.set()

    def wait(self) -> None:
        """Until every lane has finished its task and stopped."""
        for thread in self.threads:
            while not thread.daemon and thread.is_alive():
                thread.join(timeout=0.5)

    def serve(self) -> None:
        """Start, stop on the first SIGTERM/SIGINT (running tasks finish), exit on the
        second; return when every lane has stopped."""

        def on_signal(signum, frame):
            if self.stopping.is_set():
                logger.warning("Received %s again: exiting now", signal.strsignal(signum))
                os._exit(1)
            logger.warning("Received %s: stopping once the running tasks finish",
                           signal.strsignal(signum))
            self.stop()

        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
            signal.signal(signum, on_signal)
        self.start()
        self.wait()
        logger.warning("Worker %s stopped", worker_process_id())
