"""Slow clients against gunicorn as deployed (deploy/gunicorn.conf.py), against the nginx of
deploy/compose.yaml in front of it as scripts/cluster-run puts it there, and against the
cluster itself (`make cluster`): /v1/health must not wait for them.

The measurement is scripts/slow_clients.py (connections that trickle headers and never finish
their request, or send nothing at all and come back as soon as they are dropped, while
/v1/health is probed). Before gthread workers, three such clients stalled three sync workers
for gunicorn's whole 30 s timeout; gunicorn alone still lets clients that need no credentials
hold every thread (silent ones that come back every 5 s, or a few more trickling ones than it
has threads), which is why production puts nginx in front. A probe counts as failed when it
is not answered within its timeout, set well under what a stalled server makes it wait; the
latencies are printed, not judged.
"""

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
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

pytestmark = [pytest.mark.live]

WORKERS, THREADS = 3, 4  # compose.yaml's WEB_CONCURRENCY, the config's default threads
# scripts/cluster-run's: the address nginx connects to gunicorn from, which alone is trusted.
PROXY_SOURCE = "127.0.0.2"
DEMO_KEY = "demo_key_4eC39HqLyjWDarjtT1zdp7dc"  # seed_demo's, which the cluster loads


def slow_clients(url: str, clients: int, *, seconds: float, probe_timeout: float,
                 mode: str = "trickle", reopen: bool = False) -> dict:
    """Probes of /v1/health while `clients` slow clients hold their connections for
    `seconds` (`reopen`: each one the server drops comes back at once); a probe not answered
    within `probe_timeout` (well under `seconds`: what a stalled server would make it wait)
    counts as failed. The latencies are printed, not judged: timing belongs to the
    benchmarks."""
    result = subprocess.run(
        [PYTHON, str(ROOT / "scripts" / "slow_clients.py"), url, "--clients", str(clients),
         "--seconds", str(seconds), "--mode", mode, "--probe-timeout", str(probe_timeout),
         *(["--reopen"] if reopen else [])],
        capture_output=True, text=True, timeout=seconds + 60, check=True)
    measured = json.loads(result.stdout)
    print(f"\n[{url}: {clients} {mode} clients{', reopening' if reopen else ''}] {measured}")
    return measured


@pytest.fixture(scope="module")
def stripe_port() -> int:
    """The proxy's port of Stripe's format at the root: gunicorn's STRIPE_ROOT_PORT."""
    return free_port()


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory, stripe_port):
    """gunicorn with deploy/gunicorn.conf.py on a migrated throwaway SQLite database."""
    tmp = tmp_path_factory.mktemp("slow-clients")
    port = free_port()
    env = clean_env(DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY=SECRET,
                    ALLOWED_HOSTS="127.0.0.1", SQLITE_PATH=str(tmp / "db.sqlite3"),
                    SECURE_SSL_REDIRECT="0", WEB_CONCURRENCY=str(WORKERS),
                    GUNICORN_THREADS=str(THREADS), BIND=f"127.0.0.1:{port}",
                    TRUSTED_PROXIES=PROXY_SOURCE, FORWARDED_ALLOW_IPS=PROXY_SOURCE,
                    STRIPE_ROOT_PORT=str(stripe_port))
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True,
                   timeout=120)
    log = tmp / "gunicorn.log"
    proc = start([PYTHON, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py",
                  "config.wsgi:application"], env, log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, url, log)
        yield url
    finally:
        stop(proc)


@pytest.mark.parametrize("clients", [3, WORKERS * THREADS - 1])
def test_slow_clients_do_not_stall_health(gunicorn, clients):
    """Up to one less than all threads: a worker takes a connection only with a thread free.
    Each probe is answered while the slow clients still hold their connections."""
    result = slow_clients(gunicorn, clients, seconds=6, probe_timeout=3)
    assert result["failed"] == 0, result
    assert result["probes"] >= 10, result


def test_silent_connections_hold_no_thread_for_long(gunicorn):
    """Connections that send nothing are let go of within 5 s, even more of them than there
    are threads."""
    result = slow_clients(gunicorn, WORKERS * THREADS + 4, seconds=12, probe_timeout=8,
                          mode="silent")
    assert result["failed"] == 0, result  # none waited for the 12 s they hang on


