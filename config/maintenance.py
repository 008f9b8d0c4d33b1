"""Housekeeping that keeps work from being lost: run about hourly, and by hand or cron.

A worker killed in the middle of a task leaves it "running" for ever (the database task
backend does not take tasks back from dead workers). Every task here is safe to run twice,
so anything overdue is simply enqueued again: settlements of payments still pending long
after their delay, and webhook attempts still pending long after they were due.
"""

from datetime import timedelta

from django.tasks import task

from payments.idempotency import purge_expired
from payments.services import payments_settle_overdue
from webhooks_app.services import deliveries_resume

DEFAULT_GRACE = timedelta(minutes=5)


def run_maintenance(*, grace: timedelta = DEFAULT_GRACE) -> dict:
    return {
        "idempotency_keys_purged": purge_expired(),
        "settlements_resumed": payments_settle_overdue(grace=grace),
        "deliveries_resumed": deliveries_resume(grace=grace),
    }


@task
def maintenance() -> dict:
    return run_maintenance()
