"""`python -m core.supervise`: what `make run` and `scripts/cluster-run` keep the task worker
running with. A command that dies is started again (and nothing prints bash's "Killed"); a
stop request is passed on once; a worker whose supervisor is gone stops by itself."""

import os
import signal
import subprocess
import sys

import pytest
from django.db import connection

from tests.support.live_server import PROJECT_ROOT, database_url
from tests.support.processes import wait_for

CHILD = ("import os, sys, time, signal\n"
         "signal.signal(signal.SIGTERM, lambda *a: (open(sys.argv[1] + '.term', 'a')"
         ".write('x'), sys.exit(0)))\n"
         "open(sys.argv[1], 'a').write(f'{os.getpid()}\\n')\n"
         "time.sleep(60)\n")


def pids(path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def test_a_command_that_dies_is_started_again_and_a_stop_is_passed_on_once(tmp_path):
    started = tmp_path / "started"
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "core.supervise", "--name", "child", "--",
         sys.executable, "-c", CHILD, str(started)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(lambda: len(pids(started)) == 1, 10, "the command starts")
        os.kill(pids(started)[0], signal.SIGKILL)
        wait_for(lambda: len(pids(started)) == 2, 10, "the command is started again")
        supervisor.send_signal(signal.SIGINT)  # Ctrl-C...
        supervisor.send_signal(signal.SIGTERM)  # ...and the shell that ran it, stopping it
        assert supervisor.wait(timeout=10) == 0
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
    output = supervisor.stdout.read()
    assert f"pid {pids(started)[0]} ended by signal SIGKILL; starting it again in 1 s" in output
    assert "Killed" not in output
    assert (tmp_path / "started.term").read_text() == "x"  # one SIGTERM, not two


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
def test_a_worker_whose_supervisor_is_gone_stops(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test",
           "DATABASE_URL": database_url(connection.settings_dict),
           "TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
    log = tmp_path / "worker.log"
    with open(log, "wb") as output:
        supervisor = subprocess.Popen(
            [sys.executable, "-m", "core.supervise", "--", sys.executable, "manage.py",
             "worker", "--no-scheduler"],
            cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    wait_for(lambda: "starting" in log.read_text(), 30, "the worker starts")
    [worker] = [int(pid) for pid in subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(supervisor.pid)], capture_output=True,
        text=True).stdout.split()]
    supervisor.kill()
    supervisor.wait()
    try:
        wait_for(lambda: "its supervisor is gone; stopping" in log.read_text(), 20,
                 "the worker notices")
        wait_for(lambda: not os.path.exists(f"/proc/{worker}"), 10, "the worker exits")
    finally:
        if os.path.exists(f"/proc/{worker}"):
            os.kill(worker, signal.SIGKILL)
