"""Health, api-info, test reset, docs and the landing page."""

import re
import subprocess
import sys

from payments.models import Payment
from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import client_for


def test_health_reports_each_dependency(db):
    response = client_for(None).get("/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["service"] == "payment-api"
    assert body["version"] == "2.4.0"
    assert body["checks"] == {"database": "connected", "cache": "connected",
                              "queue": "connected"}


def test_health_is_degraded_but_200_when_the_cache_fails(db, monkeypatch):
    """Requests are still served without the cache (rate limiting fails open): the instance
    stays in rotation (tests/ops/test_outages.py has the database's 503)."""
    def broken():
        raise ConnectionError("cache down")

    monkeypatch.setitem(__import__("api.views").views.HEALTH_CHECKS, "cache", broken)
    response = client_for(None).get("/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"].startswith("error")
    assert body["checks"]["database"] == "connected"


def test_api_info_lists_what_is_supported(db):
    body = client_for(None).get("/v1/api-info").json()
    assert body["name"] == "Payment Processing API"
    assert body["api_version"] == "2024-01-15"
    assert body["supported_currencies"] == ["USD", "EUR", "GBP", "JPY", "CAD", "AUD", "INR"]
    assert body["supported_payment_methods"] == ["card", "bank_transfer", "wallet", "crypto"]
    assert body["endpoints"]["payments"] == "/v1/payments"


def test_reset_clears_the_accounts_data(admin_api, api):
    api.post("/v1/payments", PAYMENT_BODY, format="json", headers={"Idempotency-Key": "k-123456"})
    response = admin_api.post("/v1/test/reset", headers={"Idempotency-Key": "reset-1234"})
    assert response.status_code == 200
    assert response.json()["message"] == "All test data has been reset."
    assert not Payment.objects.exists()
    # The earlier key is gone with the data: reusing it creates a fresh payment.
    again = api.post("/v1/payments", PAYMENT_BODY, format="json",
                     headers={"Idempotency-Key": "k-123456"})
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    # The reset's own key was kept and replays.
    replay = admin_api.post("/v1/test/reset", headers={"Idempotency-Key": "reset-1234"})
    assert replay["Idempotent-Replayed"] == "true"


def test_schema_and_docs_pages_are_served_without_external_hosts(db):
    client = client_for(None)
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ["/v1/payments", "/v1/payments/{payment_id}", "/v1/payments/{payment_id}/status",
                 "/v1/payments/{payment_id}/cancel", "/v1/health", "/v1/api-info",
                 "/v1/test/reset"]:
        assert path in paths
    for page in ["/api/docs/", "/api/redoc/"]:
        html = client.get(page).content.decode()
        # No address of another host (a random CSRF token may spell "cdn": it is no host).
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE)


def test_landing_page_links_docs_admin_and_health(db):
    html = client_for(None).get("/").content.decode()
    for link in ['href="/api/docs/"', 'href="/admin/"', 'href="/v1/health"']:
        assert link in html


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings",
           "DJANGO_DEBUG": "0"}
    result = subprocess.run([sys.executable, "manage.py", "check"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    env["SECRET_KEY"] = "django-insecure-default"
    result = subprocess.run([sys.executable, "manage.py", "check"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0


def test_the_favicon_is_served_at_the_root(db):
    """Browsers ask for /favicon.ico on every page: an icon, not a 404 in the logs."""
    response = client_for(None).get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00" and b"PNG" in body[:40]  # an ICO holding a PNG
