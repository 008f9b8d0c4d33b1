"""Background work: enqueued if, and only if, the change commits, on the queue it belongs to;
at most so many tasks of one key running at once; rows of workers that died taken back;
finished rows purged.

The worker that runs these rows is `core.worker` (`manage.py worker`).
"""

import logging
import math
import os
import socket
from collections.abc import Callable, Container
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.tasks import DEFAULT_TASK_QUEUE_NAME, Task, TaskResultStatus
from django.utils import timezone
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, **kwargs) -> None:
    """Enqueue `task` to run only once the current transaction has committed.

    A backend that keeps its queue in this database takes the task inside the transaction:
    the task row commits with the change or vanishes with it, so a crash right after commit
    cannot lose it (a transactional outbox). Other backends (Redis, RQ, Celery) get it after
    commit, so a worker never sees a change that is not there yet; if the broker cannot take
    it then, the change stands and the error is logged (the scheduler's jobs enqueue lost
    settlements and deliveries again). A task still on the default queue goes to the queue
    declared for it (`default_queue`).
    """
    if task.queue_name == DEFAULT_TASK_QUEUE_NAME:
        task = on_queue(task)
    in_database = isinstance(task.get_backend(), DatabaseBackend)
    if in_database and transaction.get_connection().in_atomic_block:
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(partial(task.enqueue, **kwargs), robust=not in_database)


# --- Queues -----------------------------------------------------------------------------------

_DEFAULT_QUEUES: dict[str, str] = {}


def default_queue(queue_name: str) -> Callable[[Task], Task]:
    """Decorator, above `@task`: the queue the task is enqueued on unless told otherwise."""

    def declare(task: Task) -> Task:
        _DEFAULT_QUEUES[task.module_path] = queue_name
        return task

    return declare


def on_queue(task: Task, queue_name: str | None = None) -> Task:
    """`task` on `queue_name` (by default the queue declared for it), if its backend has that
    queue (`QUEUES` of its `TASKS` entry); otherwise unchanged, on the queue it was on, so a
    backend configured without our queues (a test's) still runs everything."""
    queue_name = queue_name or _DEFAULT_QUEUES.get(task.module_path)
    if not queue_name or queue_name == task.queue_name:
        return task
    queues = task.get_backend().queues
    if queues and queue_name not in queues:
        return task
    return task.using(queue_name=queue_name)


# --- At most so many running at once --------------------------------------------------------


@dataclass(frozen=True)
class ConcurrencyLimit:
    """At most `limit()` rows of one task with the same value of the keyword argument `per`
    run at once (0: no limit); a running one holds its place for at most `hold()` seconds
    (the place of a worker that died is freed then)."""

    per: str
    limit: Callable[[], int]
    hold: Callable[[], float]


CONCURRENCY_LIMITS: dict[str, ConcurrencyLimit] = {}


def limit_concurrency(*, per: str, limit: Callable[[], int],
                      hold: Callable[[], float]) -> Callable[[Task], Task]:
    """Decorator, above `@task`: a task of this kind runs only while fewer than `limit()`
    with the same `per` keyword argument are running; meanwhile the work behind it runs.
    Counted in the shared cache (Redis with several processes), whatever the task engine:
    the database queue's worker (`core.worker`) leaves such a row unclaimed, Celery
    (`core.celery_backend`) puts such a message back on its queue for a moment."""

    def declare(task: Task) -> Task:
        CONCURRENCY_LIMITS[task.module_path] = ConcurrencyLimit(per, limit, hold)
        return task

    return declare


class Busy(Exception):
    """Every place under a concurrency limit is taken; args: ((task path, per), value)."""


@dataclass
class Place:
    """A place held under a concurrency limit (a cache key), given back when the task ends
    (or, if its worker died, when the key expires: the limit's `hold`)."""

    key: str
    token: str

    def release(self) -> None:
        with suppress(Exception):
            if cache.get(self.key) == self.token:
                cache.delete(self.key)


