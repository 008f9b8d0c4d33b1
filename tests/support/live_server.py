"""Serve the project from real gunicorn processes against the test database.

Tests that need several processes (idempotency, locking) use this instead of the test client:

    from tests.support.live_server import run_gunicorn

    @pytest.mark.django_db(transaction=True)
    def test_something(demo):
        with run_gunicorn(workers=4) as server:
            requests.get(f"{server}/v1/health", timeout=5)

`server` is the base URL (a `str`, e.g. "http://127.0.0.1:43121") that also carries `pid`,
`log_path` and `output()` (the tail of gunicorn's stdout+stderr, for failure messages).
Exceptions raised inside the `with` block get that output attached as a note.

The workers connect to the database pytest-django created (read from
`django.db.connection.settings_dict`), so only committed data is visible to them: use
`django_db(transaction=True)`. PostgreSQL only: SQLite test databases are in memory.
The server is stopped when the block exits, before pytest-django flushes the database
(a flush would otherwise wait for the workers' connections).
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import requests

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HEALTH_PATH = "/v1/health"
OUTPUT_TAIL_CHARS = 20_000


class LiveServerError(RuntimeError):
    """The server could not be started (its output is in the message)."""


class LiveServer(str):
    """The base URL of a running server, with a handle on its process and log."""

    pid: int
    log_path: Path

    def __new__(cls, url: str, *, pid: int, log_path: Path):
        self = super().__new__(cls, url)
        self.pid = pid
        self.log_path = log_path
        return self

    @property
    def url(self) -> str:
        return str(self)

    def output(self, limit: int = OUTPUT_TAIL_CHARS) -> str:
        return _read_tail(self.log_path, limit)


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL (dj-database-url syntax) for the connection described by settings_dict."""
    engine = settings_dict.get("ENGINE", "")
    if "sqlite" in engine and settings_dict["NAME"].startswith("/"):  # a file: for a worker
        return f"sqlite:///{settings_dict['NAME']}"
    if "postgresql" not in engine:
        raise LiveServerError(f"a live server needs PostgreSQL, the test database is {engine!r}")
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = str(settings_dict.get("PASSWORD") or "")
    auth = user + (f":{quote(password, safe='')}" if password else "")
    host = str(settings_dict.get("HOST") or "")
    if host.startswith("/"):  # a unix socket directory
        host = quote(host, safe="")
    elif ":" in host:  # IPv6
        host = f"[{host}]"
    port = str(settings_dict.get("PORT") or "")
    netloc = (f"{auth}@" if auth else "") + host + (f":{port}" if port else "")
    name = quote(str(settings_dict["NAME"]), safe="")
    options = {
        key: value
        for key, value in (settings_dict.get("OPTIONS") or {}).items()
        if isinstance(value, str | int) and not isinstance(value, bool)
    }
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{netloc}/{name}{query}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _read_tail(path: Path, limit: int) -> str:
    try:
        with open(path, "rb") as log:
            log.seek(0, os.SEEK_END)
            size = log.tell()
            log.seek(max(0, size - limit))
            text = log.read().decode("utf-8", errors="replace")
    except OSError as exc:
        return f"<cannot read {path}: {exc}>"
    return ("...\n" if size > limit else "") + text


def _stop(proc: subprocess.Popen, *, term_timeout: float, kill_timeout: float) -> None:
    """SIGTERM the master (it stops its workers gracefully), SIGKILL its group if it hangs.

    The group is the one created for the master at start (start_new_session), and it is
    signalled only while the master is not yet reaped, so its id cannot have been reused:
    nothing but this gunicorn's master and workers is ever signalled.
    """
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=term_timeout)
        return
    except subprocess.TimeoutExpired:
        pass
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=kill_timeout)


def _wait_until_healthy(proc: subprocess.Popen, url: str, log_path: Path, timeout: float):
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise LiveServerError(
                f"gunicorn exited with code {proc.returncode} before answering "
                f"{HEALTH_PATH}; its output:\n{_read_tail(log_path, OUTPUT_TAIL_CHARS)}"
            )
        try:
            response = requests.get(url + HEALTH_PATH, timeout=2)
        except requests.RequestException as exc:
            last = f"{type(exc).__name__}: {exc}"
        else:
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}: {response.text[:500]}"
        time.sleep(0.1)
    raise LiveServerError(
        f"gunicorn did not answer {HEALTH_PATH} with 200 within {timeout:.0f} s "
        f"(last: {last}); its output:\n{_read_tail(log_path, OUTPUT_TAIL_CHARS)}"
    )


