"""Real outages under gunicorn: PostgreSQL stopped (503 `service_unavailable` on every
surface, the admin's plain 503 page, health 503, then recovery), Redis frozen or stopped
(health `degraded` with 200, requests still served: rate limiting fails open).

The servers stopped are the throwaway ones of scripts/with-postgres (`PG_RESTART_COMMAND`
says how to restart it) and scripts/with-redis (`REDIS_SERVER_PID`); each test restores
them before it ends, so the rest of the suite runs on.
"""

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests
from django.db import connection
from django.test import Client

from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import STANDARD_KEY
from tests.support.live_server import run_gunicorn
from tests.support.outages import SURFACES, V1_UNAVAILABLE
from tests.support.processes import free_port

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.live,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
KEY = {"Authorization": f"Bearer {STANDARD_KEY}"}
WORKING = {"v1": 200, "v1 write": 201, "devdraft": 404, "uqpay": 404, "oauth": 200}


def _postgres_commands() -> tuple[list[str], list[str]]:
    """Stop the cluster of scripts/with-postgres at once (as a crash would); start it again
    with its own options (`pg_ctl restart` reads them back from the data directory)."""
    restart = shlex.split(os.environ["PG_RESTART_COMMAND"])
    data = restart[restart.index("-D") + 1]
    pg_ctl = next(i for i, arg in enumerate(restart) if arg.endswith("/pg_ctl"))
    as_owner = [*restart[: pg_ctl + 1], "-D", data, "-w", "-t", "60"]
    log = str(Path(data).parent / "postgres.log")  # where with-postgres has it log
    return ([*as_owner, "-m", "immediate", "stop"],
            [*as_owner, "-l", log, "-m", "fast", "restart"])


