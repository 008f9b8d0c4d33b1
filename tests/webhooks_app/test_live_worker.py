"""The real thing: gunicorn serving the API, `db_worker` as a separate process delivering."""

import json
import time

import pytest
import requests
from django.db import connection
from standardwebhooks.webhooks import Webhook

from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import ADMIN_KEY
from tests.support.live_server import run_gunicorn, run_worker

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.live,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_the_worker_process_delivers_signed_events(demo, receiver):
    headers = {"Authorization": f"Bearer {ADMIN_KEY}"}
    extra_env = {"TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
    with run_gunicorn(workers=2, extra_env=extra_env) as server, run_worker():
        endpoint = requests.post(
            f"{server}/v1/webhooks/endpoints", headers=headers, timeout=10,
            json={"url": receiver.url, "events": ["payment.created", "payment.completed"]},
        ).json()
        payment = requests.post(f"{server}/v1/payments", headers=headers, json=PAYMENT_BODY,
                                timeout=10).json()
        deadline = time.monotonic() + 30
        while len(receiver.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)

    assert len(receiver.requests) == 2, "the worker did not deliver both events in 30 s"
    types = set()
    for received in receiver.requests:
        event = Webhook(endpoint["secret"]).verify(received.body, received.headers)
        assert event["data"]["object"]["id"] == payment["id"]
        types.add(json.loads(received.body)["type"])
    assert types == {"payment.created", "payment.completed"}
