"""Slow clients against gunicorn as deployed (deploy/gunicorn.conf.py), and against the nginx
of deploy/compose.yaml in front of it: /v1/health must not wait for them.

The measurement is scripts/slow_clients.py (connections that trickle headers and never finish
their request, while /v1/health is probed). Before gthread workers, three such clients
stalled three sync workers for gunicorn's whole 30 s timeout.
"""

import json
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

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


def slow_clients(url: str, clients: int, *, seconds: float, probe_timeout: float,
                 mode: str = "trickle") -> dict:
    """Probes of /v1/health while `clients` slow clients hold their connections for
    `seconds`; a probe not answered within `probe_timeout` (well under `seconds`: what a
    stalled server would make it wait) counts as failed. The latencies are printed, not
    judged: timing belongs to the benchmarks."""
    result = subprocess.run(
        [PYTHON, str(ROOT / "scripts" / "slow_clients.py"), url, "--clients", str(clients),
         "--seconds", str(seconds), "--mode", mode, "--probe-timeout", str(probe_timeout)],
        capture_output=True, text=True, timeout=seconds + 60, check=True)
    measured = json.loads(result.stdout)
    print(f"\n[{clients} {mode} clients] {measured}")
    return measured


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """gunicorn with deploy/gunicorn.conf.py on a migrated throwaway SQLite database."""
    tmp = tmp_path_factory.mktemp("slow-clients")
    port = free_port()
    env = clean_env(DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY=SECRET,
                    ALLOWED_HOSTS="127.0.0.1", SQLITE_PATH=str(tmp / "db.sqlite3"),
                    SECURE_SSL_REDIRECT="0", WEB_CONCURRENCY=str(WORKERS),
                    GUNICORN_THREADS=str(THREADS), BIND=f"127.0.0.1:{port}")
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


def test_nginx_in_front_holds_many_slow_clients(gunicorn, tmp_path):
    """deploy/nginx.conf (compose's proxy), with its upstream pointed at our gunicorn: many
    more slow clients than gunicorn has threads, and /v1/health does not notice."""
    nginx = _nginx()
    if nginx is None:
        pytest.skip("nginx is not installed (Debian: nginx-light; make system-deps)")
    upstream = gunicorn.removeprefix("http://")
    port = free_port()
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    # (Debian's nginx may predate `resolve`; the upstream is an address here anyway.)
    for old, new in [("server web1:8000 resolve;", f"server {upstream};"),
                     ("server web2:8000 resolve;", ""),
                     ("listen 8080;", f"listen 127.0.0.1:{port};"),
                     ("pid /tmp/nginx.pid;", f"pid {tmp_path}/nginx.pid;")]:
        assert old in conf, old
        conf = conf.replace(old, new)
    (tmp_path / "nginx.conf").write_text(conf)
    command = [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    subprocess.run([*command, "-t"], check=True, capture_output=True, timeout=30)
    log = tmp_path / "nginx.log"
    proc = start([*command, "-g", "daemon off;"], clean_env(), log)
    try:
        wait_healthy(proc, f"http://127.0.0.1:{port}", log, timeout=30)
        result = slow_clients(f"http://127.0.0.1:{port}", 64, seconds=6, probe_timeout=3)
        assert result["failed"] == 0, (result, tail(log))
    finally:
        stop(proc)