@contextlib.contextmanager
def postgres_stopped():
    stop, start = _postgres_commands()
    subprocess.run(stop, check=True, timeout=60, capture_output=True)
    try:
        yield
    finally:
        subprocess.run(start, check=True, timeout=90, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        connection.close()  # this process's connection died with the server


@contextlib.contextmanager
def redis_frozen():
    """The Redis of scripts/with-redis stops answering (SIGSTOP): connections hang until the
    client's socket timeout, the slow way for a cache to be down. SIGCONT brings it back."""
    pid = int(os.environ["REDIS_SERVER_PID"])
    serving = redis.Redis.from_url(os.environ["REDIS_URL"]).info("server")["process_id"]
    if serving != pid:  # never freeze a server we did not start
        pytest.skip(f"the Redis at REDIS_URL is process {serving}, not REDIS_SERVER_PID {pid}")
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def _get(server, path, **kwargs):
    return requests.get(f"{server}{path}", timeout=15, **kwargs)


def _surfaces(server) -> dict:
    return {
        "v1": _get(server, "/v1/payments", headers=KEY),
        "v1 write": requests.post(f"{server}/v1/payments", json=PAYMENT_BODY, timeout=15,
                                  headers={**KEY, "Idempotency-Key": uuid.uuid4().hex}),
        "devdraft": _get(server, "/api/v0/test-payment/pay_nope",
                         headers={"x-client-key": "demo_client_standard",
                                  "x-client-secret": STANDARD_KEY}),
        "uqpay": _get(server, "/api/v2/payment/refunds/ref_nope",
                      headers={"x-client-id": "demo_client_standard",
                               "x-auth-token": STANDARD_KEY}),
        "oauth": requests.post(f"{server}/v1/oauth/token", timeout=15, json={
            "grant_type": "client_credentials", "client_id": "my_app",
            "client_secret": "my_secret"}),
    }


def _statuses(responses: dict) -> dict:
    return {name: response.status_code for name, response in responses.items()}


def _healthy_again(server, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        response = _get(server, "/v1/health")
        if response.json()["status"] == "healthy" or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


ADMIN_PAGES = ("/admin/", "/admin/payments/payment/")


def _admin(server, session: str) -> dict:
    """The admin's pages, as a signed-in operator (the session is read from the database)."""
    return {path: _get(server, path, cookies={"sessionid": session}, allow_redirects=False)
            for path in ADMIN_PAGES}


@pytest.mark.skipif(not os.environ.get("PG_RESTART_COMMAND"),
                    reason="needs the PostgreSQL of scripts/with-postgres")
@pytest.mark.disruptive
def test_stopped_postgresql_is_503_on_every_surface_until_it_is_back(demo,
                                                                     django_user_model):
    operator = Client()
    operator.force_login(django_user_model.objects.create_superuser(
        "operator", "op@example.com", "pw-op-12345"))
    session = operator.cookies["sessionid"].value
    with run_gunicorn(workers=2) as server:
        assert _statuses(_surfaces(server)) == WORKING
        assert _statuses(_admin(server, session)) == dict.fromkeys(ADMIN_PAGES, 200)
        with postgres_stopped():
            started = time.monotonic()
            during = _surfaces(server)
            health = _get(server, "/v1/health")
            metrics = _get(server, "/metrics")
            admin = _admin(server, session)
            elapsed = time.monotonic() - started
        after = _healthy_again(server)
        again = _surfaces(server)
        admin_again = _admin(server, session)
        log = server.output()
    print(f"\n[postgres stopped] 9 answers in {elapsed:.2f} s")
    for name, response in during.items():
        assert response.status_code == 503, (name, response.text)
        assert response.headers["Content-Type"] == "application/json", name
        assert response.headers["Retry-After"] == "5", name
    assert during["v1"].json() == during["v1 write"].json() == V1_UNAVAILABLE
    for surface in ("devdraft", "uqpay", "oauth"):
        assert during[surface].json() == SURFACES[surface][1], surface
    assert health.status_code == 503 and health.headers["Retry-After"] == "5"
    assert health.json()["status"] == "unhealthy"
    assert health.json()["checks"]["database"].startswith("error")
    assert metrics.status_code == 200  # still scraped: the outage shows as 503s
    assert 'status="503"' in metrics.text
    assert after.status_code == 200 and after.json()["status"] == "healthy"
    assert _statuses(again) == WORKING
    for path, response in admin.items():  # the plain page, not Django's 500
        assert response.status_code == 503, (path, response.text[:500])
        assert response.headers["Content-Type"] == "text/html; charset=utf-8", path
        assert response.headers["Retry-After"] == "5", path
        assert "<h1>Service unavailable</h1>" in response.text, path
    assert _statuses(admin_again) == dict.fromkeys(ADMIN_PAGES, 200)
    assert "Internal Server Error" not in log, log[-3000:]  # Django's 500, with a traceback


@contextlib.contextmanager
def private_redis(tmp_path):
    """A Redis of this test's own, to stop for good (the suite's must stay up)."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            if subprocess.run(["redis-cli", "-p", str(port), "ping"],
                              capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        yield server, f"redis://127.0.0.1:{port}/0"
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(timeout=10)


def _degraded_but_serving(server) -> None:
    started = time.monotonic()
    health = _get(server, "/v1/health")
    served = _get(server, "/v1/payments", headers=KEY)
    print(f"\n[redis down] health + one request in {time.monotonic() - started:.2f} s")
    assert health.status_code == 200, health.text
    assert health.json()["status"] == "degraded"
    assert health.json()["checks"]["cache"].startswith("error")
    assert health.json()["checks"]["database"] == "connected"
    assert served.status_code == 200 and "X-RateLimit-Limit" not in served.headers


@pytest.mark.disruptive
@pytest.mark.skipif(not os.environ.get("REDIS_SERVER_PID"),
                    reason="needs the Redis of scripts/with-redis")
def test_a_frozen_redis_leaves_health_degraded_and_requests_served(demo):
    with run_gunicorn(workers=2, extra_env={"RATELIMIT_ENABLE": "1",
                                            "REDIS_URL": os.environ["REDIS_URL"]}) as server:
        assert "X-RateLimit-Limit" in _get(server, "/v1/payments", headers=KEY).headers
        with redis_frozen():
            _degraded_but_serving(server)
        assert _healthy_again(server).json()["status"] == "healthy"
        assert "X-RateLimit-Limit" in _get(server, "/v1/payments", headers=KEY).headers


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_a_stopped_redis_leaves_health_degraded_and_requests_served(demo, tmp_path):
    with private_redis(tmp_path) as (server_process, url), run_gunicorn(
            workers=2, extra_env={"RATELIMIT_ENABLE": "1", "REDIS_URL": url}) as server:
        assert _get(server, "/v1/health").json()["status"] == "healthy"
        server_process.terminate()
        server_process.wait(timeout=10)
        _degraded_but_serving(server)
