#!/usr/bin/env python3
"""The image's entrypoint; it runs the same way on a host (tests/ops/test_entrypoint.py).

Usage: deploy/entrypoint.py [web | worker | migrate | COMMAND [ARGS...]]

  web      (the default) migrate, load the demo data in sandbox mode, then serve with
           gunicorn (deploy/gunicorn.conf.py). In sandbox mode gunicorn runs one process of
           8 threads (WEB_CONCURRENCY, GUNICORN_THREADS) and a task worker runs beside it in
           the same container, started again if it dies (SANDBOX_WORKER=0 leaves it out).
  worker   migrate, then run the task worker.
  migrate  migrate (and in sandbox mode load the demo data), then exit.
  other    run as given, e.g. `python manage.py createsuperuser`.

Before anything it imports the settings, so a configuration that would not start (no
SECRET_KEY outside sandbox mode, say) stops here with the reason and exit status 78.
Migrations run one process at a time (a PostgreSQL advisory lock; a file lock next to a
SQLite database), so every container may migrate on start; MIGRATE_ON_START=0 skips it.
The database gets DB_WAIT_SECONDS (default 60) to come up.

Metrics of several processes: PROMETHEUS_MULTIPROC_DIR is set to a fresh directory when it is
not set (and emptied of old metric files when it is), before gunicorn starts; gunicorn's
child_exit hook tells prometheus_client when a worker is gone.
"""

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy" / "gunicorn.conf.py"),
            "config.wsgi:application"]
MIGRATION_LOCK = 0x7061796D  # "paym": the advisory lock id every container migrates under
EX_CONFIG = 78


def say(message: str) -> None:
    print(f"entrypoint: {message}", file=sys.stderr, flush=True)


def env_on(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value in {"1", "true", "yes", "on"}


def setup_django() -> None:
    """Import the settings (refusing a configuration that cannot start) and set Django up."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        say(f"refusing to start: {exc}")
        sys.exit(EX_CONFIG)


def wait_for_database(seconds: float) -> None:
    from django.db import OperationalError, connection

    deadline = time.monotonic() + seconds
    while True:
        try:
            connection.ensure_connection()
            return
        except OperationalError as exc:
            if time.monotonic() > deadline:
                say(f"the database did not answer within {seconds:.0f} s: {exc}")
                sys.exit(1)
            say(f"waiting for the database: {str(exc).strip().splitlines()[0]}")
            time.sleep(1)


@contextlib.contextmanager
def migration_lock():
    """One migrating process at a time, across containers and hosts."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])
    elif connection.vendor == "sqlite" and str(connection.settings_dict["NAME"]) != ":memory:":
        lock_path = Path(f"{connection.settings_dict['NAME']}.migrate-lock")
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
    else:
        yield


def prepare(*, sandbox: bool) -> None:
    """Migrate (and, in sandbox mode, load the demo data) in this process, before serving."""
    # Metrics written here (a process about to exec) must not land in the shared directory.
    multiproc = os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    try:
        setup_django()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections

        if sandbox:
            Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
        if env_on("MIGRATE_ON_START", True):
            wait_for_database(float(os.environ.get("DB_WAIT_SECONDS", "60")))
            with migration_lock():
                call_command("migrate", interactive=False, verbosity=1)
        if sandbox:
            call_command("seed_demo")
        connections.close_all()
    finally:
        if multiproc is not None:
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = multiproc


def worker_command() -> list[str]:
    """The task worker: the project's `manage.py worker` (its threads per queue and the
    scheduler) where the project has it, else the database queue's own `db_worker`."""
    from django.core.management import get_commands

    if "worker" in get_commands():
        return [sys.executable, "manage.py", "worker"]
    return [sys.executable, "manage.py", "db_worker", "--no-reload"]


def fresh_metrics_dir() -> Path | None:
    """PROMETHEUS_MULTIPROC_DIR: a new directory (returned), or the given one emptied of old
    metric files."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not given:
        made = Path(tempfile.mkdtemp(prefix="prometheus-"))
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(made)
        return made
    path = Path(given)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):  # only prometheus_client's files, nothing else in there
        stale.unlink()
    return None


def supervise(commands: list[list[str]], *, grace: float = 25.0) -> int:
    """Run the commands side by side until one ends or SIGTERM/SIGINT comes, then stop the
    others (SIGTERM, SIGKILL after `grace` seconds). As PID 1 of a container it also reaps
    whatever else exits. Returns the exit status of the command that ended first (0 when
    stopped by a signal)."""
    children = {subprocess.Popen(command, cwd=ROOT).pid: command for command in commands}
    running = set(children)
    status: int | None = None
    kill_at: float | None = None

    def stop(*_):
        nonlocal kill_at
        if kill_at is None:
            kill_at = time.monotonic() + grace
            for pid in running:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, lambda *_: stop())
    signal.signal(signal.SIGINT, lambda *_: stop())
    while running:
        try:
            pid, wait_status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            if kill_at is not None and time.monotonic() > kill_at:
                for pid in running:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
            time.sleep(0.2)
            continue
        if pid not in running:
            continue  # an orphan reaped
        running.discard(pid)
        if kill_at is None:
            status = os.waitstatus_to_exitcode(wait_status) or 1
            say(f"{' '.join(children[pid][1:3])} exited ({status}); stopping the rest")
            stop()
    return status or 0


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "web"
    sandbox = env_on("SANDBOX", False)
    os.chdir(ROOT)
    if command == "web":
        if sandbox:
            # One process (its threads share the in-memory rate-limit counters exactly).
            os.environ.setdefault("WEB_CONCURRENCY", "1")
            os.environ.setdefault("GUNICORN_THREADS", "8")
        prepare(sandbox=sandbox)
        made = fresh_metrics_dir()
        if sandbox and env_on("SANDBOX_WORKER", True):
            say("sandbox: serving with gunicorn, a task worker beside it")
            try:
                # The worker under its restarter: a worker that dies is started again.
                return supervise([GUNICORN, [sys.executable, "-m", "core.supervise", "--",
                                             *worker_command()]])
            finally:
                if made:
                    shutil.rmtree(made, ignore_errors=True)
        os.execv(sys.executable, GUNICORN)
    if command == "migrate":
        prepare(sandbox=sandbox)
        return 0
    if command == "worker":
        prepare(sandbox=False)
        os.execv(sys.executable, worker_command())
    os.execvp(argv[0], argv)
    return 127  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
