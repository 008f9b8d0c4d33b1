"""`manage.py devserver`, what `make run` serves with: runserver (with its reloader) on its
port and, from the same process, Stripe's format at the root on `STRIPE_ROOT_PORT`; Ctrl-C
stops both."""

import os
import signal
import socket
import subprocess

import pytest
import requests

from tests.support.deploy import PYTHON, ROOT, clean_env, free_port, start, tail, wait_healthy
from tests.support.processes import wait_for

pytestmark = [pytest.mark.live]
DEMO_KEY = "demo_key_4eC39HqLyjWDarjtT1zdp7dc"


def bound(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def dev_env(tmp_path):
    """`make run`'s environment, on a migrated database of its own with the demo data."""
    env = clean_env(DJANGO_DEBUG="1", SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    for command in (["migrate", "-v0"], ["seed_demo"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=120)
    return env


def test_devserver_serves_both_ports_and_ctrl_c_stops_both(dev_env, tmp_path):
    port, stripe_port = free_port(), free_port()
    log = tmp_path / "devserver.log"
    proc = start([PYTHON, "manage.py", "devserver", f"127.0.0.1:{port}"],
                 {**dev_env, "STRIPE_ROOT_PORT": str(stripe_port)}, log)
    try:
        wait_healthy(proc, f"http://127.0.0.1:{port}", log)
        auth = {"Authorization": f"Bearer {DEMO_KEY}"}
        listed = requests.get(f"http://127.0.0.1:{stripe_port}/v1/payment_intents",
                              headers=auth, timeout=10)
        assert listed.status_code == 200, listed.text
        assert listed.json()["url"] == "/v1/payment_intents"
        main = requests.get(f"http://127.0.0.1:{port}/v1/payments", headers=auth, timeout=10)
        assert main.status_code == 200 and "url" not in main.json()
        assert f"Stripe's format at the root: http://127.0.0.1:{stripe_port}/v1/" in tail(log)
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole group
        proc.wait(timeout=30)
    wait_for(lambda: not bound(port) and not bound(stripe_port), 10, "both ports freed")


def test_a_taken_stripe_port_stops_the_devserver_and_says_which(dev_env, tmp_path):
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        stripe_port = taken.getsockname()[1]
        log = tmp_path / "devserver.log"
        proc = start([PYTHON, "manage.py", "devserver", "--noreload", f"127.0.0.1:{port}"],
                     {**dev_env, "STRIPE_ROOT_PORT": str(stripe_port)}, log)
        assert proc.wait(timeout=60) == 1
    assert f"STRIPE_ROOT_PORT {stripe_port} cannot be served" in tail(log)
    assert "That port is already in use" in tail(log)
