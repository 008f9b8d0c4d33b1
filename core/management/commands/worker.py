from argparse import ArgumentTypeError

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import valid_interval

from core.worker import WorkerProcess, parse_lanes


def valid_backend_name(name: str) -> str:
    if name not in settings.TASKS:
        raise ArgumentTypeError(f"{name!r} is not a task backend of TASKS")
    return name


class Command(BaseCommand):
    help = ("Run the task worker: threads per queue (first webhook attempts, retries, "
            "settlements, the rest), surviving database outages, with the scheduler that "
            "takes back the work of dead workers and resumes overdue work. See core/worker.py; "
            "with TASKS_BACKEND=celery, a Celery worker and the scheduler "
            "(core/celery_backend.py).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--queues", default=None,
            help="Threads per queue, e.g. 'webhooks=4,webhook-retries=2,settlements+default=1' "
                 "('*' is every queue). Default: TASK_WORKER_QUEUES "
                 f"({settings.TASK_WORKER_QUEUES!r}).")
        parser.add_argument("--interval", type=valid_interval, default=0.5,
                            help="Seconds a thread waits when its queues are empty.")
        parser.add_argument("--backend", type=valid_backend_name,
                            default=DEFAULT_TASK_BACKEND_ALIAS, dest="backend_name")
        parser.add_argument("--no-scheduler", action="store_false", dest="scheduler",
                            help="Do not run the scheduler in this process.")

    def handle(self, *args, queues, interval, backend_name, scheduler, **options):
        try:
            lanes = parse_lanes(queues or settings.TASK_WORKER_QUEUES)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        engine = settings.TASKS[backend_name]["BACKEND"]
        if engine == settings.TASK_BACKENDS["celery"]:
            # A Celery worker on the lanes' queues, their threads added up (--interval does
            # not apply: Redis hands tasks over as they come).
            from core.celery_backend import run_worker

            run_worker(lanes=lanes, scheduler=scheduler,
                       scheduler_interval=settings.TASK_SCHEDULER_INTERVAL_SECONDS)
            return
        if engine != settings.TASK_BACKENDS["database"]:
            raise CommandError(f"The task backend {engine} is not one this worker runs "
                               "(TASKS_BACKEND: database or celery).")
        WorkerProcess(lanes=lanes, interval=interval, backend_name=backend_name,
                      scheduler=scheduler,
                      scheduler_interval=settings.TASK_SCHEDULER_INTERVAL_SECONDS).serve()
