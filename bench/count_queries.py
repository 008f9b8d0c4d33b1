"""Queries per request of each benchmarked endpoint, counted in-process on the same database.

Prints JSON: {endpoint: {status, queries (data statements), statements (all)}}.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402
from run import DEVDRAFT_PAYMENT, PAYMENT, STANDARD_KEY  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from payments.models import Payment  # noqa: E402

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {STANDARD_KEY}"}


def count(call) -> dict:
    with CaptureQueriesContext(connection) as context:
        status = call().status_code
    data = [q for q in context.captured_queries
            if not q["sql"].lstrip().upper().startswith(CONTROL)]
    return {"status": status, "queries": len(data),
            "statements": len(context.captured_queries)}


client = Client(HTTP_HOST="localhost")
payment_id = (Payment.objects.filter(status="completed")
              .values_list("public_id", flat=True).first())
# Steady state: the key's last-used time is written at most once a minute, and the first
# claimed idempotency key of the hour enqueues the maintenance task.
client.post("/v1/payments", PAYMENT, "application/json", HTTP_IDEMPOTENCY_KEY="count-warm-up",
            **AUTH)
print(json.dumps({
    "create": count(lambda: client.post("/v1/payments", PAYMENT, "application/json",
                                        HTTP_IDEMPOTENCY_KEY="count-create-1", **AUTH)),
    "replay": count(lambda: client.post("/v1/payments", PAYMENT, "application/json",
                                        HTTP_IDEMPOTENCY_KEY="count-create-1", **AUTH)),
    "get": count(lambda: client.get(f"/v1/payments/{payment_id}", **AUTH)),
    "list": count(lambda: client.get("/v1/payments?per_page=20", **AUTH)),
    "refund": count(lambda: client.post(f"/v1/payments/{payment_id}/refund", {"amount": 0.01},
                                        "application/json",
                                        HTTP_IDEMPOTENCY_KEY="count-refund-1", **AUTH)),
    "devdraft": count(lambda: client.post(
        "/api/v0/test-payment", DEVDRAFT_PAYMENT, "application/json",
        HTTP_IDEMPOTENCY_KEY="count-devdraft-1", HTTP_X_CLIENT_KEY="demo_client_standard",
        HTTP_X_CLIENT_SECRET=STANDARD_KEY)),
}))
