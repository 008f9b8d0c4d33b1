"""The domain's own Prometheus counters (request metrics are `api.metrics`)."""

from django.db import transaction
from prometheus_client import Counter

PAYMENTS = Counter("payments_created_total", "Payments created", ["currency", "status"])
REFUNDS = Counter("refunds_created_total", "Refunds created", ["currency"])
DELIVERIES = Counter("webhook_deliveries_total", "Webhook delivery attempts by outcome",
                     ["outcome"])


def count_after_commit(counter, *labels: str) -> None:
    """Count what committed, not what was rolled back."""
    transaction.on_commit(lambda: counter.labels(*labels).inc())
