"""Housekeeping that keeps work from being lost: run about hourly, and by hand or cron.

Each app registers its jobs in `PERIODIC_JOBS` (from its `AppConfig.ready`): purging what
has expired, and enqueueing again work whose task died with its worker (the database task
backend does not take tasks back from dead workers). Every job is safe to run twice. A job
is called as `job(grace=...)`: how overdue work must be before it counts as abandoned.
"""

import time
from datetime import timedelta

from django.core.cache import cache
from django.tasks import task

from core.registry import Registry
from core.tasks import enqueue_on_commit

PERIODIC_JOBS = Registry("periodic job")
DEFAULT_GRACE = timedelta(minutes=5)
SCHEDULE_CACHE_KEY = "config:maintenance-scheduled"


def run_periodic_jobs(*, grace: timedelta = DEFAULT_GRACE) -> dict[str, int]:
    """Run every registered job; what each did, by name."""
    return {name: job(grace=grace) for name, job in PERIODIC_JOBS}


@task
def maintenance() -> dict:
    return run_periodic_jobs()


class MaintenanceTrigger:
    """Enqueue `maintenance` about once an hour, driven by traffic rather than a scheduler.

    The shared cache decides which process enqueues it; each process asks the cache at most
    once a minute, so a request pays a clock read, not a cache round trip.
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
