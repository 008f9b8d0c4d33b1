"""Registering and deleting webhook endpoints in parallel keeps the account's
`has_webhook_endpoints` true whenever an endpoint exists (otherwise events would silently
skip their deliveries). The account row lock in `webhooks_app.services` orders them."""

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from accounts.models import Account
from tests.support.credentials import ADMIN_KEY
from tests.support.live_server import run_gunicorn
from webhooks_app.models import WebhookEndpoint

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.live,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
HEADERS = {"Authorization": f"Bearer {ADMIN_KEY}"}
_serial = itertools.count()


def endpoint_register(server: str) -> requests.Response:
    """A new endpoint, on a URL of its own (an account has one endpoint per URL)."""
    url = f"https://example.com/hook/{next(_serial)}"
    return requests.post(f"{server}/v1/webhooks/endpoints", headers=HEADERS,
                         json={"url": url, "events": ["payment.completed"]}, timeout=30)


def test_deleting_the_last_endpoint_while_another_registers(demo):
    """Ten rounds: the account's only endpoint is deleted while a new one registers; each
    round ends with one endpoint, so the flag must be true after every round."""
    with run_gunicorn(workers=4) as server:
        only = endpoint_register(server).json()["id"]
        for _round in range(10):
            barrier = threading.Barrier(2, timeout=30)

            def delete(endpoint_id=only, barrier=barrier):
                barrier.wait()
                return requests.delete(f"{server}/v1/webhooks/endpoints/{endpoint_id}",
                                       headers=HEADERS, timeout=30)

            def register(barrier=barrier):
                barrier.wait()
                return endpoint_register(server)

            with ThreadPoolExecutor(max_workers=2) as pool:
                deleted, registered = pool.submit(delete), pool.submit(register)
                assert deleted.result().status_code == 200
                assert registered.result().status_code == 201
            only = registered.result().json()["id"]
            assert list(WebhookEndpoint.objects.values_list("public_id", flat=True)) == [only]
            assert Account.objects.get(pk=demo.pk).has_webhook_endpoints is True
