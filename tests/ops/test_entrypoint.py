"""What the image runs (deploy/entrypoint.py, deploy/healthcheck.py, deploy/gunicorn.conf.py),
run on this host: a temporary directory stands in for the /data volume."""

import json
import os
import re
import runpy
import signal
import stat
import subprocess
import time
import types
from pathlib import Path

import pytest
import requests

from tests.support.deploy import (
    PYTHON,
    ROOT,
    SECRET,
    clean_env,
    free_port,
    start,
    stop,
    tail,
    wait_healthy,
)

STANDARD_KEY = "demo_key_4eC39HqLyjWDarjtT1zdp7dc"
ENTRYPOINT = [PYTHON, str(ROOT / "deploy" / "entrypoint.py")]

pytestmark = [pytest.mark.live]


def test_sandbox_entrypoint_migrates_seeds_and_serves_plain_http(tmp_path):
    data, metrics = tmp_path / "data", tmp_path / "metrics"
    metrics.mkdir()
    (metrics / "counter_999999.db").write_bytes(b"stale")  # from a previous run
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = clean_env(SANDBOX="1", DATA_DIR=str(data), BIND=f"127.0.0.1:{port}",
                    PROMETHEUS_MULTIPROC_DIR=str(metrics))
    log = tmp_path / "sandbox.log"
    auth = {"Authorization": f"Bearer {STANDARD_KEY}"}

    proc = start(ENTRYPOINT, env, log)  # `web`, the default
    try:
        wait_healthy(proc, url, log)
        # Plain HTTP, no redirect anywhere, no HSTS; the demo key works.
        landing = requests.get(f"{url}/", allow_redirects=False, timeout=10)
        assert landing.status_code == 200, landing.headers
        assert "Strict-Transport-Security" not in landing.headers
        created = requests.post(f"{url}/v1/payments", headers=auth, timeout=10, json={
            "amount": 12.5, "currency": "USD", "description": "sandbox",
            "customer_email": "sandbox@example.com"})
        assert created.status_code == 201, created.text
        payment_id = created.json()["id"]
        assert requests.get(f"{url}/v1/payments/{payment_id}", headers=auth,
                            timeout=10).status_code == 200
        # The data directory holds the database and a private, generated secret key.
        key_file = data / "secret_key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        key = key_file.read_text()
        assert len(key.strip()) >= 50
        assert (data / "db.sqlite3").exists()
        # The image's health check passes against it.
        check = subprocess.run([PYTHON, "deploy/healthcheck.py"], cwd=ROOT, timeout=30,
                               env=clean_env(BIND=f"0.0.0.0:{port}"))
        assert check.returncode == 0
        # Metrics go to the given directory, emptied of old files first.
        assert not (metrics / "counter_999999.db").exists()
        assert list(metrics.glob("*.db"))
        # A task worker that dies is started again; the container carries on serving.
        supervisor = only(children(proc.pid, "core.supervise"))
        os.kill(only(children(supervisor, "manage.py")), signal.SIGKILL)
        deadline = time.monotonic() + 30
        while not children(supervisor, "manage.py") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert children(supervisor, "manage.py"), tail(log)
        assert "starting it again" in tail(log, 200_000)
        assert proc.poll() is None
    finally:
        assert stop(proc) == 0, tail(log)

    # A restart keeps the key and the data, and seeding again changes nothing.
    proc = start(ENTRYPOINT, env, log)
    try:
        wait_healthy(proc, url, log)
        assert key_file.read_text() == key
        again = requests.get(f"{url}/v1/payments/{payment_id}", headers=auth, timeout=10)
        assert again.status_code == 200, again.text
    finally:
        stop(proc)
    assert "task worker beside it" in tail(log, 200_000)


def test_the_image_serves_stripe_at_the_root_of_its_own_port_too(tmp_path):
    """Without BIND, gunicorn listens on PORT and STRIPE_ROOT_PORT (every interface, as in a
    container): on the second, `/v1/...` is Stripe's format. The health check probes the
    first."""
    port, stripe_port = free_port(), free_port()
    env = clean_env(SANDBOX="1", DATA_DIR=str(tmp_path / "data"), PORT=str(port),
                    STRIPE_ROOT_PORT=str(stripe_port), SANDBOX_WORKER="0")
    log = tmp_path / "sandbox.log"
    proc = start(ENTRYPOINT, env, log)
    try:
        wait_healthy(proc, f"http://127.0.0.1:{port}", log)
        listed = requests.get(f"http://127.0.0.1:{stripe_port}/v1/customers", timeout=10,
                              headers={"Authorization": f"Bearer {STANDARD_KEY}"})
        assert listed.status_code == 200, listed.text
        assert listed.json()["url"] == "/v1/customers" and listed.headers["Stripe-Version"]
        both = f"127.0.0.1:{port},127.0.0.1:{stripe_port}"
        check = subprocess.run([PYTHON, "deploy/healthcheck.py"], cwd=ROOT, timeout=30,
                               env=clean_env(BIND=both))
        assert check.returncode == 0
    finally:
        assert stop(proc) == 0, tail(log)


