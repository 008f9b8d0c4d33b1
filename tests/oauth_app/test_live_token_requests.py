"""A burst of token requests against gunicorn in the production configuration (production
settings, PostgreSQL, Redis, rate limits on): every request is answered, none times out.

Checking a client secret costs an HMAC, for known and unknown client ids alike; with a slow
password hash, wrong secrets for known clients kept the workers busy long enough for
requests to time out.
"""

import os
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.core.cache import cache
from django.db import connection

from accounts import scopes
from oauth_app.services import new_client_secret, oauth_client_create
from tests.support.live_server import run_gunicorn

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.live,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)"),
    pytest.mark.django_db(transaction=True),
]

# The production settings module, not the tests' (which hash passwords with MD5 and turn
# rate limits off). The server shares this process's SECRET_KEY, the key of the secrets'
# HMAC; X-Forwarded-Proto stands for the TLS proxy the production settings expect.
PRODUCTION = {"DJANGO_SETTINGS_MODULE": "config.settings", "RATELIMIT_ENABLE": "1"}
HEADERS = {"X-Forwarded-Proto": "https"}
CLIENTS, REQUESTS_EACH = 10, 13


def test_130_token_requests_from_10_clients_are_all_answered(demo):
    cache.clear()  # the per-IP counters of earlier tests: all requests come from 127.0.0.1
    callers = []  # (kind, client id, secret): valid, wrong secret, unknown client id
    for n in range(CLIENTS):
        secret = new_client_secret()
        if n < 4:
            oauth_client_create(account=demo, client_id=f"burst_{n}", name=f"Burst {n}",
                                secret=secret, redirect_uris=[], scopes=[scopes.PAYMENTS_READ])
            callers.append(("valid", f"burst_{n}", secret))
        elif n < 7:
            callers.append(("wrong", "burst_0", secret))
        else:
            callers.append(("unknown", f"nobody_{n}", secret))

    def caller(kind, client_id, secret, server):
        answers = []
        for _ in range(REQUESTS_EACH):
            started = time.monotonic()
            response = requests.post(f"{server}/v1/oauth/token", auth=(client_id, secret),
                                     data={"grant_type": "client_credentials"},
                                     headers=HEADERS, timeout=10)
            answers.append((kind, response, time.monotonic() - started))
            time.sleep(0.5)  # ten callers: about the burst limit (20 a second) together
        return answers

    with run_gunicorn(workers=4, extra_env=PRODUCTION) as server:
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            runs = [pool.submit(caller, *args, server) for args in callers]
            answers = [answer for run in runs for answer in run.result()]

    assert len(answers) == CLIENTS * REQUESTS_EACH
    statuses = defaultdict(Counter)
    for kind, response, _latency in answers:
        statuses[kind][response.status_code] += 1
    slowest = max(latency for *_, latency in answers)
    print(f"[130 token requests, 10 clients] {dict(statuses)}; slowest {slowest:.2f} s")
    assert set(statuses["valid"]) <= {200, 429} and statuses["valid"][200] > 0
    assert set(statuses["wrong"]) <= {401, 429} and statuses["wrong"][401] > 0
    assert set(statuses["unknown"]) <= {401, 429} and statuses["unknown"][401] > 0
    for _kind, response, _latency in answers:
        body = response.json()
        if response.status_code == 429:
            assert body["error"] == "rate_limit_exceeded"
            assert int(response.headers["Retry-After"]) >= 1
        elif response.status_code == 401:
            assert body["error"] == "invalid_client"
    assert slowest < 2  # a slow password hash made answers wait 5 s behind one another
