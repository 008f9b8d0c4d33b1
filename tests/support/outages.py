"""Outages as a client sees them: what each surface answers while the database is down (503
`service_unavailable` in its own shape), and a database that refuses every query."""

import contextlib

from django.db import OperationalError, connection
from rest_framework.test import APIClient

from tests.support.credentials import STANDARD_KEY, client_for, devdraft_client, uqpay_client

REFUSED = ('connection failed: connection to server at "127.0.0.1", port 5432 failed: '
           "Connection refused")
MESSAGE = "The service is temporarily unavailable; retry shortly."

V1_UNAVAILABLE = {"error": {"type": "api_error", "code": "service_unavailable", "status": 503,
                            "message": MESSAGE}}
# Each surface's request, and the body it answers with the database down.
SURFACES = {
    "v1": (lambda: client_for(STANDARD_KEY).get("/v1/payments"), V1_UNAVAILABLE),
    "devdraft": (lambda: devdraft_client().get("/api/v0/test-payment/pay_nope"),
                 {"statusCode": 503, "message": MESSAGE}),
    "uqpay": (lambda: uqpay_client().get("/api/v2/payment/refunds/ref_nope"),
              {"code": "service_unavailable", "message": MESSAGE}),
    "oauth": (lambda: APIClient().post("/v1/oauth/token", {
        "grant_type": "client_credentials", "client_id": "my_app", "client_secret": "my_secret"},
        format="json"),
              {"error": "temporarily_unavailable", "error_description": MESSAGE}),
}


@contextlib.contextmanager
def database_down(only: str | None = None):
    """Every query (or those on the table `only`) fails as with PostgreSQL stopped."""
    def refuse(execute, sql, params, many, context):
        if only is None or only in sql:
            raise OperationalError(REFUSED)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield
