"""Waiting on what other processes and threads do: a free port to give a server, and polling
until something has happened (a worker's delivery, a restarted process)."""

import socket
import time


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on now (another process may take it before
    the caller binds it: servers that can retry do)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout: float, what: str, *, interval: float = 0.05) -> float:
    """Poll `condition()` every `interval` seconds until it is true; how long that took.
    Fails the test naming `what` when it is not true within `timeout` seconds."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(interval)
    return time.monotonic() - started
