"""Housekeeping that keeps work from being lost: the scheduler of the task workers, hourly
maintenance, and by hand or cron.

Each app registers its jobs in `PERIODIC_JOBS` (from its `AppConfig.ready`): purging what
has expired, taking back the task rows of workers that died, and enqueueing again work whose
task was lost. Every job is safe to run twice. A job is called as `job(grace=...)`: how
overdue work must be before it counts as abandoned.

Jobs marked `@frequent` (taking back and resuming work) run on every tick of the scheduler
(`scheduler_tick`, every `TASK_SCHEDULER_INTERVAL_SECONDS`, in every `manage.py worker` and
in `manage.py scheduler`; the shared cache lets one process per tick run them). All jobs run
in the `maintenance` task, enqueued about hourly by the scheduler and, failing a scheduler
(another task backend's worker), by the traffic (`MaintenanceTrigger`).
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.tasks import task

from core.registry import Registry
from core.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)

PERIODIC_JOBS = Registry("periodic job")
DEFAULT_GRACE = timedelta(minutes=5)
SCHEDULE_CACHE_KEY = "config:maintenance-scheduled"
TICK_CACHE_KEY = "tasks:scheduler-tick"


def frequent(job):
    """Mark a periodic job to run on every tick of the scheduler, not only hourly."""
    job.frequent = True
    return job


def run_periodic_jobs(*, grace: timedelta = DEFAULT_GRACE,
                      frequent_only: bool = False) -> dict[str, int]:
    """Run every registered job (or only the frequent ones); what each did, by name."""
    return {name: job(grace=grace) for name, job in PERIODIC_JOBS
            if not frequent_only or getattr(job, "frequent", False)}


@task
def maintenance() -> dict:
    return run_periodic_jobs()


def _turn(key: str, seconds: float) -> bool:
    """Whether this process takes the turn named `key` (one process per `seconds`, through
    the shared cache); with the cache down, every process takes it (the jobs are safe)."""
    try:
        return cache.add(key, True, timeout=max(1, int(seconds)))
    except Exception:  # noqa: BLE001 - a scheduler must not stop because Redis did
        return True


def scheduler_tick() -> dict[str, int] | None:
    """One tick of the scheduler: unless another process took this tick, take back the rows
    of dead workers and resume overdue work (the frequent jobs), and enqueue the hourly
    maintenance when it is due. What the jobs did, or None when the tick was not ours."""
    interval = settings.TASK_SCHEDULER_INTERVAL_SECONDS
    if not _turn(TICK_CACHE_KEY, interval * 0.8):
        return None
    done = run_periodic_jobs(grace=timedelta(seconds=settings.TASK_RESUME_GRACE_SECONDS),
                             frequent_only=True)
    if any(done.values()):
        logger.warning("Scheduler: %s", ", ".join(f"{k}: {v}" for k, v in done.items() if v))
    if _turn(SCHEDULE_CACHE_KEY, 3600):
        enqueue_on_commit(maintenance)
    return done


class MaintenanceTrigger:
    """Enqueue `maintenance` about once an hour, driven by traffic rather than a scheduler
    (the fallback for task workers without `core.worker`'s scheduler).

    The shared cache decides which process enqueues it (the scheduler uses the same key, so
    between them it is enqueued once an hour); each process asks the cache at most once a
    minute, so a request pays a clock read, not a cache round trip.
    """

    ask_every = 60.0

    def __init__(self):
        self.next_ask = 0.0

    def __call__(self) -> None:
        now = time.monotonic()
        if now < self.next_ask:
            return
        self.next_ask = now + self.ask_every
        try:
            due = cache.add(SCHEDULE_CACHE_KEY, True, timeout=3600)
        except Exception:  # noqa: BLE001 - the cache being down must not fail a request
            return
        if due:
            enqueue_on_commit(maintenance)


schedule_maintenance = MaintenanceTrigger()
