"""The recipes of docs/rehearsing-failures.md, run as written (bash + curl) against a live
server: the first two on the test server, the third with gunicorn and a real task worker."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from tests.support.live_server import run_gunicorn, run_worker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl"),
]


def recipe(marker: str, base: str, tmp_path) -> str:
    docs = (Path(__file__).parents[2] / "docs" / "rehearsing-failures.md").read_text()
    script = docs.split(f"<!-- {marker} -->")[1].split("```sh")[1].split("```")[0]
    script = script.replace("B=http://127.0.0.1:8000", f"B={base}")
    script = script.replace("/tmp/", f"{tmp_path}/")
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_timeout_after_the_charge_and_the_safe_retry(live_server, demo, tmp_path):
    output = recipe("recipe-timeout", live_server.url, tmp_path).splitlines()
    assert output[0].startswith('{"id":"scn_')
    assert output[1] == "timed out (curl exit 28)"
    assert '"code":"idempotency_key_in_use"' in output[2]
    assert output[3:5] == ["HTTP/1.1 201 Created", "Idempotent-Replayed: true"]
    assert demo.payments.count() == 1


def test_a_settlement_that_fails(live_server, demo, tmp_path):
    output = recipe("recipe-settlement", live_server.url, tmp_path).splitlines()
    assert '"status":"pending"' in output[1]
    assert '"payments_settled":1' in output[2]
    assert '"status":"failed","failure_reason":"insufficient_funds"' in output[3]


@pytest.mark.postgres
@pytest.mark.live
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (a worker)")
def test_a_webhook_retried_over_a_day(demo, tmp_path):
    extra_env = {"TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
    with run_gunicorn(workers=2, extra_env=extra_env) as server, run_worker():
        output = recipe("recipe-webhook-day", str(server), tmp_path)
    assert output.rstrip().endswith("attempts received: 10"), output