def take_place(task_path: str, kwargs: dict | None, owner: str) -> Place | None:
    """A place under the concurrency limit of the task `task_path` called with `kwargs`, held
    for `owner` (None: it has no limit); raises Busy when every place is taken, and the
    cache's own error when the cache is down (the caller decides: our engines run the task
    without the limit, and say so)."""
    limit = CONCURRENCY_LIMITS.get(task_path)
    if limit is None:
        return None
    value = (kwargs or {}).get(limit.per)
    if value is None:
        return None
    places = limit.limit()
    if places <= 0:
        return None
    prefix = f"tasks:slot:{task_path}:{value}"
    for n in range(places):
        place = Place(f"{prefix}:{n}", owner)
        if cache.add(place.key, place.token, timeout=max(1, int(limit.hold()))):
            return place
    raise Busy((task_path, limit.per), value)


# --- Which work is queued or running ------------------------------------------------------------


def live_task_values(task: Task, kwarg: str) -> Container | None:
    """The values of the keyword argument `kwarg` of the tasks `task` that are waiting or
    running (so that a periodic job resuming work does not enqueue it a second time): the
    database queue's rows say; an engine that notes its tasks in the shared cache
    (`note_queued`, Celery) answers for each value asked; None for another backend (then
    nobody can tell)."""
    backend = task.get_backend()
    if getattr(backend, "notes_queued_tasks", False):
        return QueuedInCache(task.module_path, kwarg)
    if not isinstance(backend, DatabaseBackend):
        return None
    rows = DBTaskResult.objects.filter(
        backend_name=backend.alias, task_path=task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).values_list("args_kwargs", flat=True)
    return {(args_kwargs.get("kwargs") or {}).get(kwarg) for args_kwargs in rows}


def _queued_keys(task_path: str, kwargs: dict | None) -> list[str]:
    return [f"tasks:queued:{task_path}:{name}={value}"
            for name, value in (kwargs or {}).items()
            if isinstance(value, str | int) and not isinstance(value, bool)]


def note_queued(task_path: str, kwargs: dict | None, *, until: datetime) -> None:
    """For an engine whose queue cannot be read (Celery's is in Redis): the task `task_path`
    called with `kwargs` is waiting or running, until `until` at the latest (past it, it
    counts as lost: its worker died and the broker did not hand it out again)."""
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    with suppress(Exception):  # without the cache, work is resumed twice: no harm
        cache.set_many(dict.fromkeys(_queued_keys(task_path, kwargs), 1), timeout=seconds)


def note_done(task_path: str, kwargs: dict | None) -> None:
    with suppress(Exception):
        cache.delete_many(_queued_keys(task_path, kwargs))


class QueuedInCache(Container):
    """The values of one keyword argument of the tasks noted by `note_queued`, asked one at a
    time (`value in live`)."""

    def __init__(self, task_path: str, kwarg: str):
        self.task_path, self.kwarg = task_path, kwarg

    def __contains__(self, value) -> bool:
        try:
            return cache.get(_queued_keys(self.task_path, {self.kwarg: value})[0]) is not None
        except Exception:  # noqa: BLE001 - the cache being down: resume it (safe twice)
            return False


# --- Workers: who is alive ------------------------------------------------------------------------
# A worker process of `core.worker` is named "<host>:<pid>:<nonce>" and each of its threads
# "<process>/<queue>.<n>"; that name goes into the `worker_ids` of every row it claims. The
# process writes a heartbeat to the cache every HEARTBEAT_SECONDS.

HEARTBEAT_SECONDS = 10
HEARTBEAT_TTL = 30
# The row of a worker that cannot be checked (another host with a cache that is not shared,
# or a worker that is not ours, like plain `db_worker`) is taken back only after this long.
UNVERIFIABLE_AFTER = timedelta(hours=1)
# A row whose workers died this many times is failed rather than run again.
MAX_WORKER_DEATHS = 3

