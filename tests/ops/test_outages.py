"""Outages: an unreachable database is 503 `service_unavailable` with `Retry-After` in every
surface's shape (never a 500, never HTML); `/v1/health` is 503 only without the database, and
`degraded` (200) without the cache or the task queue. The admin and the other HTML pages answer
it with a plain 503 page (`api.outages`), never Django's 500 page.

Here the database breaks inside the test process (every query fails as with PostgreSQL
stopped); tests/ops/test_live_outages.py stops the real servers under gunicorn.
"""

import json
import logging
import uuid

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import OperationalError
from django.test import Client, RequestFactory

from api.middleware import RequestContextMiddleware
from api.outages import DatabaseOutageMiddleware
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


# --- The admin and the other HTML pages ----------------------------------------------------

ADMIN_PAGES = ["/admin/", "/admin/payments/payment/"]


def assert_outage_page(response):
    """The plain page: 503, HTML, `Retry-After`, no traceback and nothing of the admin."""
    assert response.status_code == 503, response.content[:500]
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "<h1>Service unavailable</h1>" in page
    assert "temporarily unavailable" in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert "Django administration" not in page


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_without_the_database_the_admin_answers_a_plain_503_page(demo, admin_client, path,
                                                                 caplog):
    """A signed-in operator: the session and the user are read from the database on every
    page. The test client re-raises an exception a view left unhandled: none is."""
    assert admin_client.get(path).status_code == 200
    with database_down(), caplog.at_level(logging.INFO):
        assert_outage_page(admin_client.get(path))
    assert "Database unavailable: OperationalError" in caplog.text
    assert "Internal Server Error" not in caplog.text
    assert "Traceback" not in caplog.text
    assert all(record.exc_info is None for record in caplog.records)
    assert admin_client.get(path).status_code == 200  # the database is back: as before


def test_without_the_database_signing_in_answers_503_and_signed_out_pages_as_before(
        demo, django_user_model, caplog):
    """Signed out, the admin redirects to its login page and shows it without the database
    (nothing to read yet); signing in needs it: 503, not 500."""
    django_user_model.objects.create_superuser("operator", "op@example.com", "pw-op-12345")
    client = Client()
    assert client.get("/admin/").status_code == 302
    with database_down(), caplog.at_level(logging.ERROR):
        assert client.get("/admin/").status_code == 302
        assert client.get("/admin/login/").status_code == 200
        assert_outage_page(client.post("/admin/login/", {
            "username": "operator", "password": "pw-op-12345", "next": "/admin/"}))
    assert "Traceback" not in caplog.text
    signed_in = client.post("/admin/login/", {"username": "operator",
                                               "password": "pw-op-12345", "next": "/admin/"})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert client.get("/admin/payments/payment/").status_code == 200


def test_the_outage_middleware_answers_html_pages_and_leaves_api_paths_alone(rf: RequestFactory):
    middleware = DatabaseOutageMiddleware(lambda request: None)
    assert_outage_page(middleware.process_exception(rf.get("/"), OperationalError(REFUSED)))
    assert middleware.process_exception(rf.get("/v1/payments"), OperationalError(REFUSED)) is None
    assert middleware.process_exception(rf.get("/admin/"), ValueError("a bug")) is None


def test_an_outage_a_middleware_meets_itself_is_503_too(demo, monkeypatch, caplog):
    """Outside any view (the session saved on the way out, the database gone mid-request):
    Django makes it a 500 before an outer middleware sees it; `handler500` answers the outage
    instead, as the plain page or in the surface's shape, logged once without a traceback."""
    def lost(self, request, response):
        raise OperationalError(REFUSED)

    monkeypatch.setattr(SessionMiddleware, "process_response", lost)
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        assert_outage_page(client.get("/admin/login/"))
        assert_unavailable(client.get("/v1/health"), V1_UNAVAILABLE)
    assert caplog.text.count("Database unavailable: OperationalError") == 2
    assert "Traceback" not in caplog.text
    assert all(record.exc_info is None for record in caplog.records)


def test_any_other_error_outside_a_view_is_still_a_500(db, monkeypatch):
    def broken(self, request, response):
        raise RuntimeError("a bug")

    monkeypatch.setattr(SessionMiddleware, "process_response", broken)
    response = Client(raise_request_exception=False).get("/admin/login/")
    assert response.status_code == 500
    assert "Retry-After" not in response
