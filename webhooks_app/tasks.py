"""Background work of webhooks, run by the task worker (`core.worker`).

First attempts and retries have queues of their own (a burst of retries to failing endpoints
does not hold back first attempts), and at most `WEBHOOK_CONCURRENCY_PER_ACCOUNT` attempts of
one account run at once (one account's slow endpoints do not hold back another's).
"""

from django.conf import settings
from django.tasks import task

from core.tasks import limit_concurrency
from webhooks_app import services

FIRST_ATTEMPTS = "webhooks"
RETRIES = "webhook-retries"


def queue_for(attempt: int) -> str:
    return FIRST_ATTEMPTS if attempt <= 1 else RETRIES


@limit_concurrency(
    per="account_id",
    limit=lambda: settings.WEBHOOK_CONCURRENCY_PER_ACCOUNT,
    # An attempt takes at most a connect and a read timeout, then a write: its place is
    # given back by then even if its worker died.
    hold=lambda: 2 * settings.WEBHOOK_TIMEOUT_SECONDS + 30,
)
@task
def attempt_delivery(delivery_id: int, account_id: int | None = None) -> str:
    """POST one event to one endpoint; failures schedule the next attempt. `account_id` (the
    endpoint's) is what the concurrency limit counts by."""
    return services.delivery_attempt(delivery_id=delivery_id).status