_HOST = socket.gethostname()[:24]
_NONCE = os.urandom(3).hex()


def worker_process_id() -> str:
    """This process's name as a worker (stable for its life, new after a fork)."""
    return f"{_HOST}:{os.getpid()}:{_NONCE}"


def heartbeat_key(process_id: str) -> str:
    return f"tasks:worker:{process_id}"


def heartbeat() -> None:
    cache.set(heartbeat_key(worker_process_id()), timezone.now().isoformat(),
              timeout=HEARTBEAT_TTL)


def _shared_cache() -> bool:
    """Whether other processes see this cache (Redis) or only this one (local memory)."""
    return not isinstance(caches["default"], LocMemCache | DummyCache)


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child its parent has not waited for yet is a zombie: dead
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def worker_alive(worker_id: str, *, started_at, now) -> bool:
    """Whether the worker that claimed a row (started at `started_at`) may still be running
    it. On this host the operating system says; elsewhere the shared cache's heartbeat does;
    what cannot be checked counts as alive for UNVERIFIABLE_AFTER."""
    process = worker_id.partition("/")[0]
    host, _, rest = process.partition(":")
    pid, _, nonce = rest.partition(":")
    if not (host and pid.isdigit() and nonce):  # not one of ours
        return started_at > now - UNVERIFIABLE_AFTER
    if process == worker_process_id():
        return True
    shared = _shared_cache()
    if host == _HOST:
        if int(pid) == os.getpid() or not _pid_running(int(pid)):
            return False  # gone (or an earlier process whose pid we now have)
        if not shared:
            return True  # another worker on this host, whose heartbeat we cannot see
    try:
        if cache.get(heartbeat_key(process)) is not None:
            return True
    except Exception:  # noqa: BLE001 - the cache being down: leave every row alone
        return True
    if shared:  # no heartbeat: gone, unless it claimed the row too recently to tell
        return started_at > now - timedelta(seconds=HEARTBEAT_TTL)
    return started_at > now - UNVERIFIABLE_AFTER


class WorkerDied(Exception):
    """Recorded on a row whose workers died running it MAX_WORKER_DEATHS times."""


def task_rows_take_back(*, grace: timedelta) -> int:
    """Rows left RUNNING by a worker that died (SIGKILL, a crash, a lost host) are made READY
    again, so that another worker runs them (every task is safe to run twice); a row whose
    workers died MAX_WORKER_DEATHS times is failed instead. A periodic job; `grace` is for
    jobs that resume overdue work."""
    now = timezone.now()
    taken = 0
    for row in DBTaskResult.objects.running().only("id", "worker_ids", "started_at")[:1000]:
        last = row.worker_ids[-1] if row.worker_ids else ""
        if row.started_at is None or worker_alive(last, started_at=row.started_at, now=now):
            continue
        same = DBTaskResult.objects.filter(id=row.id, status=TaskResultStatus.RUNNING,
                                           started_at=row.started_at)
        if len(row.worker_ids) >= MAX_WORKER_DEATHS:
            changed = same.update(
                status=TaskResultStatus.FAILED, finished_at=now,
                exception_class_path=f"{WorkerDied.__module__}.{WorkerDied.__qualname__}",
                traceback=f"The workers running it died {len(row.worker_ids)} times "
                          f"(last: {last}).")
        else:
            changed = same.update(status=TaskResultStatus.READY)
        if changed:
            logger.warning("Task row %s: its worker %s is gone; %s", row.id, last or "?",
                           "failed" if len(row.worker_ids) >= MAX_WORKER_DEATHS
                           else "queued again")
            taken += changed
    return taken


def task_results_purge(*, grace: timedelta) -> int:
    """Delete finished task rows (the database queue's history) past their retention."""
    cutoff = timezone.now() - timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lte=cutoff).delete()
    return deleted
