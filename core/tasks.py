"""Enqueueing background work so that it happens if, and only if, the change commits."""

from functools import partial

from django.db import transaction
from django_tasks_db import DatabaseBackend


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
