from datetime import timedelta

from django.core.management.base import BaseCommand

from core.periodic import DEFAULT_GRACE, run_periodic_jobs


class Command(BaseCommand):
    help = ("Run every periodic job: take back the task rows of workers that died, purge "
            "what has expired, re-enqueue overdue settlements and webhook attempts whose task "
            "was lost. The workers' scheduler does this by itself; safe to run any time.")

    def add_arguments(self, parser):
        parser.add_argument("--grace-seconds", type=int,
                            default=int(DEFAULT_GRACE.total_seconds()),
                            help="How overdue work must be before it is enqueued again.")

    def handle(self, *args, grace_seconds, **options):
        result = run_periodic_jobs(grace=timedelta(seconds=grace_seconds))
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in result.items()))
