"""Outages: an unreachable database is 503 `service_unavailable` with `Retry-After` in every
surface's shape (never a 500, never HTML); `/v1/health` is 503 only without the database, and
`degraded` (200) without the cache or the task queue.

Here the database breaks inside the test process (every query fails as with PostgreSQL
stopped); tests/ops/test_live_outages.py stops the real servers under gunicorn.
"""

import contextlib
import json
import logging
import uuid

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory
from rest_framework.test import APIClient

from api.middleware import RequestContextMiddleware
from tests.conftest import PAYMENT_BODY, STANDARD_KEY, client_for

REFUSED = ('connection failed: connection to server at "127.0.0.1", port 5432 failed: '
           "Connection refused")


@contextlib.contextmanager
def database_down(only: str | None = None):
    """Every query (or those on the table `only`) fails as with PostgreSQL stopped."""
    def refuse(execute, sql, params, many, context):
        if only is None or only in sql:
            raise OperationalError(REFUSED)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


def _devdraft() -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_CLIENT_KEY="demo_client_standard", HTTP_X_CLIENT_SECRET=STANDARD_KEY)
    return client


def _uqpay() -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_CLIENT_ID="demo_client_standard", HTTP_X_AUTH_TOKEN=STANDARD_KEY)
    return client


V1_UNAVAILABLE = {"error": {"type": "api_error", "code": "service_unavailable", "status": 503,
                            "message": "The service is temporarily unavailable; retry shortly."}}
# Each surface's request, and the body it answers with the database down.
SURFACES = {
    "v1": (lambda: client_for(STANDARD_KEY).get("/v1/payments"), V1_UNAVAILABLE),
    "devdraft": (lambda: _devdraft().get("/api/v0/test-payment/pay_nope"),
                 {"statusCode": 503,
                  "message": "The service is temporarily unavailable; retry shortly."}),
    "uqpay": (lambda: _uqpay().get("/api/v2/payment/refunds/ref_nope"),
              {"code": "service_unavailable",
               "message": "The service is temporarily unavailable; retry shortly."}),
    "oauth": (lambda: APIClient().post("/v1/oauth/token", {
        "grant_type": "client_credentials", "client_id": "my_app", "client_secret": "my_secret"},
        format="json"),
              {"error": "temporarily_unavailable",
               "error_description": "The service is temporarily unavailable; retry shortly."}),
}


def assert_unavailable(response, body):
    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "5"
    assert json.loads(response.content) == body


@pytest.mark.parametrize("surface", SURFACES)
def test_without_the_database_every_surface_answers_503(demo, surface, caplog):
    request, body = SURFACES[surface]
    with database_down(), caplog.at_level(logging.ERROR):
        assert_unavailable(request(), body)
    assert "Database unavailable: OperationalError" in caplog.text
    assert "Traceback" not in caplog.text


def test_a_write_that_loses_the_database_midway_answers_503(api):
    """Authenticated, then the idempotency key cannot be stored."""
    with database_down(only="api_idempotencykey"):
        response = api.post("/v1/payments", PAYMENT_BODY, format="json",
                            headers={"Idempotency-Key": uuid.uuid4().hex})
    assert_unavailable(response, V1_UNAVAILABLE)


def test_a_database_error_outside_a_surface_view_is_503_too(rf: RequestFactory):
    """What reaches the middleware (a view of no surface, or past a view's handler)."""
    response = RequestContextMiddleware(lambda r: None).process_exception(
        rf.get("/v1/anything"), OperationalError(REFUSED))
    assert_unavailable(response, V1_UNAVAILABLE)


def test_an_answered_request_survives_a_maintenance_trigger_that_fails(db, monkeypatch):
    def trigger():
        raise OperationalError(REFUSED)  # enqueueing the maintenance task without a database

    monkeypatch.setattr("api.middleware.schedule_maintenance", trigger)
    assert client_for(None).get("/v1/health").status_code == 200


def test_health_is_503_only_without_the_database(db, monkeypatch):
    with database_down():
        response = client_for(None).get("/v1/health")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["database"] == "error: OperationalError"


def test_health_is_degraded_without_the_task_queue(db, monkeypatch):
    def broken():
        raise ConnectionError("queue down")

    monkeypatch.setitem(__import__("api.views").views.HEALTH_CHECKS, "queue", broken)
    response = client_for(None).get("/v1/health")
    assert response.status_code == 200 and "Retry-After" not in response
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"] == {"database": "connected", "cache": "connected",
                                         "queue": "error: ConnectionError"}