def _send_and_read(port: int, request: bytes) -> bytes:
    """The start of the answer (a server reading on to the end of an oversized request would
    make the read time out instead)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        try:
            sock.sendall(request)
        except OSError:
            pass  # refused mid-way: the answer is already waiting
        return sock.recv(200)


def test_oversized_request_line_and_headers_are_refused_at_once(gunicorn):
    port = int(gunicorn.rsplit(":", 1)[1])
    line = b"GET /v1/health?q=" + b"a" * (16 * 1024 * 1024) + b" HTTP/1.1\r\n\r\n"
    answer = _send_and_read(port, line)
    assert answer.split(b" ")[1] in (b"400", b"414"), answer
    header = (b"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"b" * 9000
              + b"\r\n\r\n")
    answer = _send_and_read(port, header)
    assert answer.split(b" ")[1] in (b"400", b"431"), answer
    # A request line within the limit still reaches Django.
    ok = b"GET /v1/health?q=" + b"a" * 3000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    answer = _send_and_read(port, ok)
    assert answer.startswith(b"HTTP/1.1 200"), answer


def _nginx() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None)


def _nginx_or_skip() -> str:
    nginx = _nginx()
    if nginx is None:
        pytest.skip("nginx is not installed (Debian: nginx-light; make system-deps)")
    return nginx


@pytest.fixture(scope="module")
def proxy(gunicorn, stripe_port):
    """deploy/nginx.conf in front of our gunicorn, configured as scripts/cluster-run
    configures it (scripts/nginx_conf.py: the upstream and the listen addresses filled in,
    connecting from PROXY_SOURCE). Its directory is not under pytest's (private) one: nginx's
    workers run as `nobody` when the tests run as root, and write temporary files there."""
    nginx = _nginx_or_skip()
    directory = Path(tempfile.mkdtemp(prefix="slow-clients-nginx."))
    port = free_port()
    try:
        subprocess.run([PYTHON, "scripts/nginx_conf.py", str(directory),
                        "--listen", f"127.0.0.1:{port}",
                        "--upstream", gunicorn.removeprefix("http://"),
                        "--stripe-listen", f"127.0.0.1:{stripe_port}",
                        "--source", PROXY_SOURCE, "--nginx", nginx],
                       cwd=ROOT, check=True, capture_output=True, timeout=30)
        command = [nginx, "-p", str(directory), "-c", str(directory / "nginx.conf")]
        subprocess.run([*command, "-t", "-q"], check=True, capture_output=True, timeout=30)
        log = directory / "nginx.log"
        proc = start([*command, "-g", "daemon off;"], clean_env(), log)
        try:
            wait_healthy(proc, f"http://127.0.0.1:{port}", log, timeout=30)
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(proc)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def test_nginx_in_front_holds_many_slow_clients(proxy):
    """Many more slow clients than gunicorn has threads, coming back when dropped, and
    /v1/health does not notice: nginx waits for whole requests, gunicorn never sees them."""
    result = slow_clients(proxy, 64, seconds=6, probe_timeout=2, reopen=True)
    assert result["failed"] == 0, result
    assert result["probes"] >= 10, result


def test_nginx_in_front_holds_silent_clients_that_come_back(proxy):
    """Connections that send nothing and come back as soon as they are dropped, twice as many
    as gunicorn takes at once: alone, gunicorn makes each probe wait behind them for its 5 s
    idle cut-off; behind nginx (which drops them after 10 s), nothing waits."""
    result = slow_clients(proxy, 2 * WORKERS * THREADS, seconds=12, probe_timeout=2,
                          mode="silent", reopen=True)
    assert result["failed"] == 0, result
    assert result["probes"] >= 20, result
    assert result["reopened"] > 0, result  # nginx dropped them, and they came back


def _metrics(url: str, **headers) -> int:
    return requests.get(f"{url}/metrics", headers=headers, timeout=10).status_code


def test_behind_nginx_the_client_ip_is_the_clients(gunicorn, proxy):
    """/metrics answers the client IPs of METRICS_ALLOWED_NETWORKS, by default 127.0.0.1 (and
    ::1), not the proxy's 127.0.0.2: through nginx it answers, so the client IP is ours, read
    from X-Forwarded-For; an address we write there ourselves is not believed; sent straight
    to gunicorn, the header is refused (not from a trusted proxy)."""
    assert _metrics(proxy) == 200
    assert _metrics(proxy, **{"X-Forwarded-For": "10.9.9.9"}) == 200  # still 127.0.0.1
    assert _metrics(gunicorn) == 200
    assert _metrics(gunicorn, **{"X-Forwarded-For": "127.0.0.1"}) == 403


def test_behind_nginx_stripe_is_at_the_root_of_its_port(gunicorn, proxy, stripe_port):
    """nginx's second server tells gunicorn the port it received the request on
    (X-Forwarded-Port): there `/v1/customers` is Stripe's (401 in Stripe's shape, without
    `status`); on nginx's main port it is the main API's unknown route. A client that
    writes the header itself, straight to gunicorn, is not believed."""
    stripe_side = requests.get(f"http://127.0.0.1:{stripe_port}/v1/customers", timeout=10)
    assert stripe_side.status_code == 401 and stripe_side.headers["Server"] == "nginx"
    assert stripe_side.json()["error"]["type"] == "authentication_error"
    assert "status" not in stripe_side.json()["error"] and stripe_side.headers["Stripe-Version"]
    main = requests.get(f"{proxy}/v1/customers", timeout=10)
    assert main.status_code == 404 and main.json()["error"]["status"] == 404
    spoofed = requests.get(f"{gunicorn}/v1/customers", timeout=10,
                           headers={"X-Forwarded-Port": str(stripe_port)})
    assert spoofed.status_code == 404 and spoofed.json()["error"]["status"] == 404


# --- The cluster: scripts/cluster-run (make cluster, make soak) ------------------------------

def _read_line(proc: subprocess.Popen, timeout: float) -> str:
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    return proc.stdout.readline() if ready else ""


def test_cluster_run_needs_nginx_and_says_so(tmp_path):
    """Checked before anything starts (the database URLs here lead nowhere)."""
    env = clean_env(DATABASE_URL="postgres://nowhere/none", REDIS_URL="redis://nowhere/0",
                    NGINX=str(tmp_path / "no-nginx"), PYTHON=PYTHON)
    result = subprocess.run([str(ROOT / "scripts" / "cluster-run"), "true"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result
    assert "nginx is not installed" in result.stderr, result.stderr
    assert "make system-deps" in result.stderr, result.stderr


@pytest.mark.postgres
def test_the_cluster_serves_through_nginx_and_slow_clients_stall_nothing(tmp_path):
    """`scripts/cluster-run` (`make cluster`) as documented, on a database of its own: its URL
    is nginx's, in front of two gunicorn instances. Silent clients that come back when dropped
    (twice the threads of both instances: alone, each instance makes every probe wait about
    5 s) and slow-header clients (more than both have threads: alone, they hold every probe
    for as long as they trickle) leave /v1/health answered within 2 s; the client IP behind
    the proxy is the client's; Stripe's format is at the root of its own port."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres") or not os.environ.get("REDIS_URL"):
        pytest.skip("needs the PostgreSQL and Redis of scripts/with-postgres, scripts/with-redis")
    nginx = _nginx_or_skip()
    import psycopg

    name = f"cluster_{os.getpid()}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    env = clean_env(
        DATABASE_URL=database_url.rsplit("/", 1)[0] + f"/{name}",
        # (the test processes take Redis databases 0 to 13: settings_test.py)
        REDIS_URL=os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/14",
        PYTHON=PYTHON, NGINX=nginx, CLUSTER_PROXY_PORT=str(free_port()),
        CLUSTER_STRIPE_PORT=str(free_port()), CLUSTER_PORTS=f"{free_port()} {free_port()}")
    # The command run inside the cluster: says its URLs, then waits until we are done.
    waiter = ("import os, sys; print(os.environ['CLUSTER_URL'], "
              "os.environ['CLUSTER_STRIPE_URL'], os.environ['CLUSTER_URLS'], flush=True); "
              "sys.stdin.read()")
    log = tmp_path / "cluster-run.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(ROOT / "scripts" / "cluster-run"), PYTHON, "-c", waiter],
                                cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=out, text=True,
                                start_new_session=True)
    try:
        line = _read_line(proc, timeout=240)
        assert line, f"cluster-run did not start:\n{tail(log)}"
        url, stripe_url, *instances = line.split()
        assert len(instances) == 2 and url not in instances, line
        health = requests.get(f"{url}/v1/health", timeout=10)
        assert health.status_code == 200 and health.headers["Server"] == "nginx", health.headers
        intents = requests.get(f"{stripe_url}/v1/payment_intents", timeout=10,
                               headers={"Authorization": "Bearer " + DEMO_KEY})
        assert intents.status_code == 200 and intents.json()["object"] == "list", intents.text

        silent = slow_clients(url, 2 * 2 * 2 * THREADS, seconds=12, probe_timeout=2,
                              mode="silent", reopen=True)
        trickling = slow_clients(url, 2 * 2 * THREADS + 4, seconds=8, probe_timeout=2,
                                 reopen=True)
        assert silent["failed"] == 0 and silent["probes"] >= 20, silent
        assert trickling["failed"] == 0 and trickling["probes"] >= 10, trickling

        assert _metrics(url) == 200  # the client, 127.0.0.1, not the proxy's 127.0.0.2
        assert _metrics(url, **{"X-Forwarded-For": "10.9.9.9"}) == 200
        assert _metrics(instances[0], **{"X-Forwarded-For": "127.0.0.1"}) == 403
    finally:
        proc.stdin.close()  # the command ends; cluster-run stops what it started
        try:
            proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        print(f"\n[cluster-run]\n{tail(log, 2000)}")
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
