"""Watching webhook delivery from outside: the local forwarder as a process, and how many
attempts were in flight at once."""

import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Forwarder:
    """`python -m webhooks_app.listen ARGS` in a process of its own, without Django settings
    or a database (as a developer runs it)."""

    def __init__(self, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "webhooks_app.listen", "--interval", "0.2", *args],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={"PATH": "/usr/bin:/bin"},  # no Django settings, no database
        )

    def line(self) -> str:
        return self.process.stdout.readline().rstrip("\n")

    def stop(self) -> tuple[int, str]:
        """SIGTERM it: its exit code and the rest of its output (still running after 5 s,
        it fails the test)."""
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=5)
        return code, self.process.stdout.read()


def most_at_once(deliveries) -> int:
    """The most attempts that were in flight at the same moment."""
    edges = []
    for delivery in deliveries:
        end = delivery.attempted_at
        edges += [(end - timedelta(milliseconds=delivery.latency_ms), 1), (end, -1)]
    running = most = 0
    for _, step in sorted(edges):
        running += step
        most = max(most, running)
    return most