def children(pid: int, marker: str) -> list[int]:
    """The processes whose parent is `pid` and whose command line mentions `marker`."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat_file.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat_file.parent / "cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
        if parent == pid and marker.encode() in command:
            found.append(int(stat_file.parent.name))
    return found


def only(pids: list[int]) -> int:
    assert len(pids) == 1, pids
    return pids[0]


def test_entrypoint_refuses_to_start_without_secret_key(tmp_path):
    port = free_port()
    env = clean_env(SQLITE_PATH=str(tmp_path / "db.sqlite3"), BIND=f"127.0.0.1:{port}")
    result = subprocess.run(ENTRYPOINT, cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 78, result.stderr
    assert "refusing to start" in result.stderr and "SECRET_KEY" in result.stderr
    assert not (tmp_path / "db.sqlite3").exists()  # nothing migrated


def test_production_entrypoint_shares_metrics_of_several_workers(tmp_path):
    """No sandbox: the given SECRET_KEY, no demo data, and with two workers one scrape of
    /metrics counts the requests of both (a fresh PROMETHEUS_MULTIPROC_DIR)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = clean_env(SECRET_KEY=SECRET, ALLOWED_HOSTS="127.0.0.1",
                    SQLITE_PATH=str(tmp_path / "db.sqlite3"), SECURE_SSL_REDIRECT="0",
                    WEB_CONCURRENCY="2", BIND=f"127.0.0.1:{port}", TMPDIR=str(tmp_path))
    log = tmp_path / "web.log"
    proc = start(ENTRYPOINT + ["web"], env, log)
    try:
        wait_healthy(proc, url, log)
        for _ in range(20):
            assert requests.get(f"{url}/v1/health", timeout=10).status_code == 200
        body = requests.get(f"{url}/metrics", timeout=10).text
        counts = re.findall(r'http_requests_total\{[^}]*view="health"[^}]*\} ([\d.]+)', body)
        assert counts and sum(float(c) for c in counts) >= 20, body[:3000]
        assert list(tmp_path.glob("prometheus-*/*.db"))
        demo = requests.get(f"{url}/v1/payments", timeout=10,
                            headers={"Authorization": f"Bearer {STANDARD_KEY}"})
        assert demo.status_code == 401  # no demo data outside sandbox mode
    finally:
        assert stop(proc) == 0, tail(log)


def test_gunicorn_child_exit_marks_the_worker_dead(tmp_path, monkeypatch):
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["worker_class"] == "gthread" and config["limit_request_line"] == 4094
    live = tmp_path / "gauge_livesum_4242.db"
    live.write_bytes(b"")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    config["child_exit"](None, types.SimpleNamespace(pid=4242))
    assert not live.exists()


def test_sentry_dsn_uses_the_sentry_extra(tmp_path):
    env = clean_env(SECRET_KEY=SECRET, SQLITE_PATH=str(tmp_path / "db.sqlite3"),
                    SENTRY_DSN="http://public@127.0.0.1:9/1")
    ok = subprocess.run([PYTHON, "-c", "import django; django.setup(); import sentry_sdk; "
                         "assert sentry_sdk.get_client().is_active()"],
                        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    # Without the extra: a clear refusal, not a bare ImportError.
    missing = subprocess.run(
        [PYTHON, "-c", "import sys; sys.modules['sentry_sdk'] = None; import django; "
         "django.setup()"], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"})
    assert missing.returncode != 0
    assert "sentry-sdk is not installed" in missing.stderr and "EXTRAS=sentry" in missing.stderr


def test_entrypoint_runs_other_commands_as_given(tmp_path):
    result = subprocess.run(ENTRYPOINT + ["python", "-c", "import os; print(os.getcwd())"],
                            cwd=tmp_path, env=clean_env(), capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(ROOT)  # the image's WORKDIR: the project


def test_healthcheck_fails_when_nothing_answers():
    result = subprocess.run([PYTHON, "deploy/healthcheck.py"], cwd=ROOT, timeout=30,
                            env=clean_env(PORT=str(free_port())), capture_output=True)
    assert result.returncode == 1


def test_sandbox_settings_are_local_and_plain_http(tmp_path):
    """SANDBOX=1 settings: local host names, no HTTPS redirect, secure cookies or HSTS."""
    code = ("from django.conf import settings as s; import json; print(json.dumps(["
            "s.ALLOWED_HOSTS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
            "s.SECURE_HSTS_SECONDS, s.ALLOW_DEMO_DATA, s.DEBUG, str(s.SQLITE_PATH)]))")
    env = clean_env(SANDBOX="1", DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    out = subprocess.run([PYTHON, "-c", f"import django; django.setup(); {code}"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    hosts, redirect, secure, hsts, demo, debug, sqlite = json.loads(out.stdout)
    assert set(hosts) == {"127.0.0.1", "localhost", "[::1]"}
    assert (redirect, secure, hsts, demo, debug) == (False, False, 0, True, False)
    assert sqlite == os.path.join(tmp_path, "db.sqlite3")


@pytest.mark.postgres
def test_containers_starting_together_migrate_one_at_a_time():
    """Three entrypoints migrate one fresh PostgreSQL database at once: the advisory lock
    lets one migrate while the others wait, then find nothing left to do."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("needs the PostgreSQL of scripts/with-postgres")
    import psycopg

    name = f"entrypoint_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        env = clean_env(SECRET_KEY=SECRET, DATABASE_URL=url.rsplit("/", 1)[0] + f"/{name}")
        procs = [subprocess.Popen(ENTRYPOINT + ["migrate"], cwd=ROOT, env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for _ in range(3)]
        outputs = [proc.communicate(timeout=180)[0] for proc in procs]
        assert [proc.returncode for proc in procs] == [0, 0, 0], outputs
        assert sum("Applying accounts.0001" in out for out in outputs) == 1, outputs
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
