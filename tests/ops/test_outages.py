"""Outages: an unreachable database is 503 `service_unavailable` with `Retry-After` in every
surface's shape (never a 500, never HTML); `/v1/health` is 503 only without the database, and
`degraded` (200) without the cache or the task queue.

Here the database breaks inside the test process (every query fails as with PostgreSQL
stopped); tests/ops/test_live_outages.py stops the real servers under gunicorn.
"""

import json
import logging
import uuid

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from api.middleware import RequestContextMiddleware
from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import client_for
from tests.support.outages import REFUSED, SURFACES, V1_UNAVAILABLE, database_down


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
    response = client_for(None).get("/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "healthy"  # the answer went out whole


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