def _test_env(settings_dict: dict | None, **extra: str) -> dict[str, str]:
    """The environment of a process serving the test database (settings_dict defaults to
    `django.db.connection.settings_dict`)."""
    if settings_dict is None:
        from django.db import connection

        settings_dict = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": database_url(settings_dict),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def _log_file(prefix: str):
    """A temporary log and its file, opened in append mode (O_APPEND, shared with the
    child): lines written here never overwrite the child's."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".log")
    os.close(fd)
    return Path(name), open(name, "ab", buffering=0)  # noqa: SIM115 - closed by callers


@contextlib.contextmanager
def run_gunicorn(
    workers: int = 4,
    *,
    settings_dict: dict | None = None,
    extra_env: dict[str, str] | None = None,
    start_timeout: float = 30.0,
    request_timeout: int = 30,
    stop_timeout: float = 15.0,
    keep_log: bool = False,
) -> Iterator[LiveServer]:
    """Start gunicorn (`workers` sync workers) on 127.0.0.1 and yield its base URL.

    settings_dict defaults to `django.db.connection.settings_dict` (the test database).
    extra_env is added to the server's environment last (e.g. {"REDIS_URL": ...}).
    """
    env = _test_env(settings_dict, CONN_MAX_AGE="0", ALLOWED_HOSTS="127.0.0.1,localhost",
                    **(extra_env or {}))
    log_path, log_file = _log_file("gunicorn-")
    proc = None
    try:
        for _attempt in range(3):  # the free port may be taken between probe and bind
            port = _free_port()
            url = f"http://127.0.0.1:{port}"
            log_file.write(f"=== gunicorn on {url} ===\n".encode())
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--worker-class",
                    "sync",
                    "--timeout",
                    str(request_timeout),
                    "--graceful-timeout",
                    str(max(1, int(stop_timeout) - 5)),
                    "--access-logfile",
                    "-",
                    "--error-logfile",
                    "-",
                    "--log-level",
                    "info",
                    # No shared ~/.gunicorn/gunicorn.ctl: parallel servers must not clash.
                    "--no-control-socket",
                    # No 414 HTML page from gunicorn itself: Django bounds the query instead
                    # (DATA_UPLOAD_MAX_NUMBER_FIELDS), answering in the API's error shape.
                    "--limit-request-line",
                    "0",
                    "config.wsgi:application",
                ],
                cwd=PROJECT_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                _wait_until_healthy(proc, url, log_path, start_timeout)
                break
            except LiveServerError:
                in_use = proc.poll() is not None and "in use" in _read_tail(log_path, 4000)
                _stop(proc, term_timeout=stop_timeout, kill_timeout=5)
                if not in_use or _attempt == 2:
                    raise
        server = LiveServer(url, pid=proc.pid, log_path=log_path)
        try:
            yield server
        except BaseException as exc:
            exc.add_note(f"--- gunicorn output ({log_path}) ---\n{server.output()}")
            raise
    finally:
        if proc is not None:
            _stop(proc, term_timeout=stop_timeout, kill_timeout=5)
        log_file.close()
        if not keep_log:
            with contextlib.suppress(OSError):
                log_path.unlink()


@contextlib.contextmanager
def run_worker(*, settings_dict: dict | None = None, stop_timeout: float = 15.0,
               args: tuple[str, ...] = (), extra_env: dict[str, str] | None = None):
    """Start `manage.py worker` (the persistent task backend's worker, with its scheduler) on
    the test database; `args` are added to its command line, `extra_env` to its environment
    (TASKS_BACKEND=celery: a Celery worker). Yields the `Popen`, with `log_path` set."""
    env = _test_env(settings_dict, **{"TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
                                      **(extra_env or {})})
    log_path, log_file = _log_file("worker-")
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.2", *args],
        cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log_file,
        stderr=subprocess.STDOUT, start_new_session=True,
    )
    proc.log_path = log_path
    try:
        yield proc
    except BaseException as exc:
        exc.add_note(f"--- worker output ({log_path}) ---\n{_read_tail(log_path, 20000)}")
        raise
    finally:
        _stop(proc, term_timeout=stop_timeout, kill_timeout=5)
        log_file.close()
        with contextlib.suppress(OSError):
            log_path.unlink()
