"""Limits that hold across processes: gunicorn with 4 workers, counters in Redis."""

import os
import shutil
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from tests.support.factories import make_api_key
from tests.support.live_server import run_gunicorn
from tests.support.processes import free_port

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.live,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)"),
    pytest.mark.django_db(transaction=True),
]

LIMITS = {"RATELIMIT_ENABLE": "1", "RATE_LIMIT_PER_MINUTE": "100", "RATE_LIMIT_PER_SECOND": "20"}


def fresh_key(account) -> dict:
    secret = make_api_key(account, ["payments:read"], name="live").secret
    return {"Authorization": f"Bearer {secret}"}


def get(server, headers):
    return requests.get(f"{server}/v1/payments?limit=1", headers=headers, timeout=10)


def test_130_requests_in_a_minute_from_one_key(demo):
    headers = fresh_key(demo)
    with run_gunicorn(workers=4, extra_env=LIMITS) as server:
        first = get(server, headers)
        if int(first.headers["X-RateLimit-Reset"]) - time.time() < 25:
            time.sleep(int(first.headers["X-RateLimit-Reset"]) - time.time() + 1)
            first = get(server, headers)  # the first of a new window
        assert first.headers["X-RateLimit-Remaining"] == "99"
        responses = [first]
        with ThreadPoolExecutor(max_workers=4) as pool:
            for _ in range(129 // 3):  # 3 at a time, 15 a second: under the burst rule
                responses += pool.map(lambda _: get(server, headers), range(3))
                time.sleep(0.2)
    assert len(responses) == 130
    statuses = Counter(r.status_code for r in responses)
    print(f"[130 requests, one key, 4 workers] {dict(statuses)}")
    assert statuses == {200: 100, 429: 30}
    remaining = sorted((int(r.headers["X-RateLimit-Remaining"]) for r in responses
                        if r.status_code == 200), reverse=True)
    assert remaining == list(range(99, -1, -1))  # every count seen once: shared counters
    refused = [r for r in responses if r.status_code == 429]
    assert all(r.json()["error"]["code"] == "rate_limit_exceeded" for r in refused)
    assert all(int(r.headers["Retry-After"]) >= 1 for r in refused)


def test_the_burst_rule_alone_trips_at_21_in_a_second(demo):
    """21 requests counted in one second: 20 pass, one is refused with `Retry-After: 1`. Which
    second counted each is read from the server's `Date` header, not from a stopwatch: a burst
    that straddled two seconds proves nothing, and is sent again."""
    headers = fresh_key(demo)
    burst_only = {**LIMITS, "RATE_LIMIT_PER_MINUTE": "1000"}  # retries stay under a minute's
    with run_gunicorn(workers=4, extra_env=burst_only) as server:
        get(server, headers)  # warm the workers' connections
        for _attempt in range(5):
            time.sleep(1 - time.time() % 1 + 0.02)  # at the start of a second
            with ThreadPoolExecutor(max_workers=4) as pool:
                responses = list(pool.map(lambda _: get(server, headers), range(21)))
            if len({r.headers["Date"] for r in responses}) == 1:
                break
            time.sleep(1.1)  # the straddled seconds' counters are behind us
        else:
            pytest.fail("no burst of 21 requests fell within one second in 5 tries")
    statuses = Counter(r.status_code for r in responses)
    print(f"[21 requests in the second of {responses[0].headers['Date']}] {dict(statuses)}")
    assert statuses == {200: 20, 429: 1}
    [refused] = [r for r in responses if r.status_code == 429]
    assert refused.headers["Retry-After"] == "1"
    assert refused.json()["error"]["code"] == "rate_limit_exceeded"


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
@pytest.mark.parametrize(("fail_open", "expected"), [("1", 200), ("0", 503)])
def test_a_stopped_redis_is_handled_as_configured(demo, tmp_path, fail_open, expected):
    port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            if subprocess.run(["redis-cli", "-p", str(port), "ping"],
                              capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        env = {**LIMITS, "REDIS_URL": f"redis://127.0.0.1:{port}/0",
               "RATE_LIMIT_FAIL_OPEN": fail_open}
        headers = fresh_key(demo)
        with run_gunicorn(workers=2, extra_env=env) as server:
            assert "X-RateLimit-Limit" in get(server, headers).headers
            redis.terminate()
            redis.wait(timeout=10)
            after = [get(server, headers) for _ in range(3)]
    finally:
        if redis.poll() is None:
            redis.kill()
    assert {r.status_code for r in after} == {expected}
    assert all(r.headers["Content-Type"] == "application/json" for r in after)
    if expected == 200:
        assert all("X-RateLimit-Limit" not in r.headers for r in after)
    else:
        assert after[0].json()["error"]["code"] == "rate_limiter_unavailable"
