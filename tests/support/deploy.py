"""Starting what the image starts, on this host: processes in their own session, a clean
environment (no DATABASE_URL, REDIS_URL or SECRET_KEY leaking in from the test run), and
stopping exactly the process group that was started."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.support.processes import free_port  # noqa: F401 - the deploy tests' port

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SECRET = "deploy-tests-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFG"


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a production process: only what is given here."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR")
           if name in os.environ}
    env.update({"PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING"})
    env.update(extra)
    return env


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def wait_healthy(proc: subprocess.Popen, url: str, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"exited with {proc.returncode}:\n{tail(log)}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{url}/v1/health", timeout=2,
                            allow_redirects=False).status_code == 200:
                return
        time.sleep(0.3)
    raise AssertionError(f"no 200 from {url}/v1/health within {timeout} s:\n{tail(log)}")


def stop(proc: subprocess.Popen, timeout: float = 30) -> int:
    """SIGTERM the process (it stops its own children); if it hangs, SIGKILL its group, the
    session started for it, while it is not yet reaped (so the group id is still its own)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    return proc.returncode


def tail(log: Path, limit: int = 6000) -> str:
    try:
        return log.read_text(errors="replace")[-limit:]
    except OSError:
        return ""
