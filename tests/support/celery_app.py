"""A Celery app on the in-memory broker, with the project's task base and the settings of
config/celery.py that matter here (tests/tasks/test_celery_engine.py): a worker embedded in
the test process runs what it is given, on either database, without Redis."""

from celery import Celery

QUEUES = ["default", "webhooks", "webhook-retries", "settlements"]

# Without Celery's Django fixup, which closes every connection of the thread that starts a
# worker (the test's own); core.celery_backend.Task looks after the connections of its tasks.
app = Celery("payments-tests", task_cls="core.celery_backend:Task", set_as_current=False,
             fixups=[])
app.conf.update(
    broker_url="memory://",
    result_backend=None,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_default_queue="default",
    task_serializer="json",
    accept_content=["json"],
    worker_hijack_root_logger=False,
)
