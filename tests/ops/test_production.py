"""Production plumbing: metrics, JSON logs with the request id, deploy checks."""

import json
import logging
import os
import subprocess
import sys

from core.logging import JSONFormatter, RequestIdFilter
from tests.support.credentials import client_for


def test_metrics_count_requests_payments_and_queue_depth(api, create_payment,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # counted once committed
        create_payment()
        create_payment(amount=13.00)
    body = client_for(None).get("/metrics").content.decode()
    assert 'payments_created_total{currency="USD",status="completed"}' in body
    assert 'payments_created_total{currency="USD",status="failed"}' in body
    assert 'http_requests_total{method="POST",status="201",view="payment-list"}' in body
    assert "http_request_duration_seconds_bucket" in body
    assert "tasks_queue_depth" in body


def test_metrics_are_restricted(db, settings):
    outsider = client_for(None)
    assert outsider.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    settings.METRICS_BEARER_TOKEN = "scrape-token"
    assert outsider.get("/metrics").status_code == 403
    ok = outsider.get("/metrics", headers={"Authorization": "Bearer scrape-token"},
                      REMOTE_ADDR="203.0.113.9")
    assert ok.status_code == 200


def test_json_logs_carry_the_request_id(api, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        api.get("/v1/payments/pay_missing", headers={"X-Request-Id": "trace-7"})
    [record] = [r for r in caplog.records if r.name == "django.request"]
    entry = json.loads(JSONFormatter().format(record))
    assert entry["request_id"] == "trace-7"
    assert entry["message"] == "Not Found: /v1/payments/pay_missing"
    assert entry["level"] == "WARNING"


def test_check_deploy_is_clean_in_production_configuration(tmp_path):
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings",
           "SECRET_KEY": "a" * 10 + "b" * 10 + "c" * 10 + "d" * 10 + "e" * 10 + "fghij",
           "ALLOWED_HOSTS": "payments.example.com",
           "DATABASE_URL": "postgres://u:p@127.0.0.1:1/payments",
           "REDIS_URL": "redis://127.0.0.1:1/0"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
