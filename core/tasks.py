"""Background work: enqueued if, and only if, the change commits; finished rows purged."""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult


def enqueue_on_commit(task, **kwargs) -> None:
    """Enqueue `task` to run only once the current transaction has committed.

    A backend that keeps its queue in this database takes the task inside the transaction:
    the task row commits with the change or vanishes with it, so a crash right after commit
    cannot lose it (a transactional outbox). Other backends (Redis, RQ, Celery) get it after
    commit, so a worker never sees a change that is not there yet.
    """
    in_transaction = transaction.get_connection().in_atomic_block
    if in_transaction and isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(partial(task.enqueue, **kwargs))


def task_results_purge(*, grace: timedelta) -> int:
    """Delete finished task rows (the database queue's history) past their retention."""
    cutoff = timezone.now() - timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lte=cutoff).delete()
    return deleted
