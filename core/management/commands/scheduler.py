import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections

from core.periodic import scheduler_tick


class Command(BaseCommand):
    help = ("Run the scheduler alone (`manage.py worker` runs it too): every "
            "TASK_SCHEDULER_INTERVAL_SECONDS take back the task rows of dead workers, resume "
            "overdue settlements and deliveries, and enqueue the hourly maintenance. For task "
            "workers that are not `manage.py worker` (another backend's).")

    def handle(self, *args, **options):
        stopping = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.set())
        interval = settings.TASK_SCHEDULER_INTERVAL_SECONDS
        self.stderr.write(f"Scheduler: a tick every {interval} s")
        while not stopping.is_set():
            try:
                scheduler_tick()
            except Exception as exc:  # noqa: BLE001 - the next tick tries again
                self.stderr.write(f"Scheduler tick failed ({type(exc).__name__}: {exc})")
            finally:
                connections.close_all()
            stopping.wait(interval)
