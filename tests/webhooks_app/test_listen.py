"""The forwarder (`python -m webhooks_app.listen`) as a separate process against a live
server: each new event reaches the local receiver once, signed with the secret it printed;
it stops on SIGTERM at once, keeps polling a sandbox it cannot reach, and ends when the
sandbox refuses its key."""

import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.db import connection
from standardwebhooks.webhooks import Webhook

from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import STANDARD_KEY
from tests.support.live_server import run_gunicorn, run_worker
from tests.support.processes import free_port
from tests.support.webhooks import Forwarder

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def create_payment(server):
    response = requests.post(f"{server}/v1/payments", json=PAYMENT_BODY, timeout=10,
                             headers={"Authorization": f"Bearer {STANDARD_KEY}"})
    assert response.status_code == 201
    return response.json()["id"]


def test_each_new_event_is_forwarded_once_and_verifiable(live_server, demo, receiver):
    before = create_payment(live_server.url)  # its events existed before the forwarder
    forwarder = Forwarder("--forward-to", receiver.url, "--base-url", live_server.url,
                          "--api-key", STANDARD_KEY)
    ready = forwarder.line()
    assert ready.startswith("Ready. Signing secret: whsec_")
    secret = ready.rsplit(" ", 1)[1]
    assert forwarder.line().startswith("Forwarding events from")
    time.sleep(0.5)  # it has learned which events already exist
    payments = [create_payment(live_server.url) for _ in range(2)]
    deadline = time.monotonic() + 20
    while len(receiver.requests) < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # a few more polls: nothing may come twice
    code, output = forwarder.stop()
    assert code == 0 and output.strip().endswith("Stopped."), output
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert len(ids) == 4 == len(set(ids)), output
    objects = set()
    for received in receiver.requests:
        event = Webhook(secret).verify(received.body, received.headers)
        objects.add(event["data"]["object"]["id"])
    assert objects == set(payments) and before not in objects
    lines = [line for line in output.splitlines() if "evt_" in line]
    assert len(lines) == 4 and all("  200  payment." in line for line in lines)


def test_it_keeps_polling_a_sandbox_it_cannot_reach(receiver):
    forwarder = Forwarder("--forward-to", receiver.url, "--base-url",
                          f"http://127.0.0.1:{free_port()}")
    forwarder.line()
    forwarder.line()
    assert forwarder.line().startswith("Sandbox unreachable at")
    time.sleep(0.6)
    assert forwarder.process.poll() is None  # still running, polling
    code, output = forwarder.stop()
    assert code == 0 and output.strip().endswith("Stopped.")
    assert "unreachable" not in output  # said once, not on every poll


def test_a_refused_key_ends_it_with_a_clear_message(live_server, demo, receiver):
    forwarder = Forwarder("--forward-to", receiver.url, "--base-url", live_server.url,
                          "--api-key", "sk_test_not_a_key")
    code = forwarder.process.wait(timeout=10)
    output = forwarder.process.stdout.read()
    assert code == 2
    assert "refused the API key (HTTP 401" in output and "--api-key" in output


@pytest.mark.live
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (a worker)")
def test_the_docs_debugging_walkthrough(demo, tmp_path):
    """Run as written (docs/webhooks.md), with gunicorn and a real task worker (ports and /tmp
    moved aside), both with WEBHOOKS_SHOW_PRIVATE_RESPONSES as the page asks."""
    page = (ROOT / "docs" / "webhooks.md").read_text()
    script = page.split("<!-- debugging-webhooks -->")[1].split("```sh")[1].split("\n```")[0]
    script = (script.replace("/tmp/", f"{tmp_path}/").replace("9877", str(free_port()))
              .replace("9878", str(free_port())))
    extra_env = {"TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
                 "WEBHOOKS_SHOW_PRIVATE_RESPONSES": "1"}
    with (run_gunicorn(workers=2, extra_env=extra_env) as server,
          run_worker(extra_env=extra_env)):
        script = script.replace("B=http://127.0.0.1:8000", f"B={server}")
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == ["2 succeeded 200 thanks", "1 failed 500 database is down",
                         "[(3, 'pending')]"]
    assert [line.split()[1] for line in lines[3:6]] == ["500", "200", "200"]
    assert lines[7].startswith("Ready. Signing secret: whsec_")
    forwarded = [line for line in lines if "  evt_" in line]
    assert [line.split()[1] for line in forwarded] == ["500", "200", "200"], result.stdout
    assert lines[-1] == "Stopped."
